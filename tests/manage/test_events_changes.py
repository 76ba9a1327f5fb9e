"""Cancel and reschedule: every registrant told, calendars updated, feeds at once, audited."""
from datetime import datetime, timedelta, timezone

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from events_app.events.models import Event, EventStatus
from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from events_app.manage.models import AuditEntry
from events_app.registrations import services as registrations
from events_app.reminders.models import ReminderSend
from events_app.reminders.services import moved_key

START = datetime(2027, 3, 9, 23, 0, tzinfo=timezone.utc)  # Tuesday 18:00 in London, Ontario


@pytest.fixture
def world(app, make_council, make_user, make_event, clock):
    council = make_council(slug="this")
    event = make_event(slug="talk", title="Talk", council=council, capacity=1,
                       online_url="https://meet.example.org/t", start_dt=START,
                       end_dt=START + timedelta(hours=2))
    with app.app_context():
        target = db.session.get(Event, event.id)
        registrations.register(db.session, target, name="Amina", email="amina@example.org",
                               consent=True, now=clock.now)
        registrations.register(db.session, target, name="Luc", email="luc@example.org",
                               consent=True, now=clock.now, preferred_language="fr")
        db.session.commit()
        db.session.execute(db.delete(OutboxMessage))
        db.session.commit()
    return {"event": event, "chair": make_user(councils=[council])}


def outbox(app, kind):
    with app.app_context():
        return {m.to_address: (m.subject, m.body_text, list(m.attachments)) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind))}


def ics_parts(attachments):
    return [a["data"] for a in attachments if a["filename"]]


EDIT = {"kind": "neighbourhood-event", "title": "Talk", "online_url": "https://meet.example.org/t",
        "status": "published", "languages": "en", "slug": "talk", "capacity": "1",
        "start_date": "2027-03-16", "start_time": "18:00", "end_time": "20:00"}


def test_reschedule_sends_request_with_higher_sequence_and_plain_notice(app, client, login, world, clock):
    login(client, world["chair"])
    feed_before = client.get("/calendar.ics")
    response = client.post("/manage/events/talk/edit", data=EDIT)
    assert response.status_code == 303
    mails = outbox(app, "event_rescheduled")
    assert set(mails) == {"amina@example.org", "luc@example.org"}
    subject, text, attachments = mails["amina@example.org"]
    assert subject == "New time: Talk"
    [ics] = ics_parts(attachments)
    parsed = vobject.readOne(ics)
    assert parsed.method.value == "REQUEST"
    assert int(parsed.vevent.sequence.value) == 1
    assert parsed.vevent.dtstart.value == datetime(2027, 3, 16, 22, 0, tzinfo=timezone.utc)
    with app.app_context():
        event = db.session.get(Event, world["event"].id)
        assert parsed.vevent.uid.value == f"{event.uid}@events.test"
        # The reminders planner will not send its own "new time" notice.
        sends = db.session.scalars(db.select(ReminderSend)).all()
        assert [s.key for s in sends] == [moved_key(event.start_dt)]
        entry = db.session.scalars(db.select(AuditEntry)).one()
        assert entry.action == "event.reschedule"
        assert entry.before["start_dt"] == "2027-03-09T23:00:00+00:00"
        assert entry.after["start_dt"] == "2027-03-16T22:00:00+00:00"
    # Luc is on the waitlist: a plain notice, no invitation, in French.
    subject, text, attachments = mails["luc@example.org"]
    assert attachments == []
    assert "liste d’attente" in text or "waitlist" in text
    # The feed changed at once (new validator, new time, new SEQUENCE).
    feed_after = client.get("/calendar.ics")
    assert feed_after.headers["ETag"] != feed_before.headers["ETag"]
    [vevent] = Calendar.from_ical(feed_after.data).walk("VEVENT")
    assert vevent["SEQUENCE"] == 1
    assert vevent.decoded("DTSTART").astimezone(timezone.utc) == datetime(2027, 3, 16, 22, 0, tzinfo=timezone.utc)


