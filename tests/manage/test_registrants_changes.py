"""What staff do on someone's behalf: cancel, add a walk-in, move between
sessions, message everyone. Each keeps the capacity and waitlist rules, tells
the people concerned through the outbox, and leaves an audit entry."""
from datetime import timedelta

from sqlalchemy import select

from events_app.events.models import Event
from events_app.extensions import db
from events_app.mail.models import OutboxMessage, OutboxStatus
from events_app.manage.models import AuditEntry
from events_app.registrations.models import Registration
from htmltools import page

from manage.test_registrants_list import register, registration, submit, world  # noqa: F401  (fixture)


def outbox(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(m.kind, m.to_address) for m in
                db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def clear_outbox(app) -> None:
    with app.app_context():
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()


def audit(app) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        return [(e.action, e.target_type, e.target_id, e.actor_label) for e in
                db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def statuses(app, slug) -> dict[str, str]:
    """email -> status of the registrations of one event."""
    with app.app_context():
        rows = db.session.scalars(
            select(Registration).join(Registration.event).where(Event.slug == slug)
            .order_by(Registration.id)).all()
        return {r.email: r.status for r in rows if not r.is_cancelled} | {
            r.email + " (cancelled)": r.status for r in rows if r.is_cancelled}


# --- cancel on behalf ---------------------------------------------------------


def test_cancel_on_behalf_asks_first_then_promotes_and_mails(app, client, world, login):
    login(client, world["chair"])
    clear_outbox(app)
    zoe = world["ids"]["zoe"]
    confirm = client.get(f"/manage/events/workshop/registrants/{zoe}/cancel")
    assert confirm.status_code == 200
    assert "Cancel the registration of Zoë Côté?" in page(confirm).one("h1").text
    assert registration(app, zoe).is_confirmed  # asking changes nothing

    response = submit(client, confirm, {})
    assert response.status_code == 303
    assert response.headers["Location"] == "/manage/events/workshop/registrants"
    shown = page(client.get(response.headers["Location"])).one("main").text
    assert "The registration of Zoë Côté is cancelled" in shown
    assert "1 person on the waitlist got the place." in shown
    assert registration(app, zoe).is_cancelled
    assert statuses(app, "workshop")["wait@example.org"] == "confirmed"
    assert outbox(app) == [("cancelled", "zoe@example.org"), ("promoted", "wait@example.org")]
    assert audit(app) == [("registration.cancel", "registration", zoe, world["chair"].email)]

    # Again: nothing more happens.
    client.post(f"/manage/events/workshop/registrants/{zoe}/cancel")
    assert len(outbox(app)) == 2 and len(audit(app)) == 1


def test_cancel_needs_a_registration_of_this_event(client, world, login):
    login(client, world["chair"])
    ana = world["ids"]["ana"]  # a registration for the meeting, not the workshop
    assert client.get(f"/manage/events/workshop/registrants/{ana}/cancel").status_code == 404
    assert client.post(f"/manage/events/workshop/registrants/{ana}/cancel").status_code == 404
    assert client.post("/manage/events/workshop/registrants/999999/cancel").status_code == 404


def test_cancel_after_the_start_is_refused_with_a_message(app, client, world, login, clock):
    login(client, world["chair"])
    clock.set(clock.now + timedelta(days=7, minutes=5))
    zoe = world["ids"]["zoe"]
    response = client.post(f"/manage/events/workshop/registrants/{zoe}/cancel", follow_redirects=True)
    assert "This event has already started" in page(response).one("main").text
    assert registration(app, zoe).is_confirmed
    assert audit(app) == []


# --- walk-ins -----------------------------------------------------------------


def test_a_walk_in_takes_a_free_seat_or_joins_the_waitlist(app, client, world, login):
    login(client, world["chair"])
    clear_outbox(app)
    form = client.get("/manage/events/workshop/registrants/new")
    assert form.status_code == 200
    response = submit(client, form, {"name": "Door Person", "email": "door@example.org",
                                     "consent": "y", "preferred_language": "fr"})
    assert response.status_code == 303
    shown = page(client.get(response.headers["Location"])).one("main").text
    assert "Door Person is registered (On the waitlist)." in shown  # the workshop is full
    assert statuses(app, "workshop")["door@example.org"] == "waitlisted"
    assert outbox(app) == [("waitlisted", "door@example.org")]
    [entry] = audit(app)
    assert entry[0] == "registration.walk_in"


def test_a_walk_in_without_an_email_gets_a_placeholder_and_no_mail(app, client, world, login, clock):
    clock.set(clock.now + timedelta(days=7))  # at the door: the meeting starts
    login(client, world["chair"])
    clear_outbox(app)
    form = client.get("/manage/events/meeting/registrants/new")
    with app.app_context():
        session_c = db.session.scalars(select(Event).where(Event.slug == "session-c")).one().id
    response = submit(client, form, {"name": "No Mail", "consent": "y", "attended": "y",
                                     "sessions": str(session_c)})
    assert response.status_code == 303
    with app.app_context():
        person = db.session.scalars(select(Registration).where(
            Registration.name == "No Mail", Registration.parent_registration_id.is_(None))).one()
        assert person.email.endswith("@walk-in.invalid") and person.email.startswith("walk-in-")
        assert person.is_confirmed and person.attended_dt is not None
        assert [p.event.slug for p in person.session_registrations] == ["session-c"]
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.kind, m.status) for m in messages] == [("confirmation", OutboxStatus.FAILED)]
    listing = page(client.get("/manage/events/meeting/registrants?q=no mail")).one("main").text
    assert "no e-mail address" in listing and "walk-in.invalid" not in listing
    assert [a[0] for a in audit(app)] == ["registration.walk_in", "registration.check_in"]


