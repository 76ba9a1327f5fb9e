"""Accounts under /manage/users: list, invite, change, deactivate, resend; all audited."""
import re

import pytest

from accounts.users import sign_in, submit
from dbsetup import count_statements
from events_app.accounts.models import User
from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from events_app.manage.models import AuditEntry
from htmltools import normalise, page


@pytest.fixture
def admin(client, login, make_user):
    account = make_user(role="admin", name="Ada Admin", email="ada@example.org")
    login(client, account)
    return account


def _user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        return {"name": user.name, "role": user.role, "councils": sorted(user.council_ids),
                "is_active": user.is_active, "has_password": user.has_password}


def _entries(app, action):
    with app.app_context():
        return [(e.actor_label, e.target_id, e.council_id, e.before, e.after)
                for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)
                                            .order_by(AuditEntry.id))]


def _submit(client, response, data):
    """Fill in the page's own form (not the sign-out form in the header)."""
    forms = page(response).find_all("form", method="post")
    index = next(i for i, form in enumerate(forms) if form["action"] == response.request.path)
    return submit(client, response, data, form_index=index)


def _text(response) -> str:
    return normalise(response.get_data(as_text=True))


def test_list_shows_every_account_in_one_query(app, client, admin, make_user, make_council):
    education = make_council(name="Education")
    make_user(name="Chair Person", email="chair@example.org", councils=[education])
    make_user(name="Invited Person", email="invited@example.org", password=None)
    make_user(name="Gone Person", email="gone@example.org", is_active=False)
    with app.app_context():
        engine = db.engine
    client.get("/manage/users")  # warm up: the signed-in user is loaded per request
    with count_statements(engine) as statements:
        response = client.get("/manage/users")
    assert response.status_code == 200
    text = _text(response)
    for expected in ("Ada Admin", "ada@example.org", "Chair Person", "chair@example.org",
                     "Education", "Invited Person", "Invitation pending", "Gone Person",
                     "Deactivated", "Administrator", "Sub-council chair"):
        assert expected in text, expected
    # The signed-in user (and their councils), then one query for the list.
    listing = [s for s in statements if "user_account" in s and "JOIN" in s.upper()
               and "sub_council" in s]
    assert len(listing) == 1, statements
    assert len(statements) == 3, statements  # the signed-in user, their councils, the list
    assert "Never" in _text(response)


def test_dashboard_links_accounts_for_admins_only(client, login, make_user, make_council):
    chair = make_user(councils=[make_council()])
    login(client, chair)
    assert "/manage/users" not in client.get("/manage/").get_data(as_text=True)
    client.post("/logout")
    login(client, make_user(role="admin"))
    assert 'href="/manage/users"' in client.get("/manage/").get_data(as_text=True)


def test_invite_creates_the_account_and_mails_the_invitation(app, client, admin, make_council):
    education, employment = make_council(name="Education"), make_council(name="Employment")
    form_page = client.get("/manage/users/invite")
    assert form_page.status_code == 200
    response = _submit(client, form_page, {
        "email": "New.Chair@Example.org", "name": "New Chair", "role": "chair",
        "councils": [str(education.id), str(employment.id)]})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/users"
    with app.app_context():
        user = db.session.scalars(db.select(User).where(User.email == "New.Chair@Example.org")).one()
        assert user.role == "chair" and not user.has_password and user.is_active
        assert user.council_ids == {education.id, employment.id}
        message = db.session.scalars(db.select(OutboxMessage)).one()
        assert message.to_address == "New.Chair@Example.org" and message.kind == "invitation"
        assert "/invitation/" in message.body_text
        link = re.search(r"https?://\S+?(/invitation/\S+)", message.body_text).group(1)
        user_id = user.id
    [(actor, target, council, before, after)] = _entries(app, "user.invite")
    assert (actor, target, council, before) == ("ada@example.org", user_id, None, None)
    assert after["email"] == "New.Chair@Example.org" and after["role"] == "chair"
    assert after["councils"] == sorted([education.id, employment.id])
    assert "Invitation pending" in _text(client.get("/manage/users"))
    assert app.test_client().get(link).status_code == 200  # the link works


def test_inviting_an_existing_address_says_so_beside_the_field(app, client, admin, make_user):
    make_user(email="taken@example.org")
    response = _submit(client, client.get("/manage/users/invite"), {
        "email": "TAKEN@example.org", "name": "Someone", "role": "chair"})
    assert response.status_code == 400
    errors = page(response).find_all("ul", class_="field-errors", id="email-error")
    assert errors and "already exists" in normalise(errors[0].text)
    with app.app_context():
        assert db.session.scalars(db.select(OutboxMessage)).first() is None
    assert _entries(app, "user.invite") == []


def test_invite_form_messages(client, admin):
    response = client.post("/manage/users/invite", data={"email": "not an address", "name": "",
                                                         "role": "boss"})
    assert response.status_code == 400
    text = _text(response)
    assert "Please enter an e-mail address like name@example.com." in text
    assert "Please enter the person's name." in text