def test_cancel_asks_first_then_tells_everyone_with_cancel(app, client, login, world):
    login(client, world["chair"])
    confirm = client.get("/manage/events/talk/cancel")
    assert confirm.status_code == 200
    assert "1 person has a confirmed place" in confirm.get_data(as_text=True)
    refused = client.post("/manage/events/talk/cancel", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Please say why: registrants read it." in refused.get_data(as_text=True)
    assert outbox(app, "event_cancelled") == {}

    etag = client.get("/calendar.ics").headers["ETag"]
    # Luc reads French: he gets the reason the chair gave in French.
    response = client.post("/manage/events/talk/cancel", data={
        "reason": "The hall flooded.", "language": "en", "reason__fr": "La salle est inondée."})
    assert response.status_code == 303
    mails = outbox(app, "event_cancelled")
    assert set(mails) == {"amina@example.org", "luc@example.org"}
    subject, text, attachments = mails["amina@example.org"]
    assert subject == "Cancelled: Talk" and "The hall flooded." in text
    [ics] = ics_parts(attachments)
    parsed = vobject.readOne(ics)
    assert parsed.method.value == "CANCEL" and parsed.vevent.status.value == "CANCELLED"
    assert int(parsed.vevent.sequence.value) == 1
    # The waitlisted person had no invitation: a notice only.
    assert mails["luc@example.org"][2] == [] and "La salle est inondée." in mails["luc@example.org"][1]
    assert "The hall flooded." not in mails["luc@example.org"][1]
    feed = client.get("/calendar.ics")
    assert feed.headers["ETag"] != etag
    [vevent] = Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED" and vevent["SEQUENCE"] == 1
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry)).one()
        assert entry.action == "event.cancel"
        assert entry.before == {"status": "published"}
        assert entry.after["reason"] == {"en": "The hall flooded.", "fr": "La salle est inondée."}


def test_cancelling_a_meeting_cancels_its_sessions_each_with_a_bump(app, client, login, make_council,
                                                                    make_user, make_event):
    council = make_council()
    meeting = make_event(slug="meeting", kind="community-meeting", council=council)
    make_event(slug="s1", kind="workshop", parent=meeting)
    make_event(slug="s2", kind="workshop", parent=meeting)
    login(client, make_user(councils=[council]))
    assert client.post("/manage/events/meeting/cancel", data={"reason": "Storm"}).status_code == 303
    with app.app_context():
        rows = db.session.scalars(db.select(Event).order_by(Event.slug)).all()
        assert [(e.slug, e.status, e.sequence) for e in rows] == [
            ("meeting", "cancelled", 1), ("s1", "cancelled", 1), ("s2", "cancelled", 1)]


def test_recurring_event_rrule_and_exdate_in_its_calendar_file(app, client, login, make_council,
                                                               make_user):
    council = make_council()
    login(client, make_user(councils=[council]))
    response = client.post("/manage/events/new", data={
        "kind": "council-meeting", "title": "Monthly meeting", "start_date": "2027-03-09",
        "start_time": "18:00", "end_time": "20:00", "online_url": "https://meet.example.org/m",
        "status": "published", "languages": "en", "repeat": "monthly", "repeat_count": "6",
        "skip_dates": "2027-07-13"})
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalars(db.select(Event)).one()
        assert event.recurrence_rule == "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"
        assert event.recurrence_exdates == ["2027-07-13"]
    body = client.get(f"/events/{event.slug}.ics").data
    calendar = Calendar.from_ical(body)
    [vevent] = calendar.walk("VEVENT")
    assert vevent["RRULE"]["FREQ"] == ["MONTHLY"]
    assert b"EXDATE;TZID=America/Toronto:20270713T180000" in body
    starts = [e["DTSTART"].dt for e in recurring_ical_events.of(calendar).between(
        datetime(2027, 1, 1), datetime(2028, 1, 1))]
    assert [(s.month, s.day, s.hour) for s in starts] == [
        (3, 9, 18), (4, 13, 18), (5, 11, 18), (6, 8, 18), (8, 10, 18)]
    # The page shows the rule and the next dates, the skipped one left out.
    text = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Every month on the second Tuesday, 6 times" in text
    assert "Tuesday, July 13, 2027" not in text and "Tuesday, August 10, 2027" in text


def test_cancelling_a_meeting_sends_one_mail_with_cancel_for_meeting_and_sessions(
        app, client, login, make_council, make_user, make_event, clock):
    council = make_council()
    meeting = make_event(slug="meeting", kind="community-meeting", council=council, capacity=10)
    workshop = make_event(slug="workshop", kind="workshop", parent=meeting, capacity=10,
                          start_dt=meeting.start_dt, end_dt=meeting.end_dt)
    with app.app_context():
        registrations.register(db.session, db.session.get(Event, meeting.id), name="Amina",
                               email="amina@example.org", consent=True, now=clock.now,
                               session_ids=[workshop.id])
        db.session.commit()
    login(client, make_user(councils=[council]))
    assert client.post("/manage/events/meeting/cancel", data={"reason": "Storm"}).status_code == 303
    mails = outbox(app, "event_cancelled")
    assert list(mails) == ["amina@example.org"]
    files = ics_parts(mails["amina@example.org"][2])
    assert len(files) == 2
    assert {vobject.readOne(f).method.value for f in files} == {"CANCEL"}