def test_a_walk_in_form_explains_its_mistakes(app, client, world, login):
    login(client, world["chair"])
    form = client.get("/manage/events/workshop/registrants/new")
    response = submit(client, form, {"name": "", "email": "not an address"})
    assert response.status_code == 200
    text = page(response).one("main").text
    assert "Please enter the person's name." in text
    assert "Please enter an e-mail address like name@example.com." in text
    assert "Registration needs the person's agreement to the privacy notice." in text
    # Someone already registered is found, not registered twice.
    response = submit(client, form, {"name": "Zoë again", "email": "ZOE@example.org", "consent": "y"},
                      follow_redirects=True)
    assert "Someone is already registered with this e-mail address" in page(response).one("main").text
    assert audit(app) == []


def test_a_walk_in_is_taken_at_the_door_but_not_after_the_event(app, client, world, login, clock):
    login(client, world["chair"])
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.slug == "workshop")).one()
        start, end = event.start_dt, event.end_dt
    clock.set(start + timedelta(minutes=20))  # registration closed when it started
    form = client.get("/manage/events/workshop/registrants/new")
    response = submit(client, form, {"name": "At the door", "email": "door@example.org",
                                     "consent": "y"})
    assert response.status_code == 303
    clock.set(end + timedelta(minutes=1))
    form = client.get("/manage/events/workshop/registrants/new")
    response = submit(client, form, {"name": "Late", "email": "late@example.org", "consent": "y"},
                      follow_redirects=True)
    assert "This event has ended, so no one can be added to it." in page(response).one("main").text


# --- moving between sessions -------------------------------------------------


def test_moving_a_pick_frees_the_seat_for_the_waitlist_and_mails_everyone(app, client, world, login):
    login(client, world["chair"])
    clear_outbox(app)
    with app.app_context():
        ana_a = db.session.scalars(select(Registration).join(Registration.event).where(
            Event.slug == "session-a", Registration.email == "ana@example.org")).one().id
    form = client.get(f"/manage/events/meeting/registrants/{ana_a}/move")
    assert form.status_code == 200
    response = submit(client, form, {"to_session": "session-b"})
    assert response.status_code == 303
    shown = page(client.get(response.headers["Location"])).one("main").text
    assert "Ana Pick is moved from “Session A” to “Session B” (Place confirmed)" in shown
    assert statuses(app, "session-a") == {"ben@example.org": "confirmed",
                                          "ana@example.org (cancelled)": "cancelled"}
    assert statuses(app, "session-b") == {"ana@example.org": "confirmed"}
    assert statuses(app, "session-c") == {"ana@example.org": "confirmed"}
    assert outbox(app) == [("moved", "ana@example.org"), ("confirmation", "ana@example.org"),
                           ("promoted", "ben@example.org")]
    with app.app_context():
        moved = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "moved")).one()
        assert moved.subject == "Your session has changed: Session B"
        assert "moved you from the session “Session A” to the session “Session B”" in moved.body_text
        assert "removes “Session A” from your calendar" in moved.body_text
        [inline] = [a for a in moved.attachments if a["inline"]]
        assert "METHOD:CANCEL" in inline["data"] and "session-a" in moved.attachments[-1]["filename"]
    [entry] = audit(app)
    assert entry[0] == "registration.move"


