"""Forgotten passwords and invitations: a signed, expiring link through the outbox."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from events_app.accounts import services
from events_app.accounts.models import User
from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from htmltools import page

from accounts.users import sign_in, submit

NEW_PASSWORD = "a brand new passphrase"
SENT_TEXT = "If an account uses this address, we have sent it a link"


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return messages


def link_in(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"http://events\.test({re.escape(path)}[^\s\"<]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def ask_for_reset(client, email: str):
    form_page = client.get("/password/forgot")
    assert form_page.status_code == 200
    return submit(client, form_page, {"email": email})


def test_reset_round_trip(app, client, make_user, clock):
    chair = make_user(email="Ana@Example.org", name="Ana Silva")
    response = ask_for_reset(client, "ana@example.org")
    assert response.status_code == 200
    assert SENT_TEXT in page(response).text

    [message] = outbox(app)
    assert message.kind == "password_reset"
    assert message.to_address == "Ana@Example.org"
    assert message.subject == "Choose a new password for Community Events"
    assert "Hello Ana Silva," in message.body_text
    assert message.body_html and "Choose a new password" in message.body_html
    path = link_in(message, "/password/reset/")
    assert path in message.body_html

    form_page = client.get(path)
    assert form_page.status_code == 200
    assert form_page.headers["Referrer-Policy"] == "no-referrer"
    assert form_page.headers["Cache-Control"] == "private, no-store"  # names the account
    response = submit(client, form_page, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200  # signed in

    # The link was for one use.
    assert client.get(path).status_code == 400
    client.post("/logout")
    assert sign_in(client, chair).status_code == 200  # the old password no longer works
    assert sign_in(client, chair, password=NEW_PASSWORD).status_code == 302


def test_the_answer_is_the_same_for_unknown_and_inactive_addresses(app, client, make_user):
    make_user(email="gone@example.org", is_active=False)
    known = make_user(email="chair@example.org")
    answers = []
    for email in ("nobody@example.org", "gone@example.org", known.email):
        response = ask_for_reset(client, email)
        assert response.status_code == 200
        answers.append(page(response).one("main").text)
    assert answers[0] == answers[1] == answers[2]
    assert [m.to_address for m in outbox(app)] == [known.email]


def test_the_mail_is_in_the_readers_language(app, client, make_user):
    make_user(email="chair@example.org")
    client.get("/password/forgot?lang=fr")
    ask_for_reset(client, "chair@example.org")
    [message] = outbox(app)
    assert message.kind == "password_reset"
    assert '<html lang="fr" dir="ltr">' in message.body_html
    assert "/password/reset/" in message.body_text


def test_an_expired_link_is_refused(app, client, make_user, clock):
    make_user(email="chair@example.org")
    ask_for_reset(client, "chair@example.org")
    [message] = outbox(app)
    path = link_in(message, "/password/reset/")

    clock.set(clock.now + timedelta(minutes=59))
    assert client.get(path).status_code == 200
    clock.set(clock.now + timedelta(minutes=2))
    response = client.get(path)
    assert response.status_code == 400
    assert "This link no longer works" in page(response).one("h1").text
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert client.get("/manage/").status_code == 302


def test_a_link_stops_working_when_the_password_changes_otherwise(app, client, make_user, clock):
    chair = make_user(email="chair@example.org")
    ask_for_reset(client, "chair@example.org")
    ask_for_reset(client, "chair@example.org")
    first, second = outbox(app)
    first_path, second_path = link_in(first, "/password/reset/"), link_in(second, "/password/reset/")

    response = client.post(second_path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(first_path).status_code == 400


@pytest.mark.parametrize("token", ["nonsense", "a" * 5000, "eyJ1IjoxfQ.abc.def", "%00"])
def test_forged_or_broken_tokens_are_refused(client, make_user, token):
    make_user()
    assert client.get(f"/password/reset/{token}").status_code in (400, 404)
    assert client.get(f"/invitation/{token}").status_code in (400, 404)


def test_a_token_is_only_good_for_its_purpose(app, make_user, clock):
    chair = make_user()
    with app.app_context():
        user = db.session.get(User, chair.id)
        token = services.make_token(user, services.PASSWORD_RESET, clock.now)
        assert services.user_for_token(db.session, token, services.PASSWORD_RESET, clock.now) == user
        assert services.user_for_token(db.session, token, services.INVITATION, clock.now) is None


def test_old_secret_keys_still_verify(app, make_user, clock):
    chair = make_user()
    with app.app_context():
        user = db.session.get(User, chair.id)
        token = services.make_token(user, services.PASSWORD_RESET, clock.now)
        app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
        app.config["SECRET_KEY"] = "a new key, as long and random as the first one"
        assert services.user_for_token(db.session, token, services.PASSWORD_RESET, clock.now) == user
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert services.user_for_token(db.session, token, services.PASSWORD_RESET, clock.now) is None


@pytest.mark.parametrize("password, confirm, message", [
    ("short", "short", "The password must be between 10 and 200 characters long."),
    (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords are not the same."),
    ("", "", "Please choose a password."),
])
def test_the_new_password_is_checked(app, client, make_user, clock, password, confirm, message):
    chair = make_user()
    with app.app_context():
        token = services.make_token(db.session.get(User, chair.id), services.PASSWORD_RESET, clock.now)
        db.session.commit()  # the link's nonce is kept with the user
    response = client.post(f"/password/reset/{token}", data={"password": password, "confirm": confirm})
    assert response.status_code == 400
    assert message in page(response).one("form").text
    assert client.get(f"/password/reset/{token}").status_code == 200  # still usable


def test_a_password_change_ends_other_sessions(app, client, make_user, login, clock):
    chair = make_user()
    other_device = app.test_client()
    login(other_device, chair)
    assert other_device.get("/manage/").status_code == 200
    with app.app_context():
        token = services.make_token(db.session.get(User, chair.id), services.PASSWORD_RESET, clock.now)
        db.session.commit()  # the link's nonce is kept with the user
    client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/manage/").status_code == 200
    assert other_device.get("/manage/").status_code == 302


# --- invitations ---------------------------------------------------------------


def test_invitation_round_trip(app, client, make_user, make_council, clock):
    education = make_council(slug="education", name="Education")
    admin = make_user(role="admin", name="Central Staff")
    with app.app_context():
        inviter = db.session.get(User, admin.id)
        councils = services.councils_by_slug(db.session, ["education"])
        user, message = services.invite(db.session, "new.chair@example.org", "Nadia Haddad",
                                        "chair", councils, inviter, clock.now)
        db.session.commit()
        assert not user.has_password
        assert message.kind == "invitation"
        assert message.to_address == "new.chair@example.org"
        assert message.subject == "You are invited to manage events on Community Events"
        assert "Central Staff has invited you" in message.body_text
        assert "Education" in message.body_text
        path = link_in(message, "/invitation/")

    # No password yet: signing in is impossible.
    response = client.post("/login", data={"email": "new.chair@example.org", "password": ""})
    assert response.status_code == 400

    form_page = client.get(path)
    assert form_page.status_code == 200
    assert "Welcome, Nadia Haddad" in page(form_page).one("h1").text
    assert form_page.headers["Cache-Control"] == "private, no-store"
    assert form_page.headers["Referrer-Policy"] == "no-referrer"
    response = submit(client, form_page, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    dashboard = client.get("/manage/")
    assert dashboard.status_code == 200
    assert education.name in page(dashboard).one("main").text
    # Used once; and it is not a password-reset link.
    assert client.get(path).status_code == 400
    assert client.get(path.replace("/invitation/", "/password/reset/")).status_code == 400


def test_an_invitation_expires_after_a_week(app, client, make_user, clock):
    with app.app_context():
        _user, message = services.invite(db.session, "late@example.org", "Late", "chair", [],
                                         None, clock.now)
        db.session.commit()
        path = link_in(message, "/invitation/")
    clock.set(clock.now + timedelta(days=7, minutes=-1))
    assert client.get(path).status_code == 200
    clock.set(clock.now + timedelta(minutes=2))
    assert client.get(path).status_code == 400


def test_inviting_an_existing_address_is_refused(app, make_user, clock):
    make_user(email="chair@example.org")
    with app.app_context():
        with pytest.raises(services.DuplicateEmail):
            services.invite(db.session, "CHAIR@example.org", "Again", "chair", [], None, clock.now)


def test_unknown_council_slugs_are_named(app, make_council):
    make_council(slug="education")
    with app.app_context():
        with pytest.raises(services.UnknownCouncil) as error:
            services.councils_by_slug(db.session, ["education", "nope", "zzz"])
        assert error.value.details["slugs"] == ["nope", "zzz"]


# --- forged and reused links (issue 12, row 2) ------------------------------------


def forge(app, purpose: str, payload: dict, now) -> str:
    """What someone who knows SECRET_KEY (but not the database) can sign."""
    return services._serializer(purpose, now).dumps(payload)


def test_knowing_the_key_is_not_enough_to_take_over_a_pending_invitation(
        app, client, make_user, clock):
    admin = make_user(role="admin")
    with app.app_context():
        inviter = db.session.get(User, admin.id)
        invitee, _message = services.invite(db.session, "new.admin@example.org", "New Admin",
                                            "admin", [], inviter, clock.now)
        db.session.commit()
        fingerprint = invitee.password_fingerprint  # of no password: anyone can compute it
        invitee_id = invitee.id
        # The payload links carried before nonces, and one with a made-up nonce.
        old_style = forge(app, services.INVITATION, {"u": invitee_id, "p": fingerprint}, clock.now)
        guessed = forge(app, services.INVITATION,
                        {"u": invitee_id, "p": fingerprint, "n": "guessed-nonce"}, clock.now)
    for token in (old_style, guessed):
        assert client.get(f"/invitation/{token}").status_code == 400
        response = client.post(f"/invitation/{token}",
                               data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert response.status_code == 400
        assert client.get("/manage/users").status_code == 302  # not signed in
    with app.app_context():
        assert db.session.get(User, invitee_id).password_hash is None


def test_a_link_works_once_and_only_the_latest_one_works(app, client, make_user, clock):
    chair = make_user()
    with app.app_context():
        user = db.session.get(User, chair.id)
        first = services.make_token(user, services.PASSWORD_RESET, clock.now)
        latest = services.make_token(user, services.PASSWORD_RESET, clock.now)
        db.session.commit()
    assert client.get(f"/password/reset/{first}").status_code == 400
    assert client.post(f"/password/reset/{latest}",
                       data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    other = app.test_client()
    assert other.get(f"/password/reset/{latest}").status_code == 400
    with app.app_context():
        assert db.session.get(User, chair.id).link_nonce_hash is None