def test_moving_a_session_tells_who_picked_it(app, client, login, make_council, make_user,
                                              make_event, clock):
    council = make_council()
    meeting = make_event(slug="meeting", kind="community-meeting", council=council, capacity=10,
                         start_dt=START, end_dt=START + timedelta(hours=4))
    workshop = make_event(slug="workshop", kind="workshop", title="Breath", parent=meeting,
                          capacity=10, start_dt=START, end_dt=START + timedelta(hours=1))
    with app.app_context():
        registrations.register(db.session, db.session.get(Event, meeting.id), name="Amina",
                               email="amina@example.org", consent=True, now=clock.now,
                               session_ids=[workshop.id])
        db.session.commit()
        db.session.execute(db.delete(OutboxMessage))
        db.session.commit()
    login(client, make_user(councils=[council]))
    response = client.post("/manage/events/workshop/edit", data={
        "kind": "workshop", "title": "Breath", "status": "published", "languages": "en",
        "slug": "workshop", "capacity": "10", "start_date": "2027-03-09",
        "start_time": "19:00", "end_time": "20:00"})
    assert response.status_code == 303
    mails = outbox(app, "event_rescheduled")
    assert list(mails) == ["amina@example.org"]
    [ics] = ics_parts(mails["amina@example.org"][2])
    parsed = vobject.readOne(ics)
    assert parsed.method.value == "REQUEST" and int(parsed.vevent.sequence.value) == 1
    assert parsed.vevent.summary.value == "Breath"


def test_publishing_through_the_form_is_audited_as_publish(app, client, login, make_council,
                                                          make_user, make_event):
    council = make_council()
    event = make_event(slug="draft", council=council, status=EventStatus.DRAFT, title="Draft",
                       online_url="https://meet.example.org/d",
                       start_dt=START, end_dt=START + timedelta(hours=2))
    login(client, make_user(councils=[council]))
    response = client.post("/manage/events/draft/edit", data={**EDIT, "slug": "draft", "online_url": "https://meet.example.org/d",
                                                              "title": "Draft", "capacity": "",
                                                              "start_date": "2027-03-09"})
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry)).one()
        assert entry.action == "event.publish"
        assert entry.before == {"status": "draft"} and entry.after == {"status": "published"}
        assert db.session.get(Event, event.id).sequence == 1
    assert client.get("/events/draft").status_code == 200


def test_a_chair_keeps_links_an_admin_made_to_other_councils(app, client, login, make_council,
                                                            make_user, make_event,
                                                            make_recommendation):
    this, other = make_council(), make_council()
    theirs = make_recommendation(council=other)
    event = make_event(slug="linked", council=this, recommendations=[theirs],
                       online_url="https://meet.example.org/l",
                       start_dt=START, end_dt=START + timedelta(hours=2))
    login(client, make_user(councils=[this]))
    response = client.post("/manage/events/linked/edit", data={
        **EDIT, "slug": "linked", "title": "Linked", "capacity": "", "start_date": "2027-03-09"})
    assert response.status_code == 303
    with app.app_context():
        assert [r.id for r in db.session.get(Event, event.id).recommendations] == [theirs.id]


def test_the_public_page_shows_the_change_at_once(app, client, login, world):
    before = client.get("/events/talk").get_data(as_text=True)
    assert "This event has been cancelled." not in before
    login(client, world["chair"])
    client.post("/manage/events/talk/edit", data=EDIT)
    client.post("/logout")
    moved = client.get("/events/talk").get_data(as_text=True)
    assert "March 16, 2027" in moved and "March 9, 2027" not in moved
    login(client, world["chair"])
    client.post("/manage/events/talk/cancel", data={"reason": "Storm"})
    client.post("/logout")
    assert "This event has been cancelled." in client.get("/events/talk").get_data(as_text=True)


def test_the_reminders_planner_sends_no_second_new_time_notice(app, client, login, make_council,
                                                               make_user, make_event, clock):
    from events_app.reminders.services import plan_due, slot_key

    council = make_council()
    start = clock.now + timedelta(days=3)
    event = make_event(slug="soon", title="Soon", council=council, capacity=5,
                       online_url="https://meet.example.org/s", start_dt=start,
                       end_dt=start + timedelta(hours=2))
    with app.app_context():
        registration, _token, _created = registrations.register(
            db.session, db.session.get(Event, event.id), name="Amina",
            email="amina@example.org", consent=True, now=clock.now - timedelta(days=5))
        # Reminded already of the old time.
        db.session.add(ReminderSend(registration_id=registration.id, key=slot_key(4 * 24 * 60),
                                    event_start_dt=start, due_dt=clock.now, created_dt=clock.now))
        db.session.commit()
    login(client, make_user(councils=[council]))
    local = start.astimezone(__import__("zoneinfo").ZoneInfo("America/Toronto"))
    response = client.post("/manage/events/soon/edit", data={
        **EDIT, "slug": "soon", "title": "Soon", "capacity": "5",
        "online_url": "https://meet.example.org/s",
        "start_date": (local + timedelta(days=1)).date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "end_time": (local + timedelta(hours=2)).strftime("%H:%M")})
    assert response.status_code == 303
    assert list(outbox(app, "event_rescheduled")) == ["amina@example.org"]
    with app.app_context():
        plan_due(db.session, clock.now)
        db.session.commit()
    assert outbox(app, "time_changed") == {}
