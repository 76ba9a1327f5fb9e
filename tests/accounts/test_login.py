"""Signing in and out at /login and /logout."""
import pytest

from dbsetup import config_for, dispose_engines
from events_app import create_app
from events_app.accounts.models import User
from events_app.extensions import db
from htmltools import normalise, page, parse

from accounts.users import PASSWORD, sign_in, submit

GENERIC_ERROR = "E-mail or password is incorrect."


def error_text(response) -> str:
    node = page(response).find(id="login-error")
    return node.text if node is not None else ""


def test_sign_in_leads_to_the_dashboard(client, make_user, make_council, clock):
    chair = make_user(councils=[make_council()])
    response = sign_in(client, chair)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get("/manage/", follow_redirects=True)
    assert response.request.path == "/login"
    assert "Please sign in to see this page." in page(response).one("main").text
    # The form sends the visitor back where they were going.
    assert page(response).one("form", method="post")["action"] == "/login?next=/manage/"


def test_sign_in_records_the_time(app, client, make_user, clock):
    chair = make_user()
    sign_in(client, chair)
    with app.app_context():
        assert db.session.get(User, chair.id).last_login_dt == clock.now


def test_the_address_matches_whatever_its_case(client, make_user):
    chair = make_user(email="Ana.Silva@Example.org")
    response = client.post("/login", data={"email": "  ana.silva@EXAMPLE.ORG ", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("case", ["unknown address", "wrong password", "inactive account",
                                  "no password yet"])
def test_every_failure_gets_the_same_message(app, client, make_user, case):
    active = make_user(email="chair@example.org")
    inactive = make_user(email="gone@example.org", is_active=False)
    invited = make_user(email="invited@example.org", password=None)
    email, password = {
        "unknown address": ("nobody@example.org", PASSWORD),
        "wrong password": (active.email, PASSWORD + "x"),
        "inactive account": (inactive.email, PASSWORD),
        "no password yet": (invited.email, PASSWORD),
    }[case]
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 200
    assert error_text(response) == GENERIC_ERROR
    # The address typed stays in the form, the password does not.
    form = page(response).one("form", method="post")
    assert form.one("input", name="email")["value"] == email.strip()
    assert form.one("input", name="password")["value"] in (None, "")
    # And nobody is signed in.
    assert client.get("/manage/").status_code == 302


def test_empty_fields_get_messages_next_to_them(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    errors = page(response).find_all("ul", class_="field-errors")
    assert [e["id"] for e in errors] == ["email-error", "password-error"]
    assert page(response).one("input", name="email")["aria-invalid"] == "true"


def test_a_very_long_password_is_refused_without_hashing_it(client, make_user, monkeypatch):
    chair = make_user()
    hashed = []
    from events_app.accounts import services

    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash",
                        lambda stored, password: hashed.append(len(password)) or real(stored, password))
    monkeypatch.setattr("events_app.accounts.models.check_password_hash",
                        lambda stored, password: hashed.append(len(password)) or real(stored, password))
    response = client.post("/login", data={"email": chair.email, "password": "x" * 100_000})
    assert response.status_code in (200, 400)
    assert client.get("/manage/").status_code == 302
    # The guard refuses it before any hashing: scrypt over 100 kB is a way to load the server.
    assert hashed == []
    client.post("/login", data={"email": chair.email, "password": "x" * 50})
    assert hashed == [50]  # (the check itself is reached for a normal length)


@pytest.mark.parametrize("next_path, expected", [
    ("/manage/", "/manage/"),
    ("/manage/events/x?tab=1", "/manage/events/x?tab=1"),
    ("https://evil.example/", "/manage/"),
    ("//evil.example/", "/manage/"),
    ("/\\evil.example", "/manage/"),
    ("javascript:alert(1)", "/manage/"),
    ("/%0d%0aSet-Cookie:x=1", "/%0d%0aSet-Cookie:x=1"),
])
def test_next_is_followed_only_to_paths_on_this_site(client, make_user, next_path, expected):
    chair = make_user()
    response = client.post("/login", query_string={"next": next_path},
                           data={"email": chair.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_the_form_keeps_next(client, make_user):
    chair = make_user()
    response = sign_in(client, chair, next_path="/manage/events/x")
    assert response.headers["Location"] == "/manage/events/x"


def test_a_signed_in_visitor_of_login_goes_on(client, make_user, login):
    login(client, make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"


def test_deactivating_an_account_ends_its_sessions(app, client, make_user, login):
    chair = make_user()
    login(client, chair)
    assert client.get("/manage/").status_code == 200
    with app.app_context():
        db.session.get(User, chair.id).is_active = False
        db.session.commit()
    response = client.get("/manage/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_cookie_flags(client, make_user):
    chair = make_user()
    response = sign_in(client, chair)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_remember_and_session_cookies_are_secure_in_production():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_HTTPONLY is True
    assert ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"


# --- logout ----------------------------------------------------------------


def test_logout_is_a_post(client, make_user, login):
    login(client, make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/manage/").status_code == 200  # still signed in

    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/manage/").status_code == 302


def test_a_cookie_copied_before_signing_out_no_longer_opens_manage(app, client, make_user, login):
    """Issue 12, row 11: on a shared computer someone copies the session
    cookie; the chair signs out; the copy must be worth nothing."""
    login(client, make_user())
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/manage/").status_code == 302


def test_the_dashboard_signs_out_everywhere(app, client, make_user, login):
    """A chair signed in at a library and on their phone uses "Sign out
    everywhere" on /manage from home: every one of those sessions ends."""
    chair = make_user()
    library, phone = app.test_client(), app.test_client()
    for browser in (client, library, phone):
        login(browser, chair)
        assert browser.get("/manage/").status_code == 200
    dashboard = parse(client.get("/manage/").get_data(as_text=True))
    [form] = [f for f in dashboard.find_all("form")
              if "Sign out everywhere" in normalise(f.text)]
    assert form["method"] == "post"
    response = client.post(form["action"])
    assert response.status_code == 302
    for browser in (client, library, phone):
        assert browser.get("/manage/").status_code == 302


def test_logout_when_not_signed_in_is_harmless(client):
    assert client.post("/logout").status_code == 302


# --- CSRF and rate limits: apps with those turned on -------------------------


@pytest.fixture
def strict_app(test_database_url, app):
    """Like `app` (same database, emptied after the test), with CSRF and rate limits on."""
    config = type("StrictConfig", (config_for(test_database_url),), {
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "3 per minute",
    })
    strict = create_app(config)
    yield strict
    # (The limiter is one object for all apps; the next test's app turns it off again.)
    dispose_engines(strict)


def test_login_needs_the_forms_csrf_token(strict_app, make_user):
    chair = make_user()
    client = strict_app.test_client()
    response = client.post("/login", data={"email": chair.email, "password": PASSWORD})
    assert response.status_code == 400
    response = sign_in(client, chair)  # the real form carries its token
    assert response.status_code == 302


def test_logout_needs_the_csrf_token_too(strict_app, make_user):
    chair = make_user()
    client = strict_app.test_client()
    sign_in(client, chair)
    assert client.post("/logout").status_code == 400
    assert client.get("/manage/").status_code == 200


def test_attempts_are_rate_limited(strict_app, make_user):
    chair = make_user()
    client = strict_app.test_client()
    for _ in range(3):
        response = sign_in(client, chair, password="wrong password!")
        assert response.status_code == 200
    form_page = client.get("/login")
    assert form_page.status_code == 200  # looking at the form is not an attempt
    response = submit(client, form_page, {"email": chair.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in page(response).one("h1").text
    # The right password does not get through either while the limit holds.
    assert client.get("/manage/").status_code == 302


@pytest.fixture
def per_address_app(test_database_url, app):
    """Rate limits on, the per-address ones low, CSRF off (the forms are posted directly)."""
    config = type("PerAddressConfig", (config_for(test_database_url),), {
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
        "ACCOUNT_RATE_LIMIT": "3 per hour", "ADDRESS_MAIL_RATE_LIMIT": "2 per hour",
    })
    strict = create_app(config)
    yield strict
    dispose_engines(strict)


def test_attempts_on_one_account_are_limited_from_any_client_address(per_address_app, make_user):
    """Issue 12, row 10: the per-IP limit alone let 20 of 40 guesses through."""
    chair, other = make_user(), make_user()
    client = per_address_app.test_client()
    for n in range(3):
        response = client.post("/login", data={"email": chair.email, "password": "wrong password!"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert response.status_code == 200  # the form again, with the one generic message
    response = client.post("/login", data={"email": chair.email.upper(), "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429
    # Another account is not held up; an unknown address is limited the same way.
    assert client.post("/login", data={"email": other.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.0.0.98"}).status_code == 302


def test_mail_to_one_address_is_limited_from_any_client_address(per_address_app, make_event):
    """Issue 12, row 5: five posts with one address made five messages."""
    from sqlalchemy import func, select

    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage

    event = make_event(capacity=10)
    client = per_address_app.test_client()
    statuses = [client.post(f"/events/{event.slug}/register",
                            data={"name": "X", "email": "victim@example.org", "consent": "y"},
                            environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code
                for n in range(5)]
    assert statuses[:2] != [429, 429] and statuses[2:] == [429, 429, 429]
    statuses = [client.post("/password/forgot", data={"email": "victim@example.org"},
                            environ_base={"REMOTE_ADDR": f"10.0.2.{n}"}).status_code
                for n in range(3)]
    assert statuses[-1] == 429
    with per_address_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