def test_moving_into_a_full_session_waitlists_and_overlaps_are_refused(app, client, world, login, clock):
    register(app, "meeting", "Filler", "filler@example.org", clock.now, sessions=["session-b"])
    register(app, "meeting", "Filler Two", "filler2@example.org", clock.now, sessions=["session-b"])
    login(client, world["admin"])
    with app.app_context():
        ben_a = db.session.scalars(select(Registration).join(Registration.event).where(
            Event.slug == "session-a", Registration.email == "ben@example.org")).one().id
        ana_c = db.session.scalars(select(Registration).join(Registration.event).where(
            Event.slug == "session-c", Registration.email == "ana@example.org")).one().id
    client.post(f"/manage/events/meeting/registrants/{ben_a}/move", data={"to_session": "session-b"})
    assert statuses(app, "session-b")["ben@example.org"] == "waitlisted"
    # Ana holds Session A at the same time as Session B: moving C to B overlaps.
    response = client.post(f"/manage/events/meeting/registrants/{ana_c}/move",
                           data={"to_session": "session-b"}, follow_redirects=True)
    assert "take place at the same time" in page(response).one("main").text
    assert statuses(app, "session-c")["ana@example.org"] == "confirmed"
    # Only sessions of this meeting.
    response = client.post(f"/manage/events/meeting/registrants/{ana_c}/move",
                           data={"to_session": "workshop"})
    assert response.status_code == 200
    assert "Please pick a session of this meeting." in page(response).one("main").text


# --- messages ------------------------------------------------------------------


def test_message_all_writes_one_outbox_message_per_registrant(app, client, world, login):
    login(client, world["chair"])
    clear_outbox(app)
    with app.app_context():
        person = db.session.get(Registration, world["ids"]["mohammed"])
        person.preferred_language = "fr"
        db.session.commit()
    form = client.get("/manage/events/workshop/message")
    assert form.status_code == 200
    response = submit(client, form, {"audience": "all", "subject": "Room change",
                                     "body": "We meet in room 2.\n\nBring <your> questions."})
    assert response.status_code == 303
    assert "The message is on its way to 4 people." in page(client.get(response.headers["Location"])).text
    assert sorted(outbox(app)) == sorted([
        ("staff_message", "zoe@example.org"), ("staff_message", "mohammed@example.org"),
        ("staff_message", "wait@example.org"), ("staff_message", "second@example.org")])
    with app.app_context():
        messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
        zoe, mohammed = messages["zoe@example.org"], messages["mohammed@example.org"]
        assert zoe.subject == "Room change" and mohammed.subject == "Room change"
        assert "We meet in room 2.\n\nBring <your> questions." in zoe.body_text
        assert "Hello Zoë Côté," in zoe.body_text and "Bonjour محمد" in mohammed.body_text
        assert "/r/" in zoe.body_text  # their registration link
        assert "Bring &lt;your&gt; questions." in zoe.body_html
    [entry] = audit(app)
    assert entry[:3] == ("event.message", "event", registration(app, world["ids"]["zoe"]).event_id)

    clear_outbox(app)
    submit(client, form, {"audience": "waitlisted", "subject": "S", "body": "B"})
    assert sorted(outbox(app)) == [("staff_message", "second@example.org"),
                                   ("staff_message", "wait@example.org")]


def test_message_form_explains_its_mistakes(app, client, world, login):
    login(client, world["chair"])
    form = client.get("/manage/events/workshop/message")
    response = submit(client, form, {"subject": "", "body": ""})
    text = page(response).one("main").text
    assert "Please write a subject." in text and "Please write the message." in text
    assert outbox(app) == [o for o in outbox(app) if o[0] != "staff_message"]


def test_a_walk_in_cannot_be_marked_here_before_check_in_opens(app, client, world, login):
    """A week before the workshop, "They are here now" is refused (issue 16, item 6)."""
    login(client, world["chair"])
    form = client.get("/manage/events/workshop/registrants/new")
    response = submit(client, form, {"name": "Too Early", "email": "early@example.org",
                                     "consent": "y", "attended": "y"})
    assert response.status_code == 200
    assert "Check-in is open from shortly before the event starts until it ends." in page(response).text
    with app.app_context():
        assert db.session.scalars(select(Registration).where(Registration.name == "Too Early")).first() is None
