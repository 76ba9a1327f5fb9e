"""Accounts for tests, and signing in through the real /login form.

Fixtures here are imported by tests/accounts/conftest.py and
tests/manage/conftest.py.
"""
from dataclasses import dataclass

import pytest

from events_app.accounts import services
from events_app.extensions import db
from htmltools import page

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str
    role: str


@pytest.fixture
def make_user(app, sequence, clock):
    """A user with a password (`PASSWORD` unless given), active, a chair by default.

    `councils` takes SubCouncil objects (attached or not).
    """

    def make_user(*, role="chair", councils=(), email=None, name=None, password=PASSWORD,
                  is_active=True) -> Account:
        n = next(sequence)
        email = email or f"user{n}@example.org"
        with app.app_context():
            from events_app.councils.models import SubCouncil

            found = [db.session.get(SubCouncil, c.id) for c in councils]
            user = services.create_user(
                db.session, email=email, name=name or f"User {n}", role=role,
                councils=found, password=password, now=clock.now)
            user.is_active = is_active
            db.session.commit()
            return Account(user.id, email, password, role)

    return make_user


def form_fields(form_node) -> dict[str, str]:
    """What a browser would send for a form's hidden and pre-filled inputs."""
    return {
        node["name"]: node["value"] or ""
        for node in form_node.find_all("input")
        if node["name"] and node["type"] not in ("submit", "checkbox", "radio")
        and node["value"] is not None
    }


def submit(client, response, data: dict, *, form_index: int = 0, **kwargs):
    """Fill in the page's form like a person (its hidden fields, e.g. the CSRF
    token, included) and send it to the form's action."""
    forms = page(response).find_all("form", method="post")
    form = forms[form_index]
    fields = form_fields(form)
    fields.update(data)
    action = form["action"] or response.request.path
    return client.post(action, data=fields, **kwargs)


def sign_in(client, account: Account, *, password: str | None = None, next_path: str | None = None):
    """Sign in through the /login page's form; returns the POST's response."""
    path = "/login" + (f"?next={next_path}" if next_path else "")
    form_page = client.get(path)
    assert form_page.status_code == 200, form_page.status_code
    return submit(client, form_page, {
        "email": account.email,
        "password": account.password if password is None else password,
    })


@pytest.fixture
def login():
    """`login(client, account)`: sign in and check it worked."""

    def login(client, account: Account):
        response = sign_in(client, account)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return login