def test_edit_role_and_councils(app, client, admin, make_user, make_council):
    education, employment = make_council(), make_council()
    chair = make_user(councils=[education], name="Old Name")
    form_page = client.get(f"/manage/users/{chair.id}/edit")
    assert form_page.status_code == 200
    response = _submit(client, form_page, {"name": "New Name", "role": "chair",
                                          "councils": [str(employment.id)]})
    assert response.status_code == 303
    assert _user(app, chair.id)["councils"] == [employment.id]
    assert _user(app, chair.id)["name"] == "New Name"
    [(_, target, council, before, after)] = _entries(app, "user.update")
    assert (target, council) == (chair.id, None)
    assert before == {"name": "Old Name", "councils": [education.id]}
    assert after == {"name": "New Name", "councils": [employment.id]}

    response = _submit(client, client.get(f"/manage/users/{chair.id}/edit"),
                      {"name": "New Name", "role": "admin"})
    assert response.status_code == 303
    assert _user(app, chair.id)["role"] == "admin"
    assert _entries(app, "user.update")[-1][3:] == (
        {"role": "chair", "councils": [employment.id]}, {"role": "admin", "councils": []})


def test_deactivated_user_can_no_longer_sign_in(app, client, admin, make_user, make_council):
    chair = make_user(councils=[make_council()])
    other = app.test_client()
    assert sign_in(other, chair).status_code == 302
    assert other.get("/manage/").status_code == 200

    response = client.post(f"/manage/users/{chair.id}/deactivate")
    assert response.status_code == 303
    assert _user(app, chair.id)["is_active"] is False
    # The open session ends at its next request, and signing in again fails.
    assert other.get("/manage/").status_code == 302
    assert sign_in(app.test_client(), chair).status_code == 200
    assert _entries(app, "user.deactivate")[0][1:] == (
        chair.id, None, {"is_active": True}, {"is_active": False})

    response = client.post(f"/manage/users/{chair.id}/reactivate")
    assert response.status_code == 303
    assert sign_in(app.test_client(), chair).status_code == 302
    assert _entries(app, "user.reactivate")[0][1:] == (
        chair.id, None, {"is_active": False}, {"is_active": True})


def test_an_admin_cannot_deactivate_themselves(app, client, admin, make_user):
    make_user(role="admin")  # not the last admin: the self rule alone refuses
    response = client.post(f"/manage/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in _text(response)
    assert _user(app, admin.id)["is_active"] is True
    assert _entries(app, "user.deactivate") == []


def test_the_last_active_admin_cannot_give_up_the_role(app, client, admin, make_user):
    make_user(role="admin", is_active=False)  # a deactivated admin does not count
    response = _submit(client, client.get(f"/manage/users/{admin.id}/edit"),
                      {"name": "Ada Admin", "role": "chair"})
    assert response.status_code == 400
    errors = page(response).find_all("ul", class_="field-errors", id="role-error")
    assert errors and "last active administrator" in normalise(errors[0].text)
    assert _user(app, admin.id)["role"] == "admin"
    assert _entries(app, "user.update") == []


def test_an_admin_may_give_up_the_role_when_another_remains(app, client, admin, make_user):
    make_user(role="admin")
    response = _submit(client, client.get(f"/manage/users/{admin.id}/edit"),
                      {"name": "Ada Admin", "role": "chair"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/"
    assert _user(app, admin.id)["role"] == "chair"
    assert client.get("/manage/users").status_code == 403


def test_another_admin_can_be_deactivated_while_one_remains(app, client, admin, make_user):
    other = make_user(role="admin")
    assert client.post(f"/manage/users/{other.id}/deactivate").status_code == 303
    assert _user(app, other.id)["is_active"] is False
    # The one left cannot leave (self), so there is always an active admin.
    response = client.post(f"/manage/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in _text(response)
    assert _user(app, admin.id)["is_active"] is True


def test_resend_a_pending_invitation(app, client, admin, make_user):
    pending = make_user(email="pending@example.org", password=None)
    accepted = make_user(email="accepted@example.org")
    assert client.post(f"/manage/users/{pending.id}/resend").status_code == 303
    response = client.post(f"/manage/users/{accepted.id}/resend", follow_redirects=True)
    assert "has already accepted the invitation" in _text(response)
    with app.app_context():
        messages = db.session.scalars(db.select(OutboxMessage)).all()
        assert [(m.to_address, m.kind) for m in messages] == [("pending@example.org", "invitation")]
    assert [e[1] for e in _entries(app, "user.invite")] == [pending.id]


def test_unknown_account_is_404(client, admin):
    assert client.get("/manage/users/999999/edit").status_code == 404
    assert client.post("/manage/users/999999/deactivate").status_code == 404
