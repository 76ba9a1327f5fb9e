"""Attendance feeds the recommendation pages: "Acted on by 2 past events, 3 attendees"."""
from datetime import timedelta

from sqlalchemy import select

from dbsetup import count_statements
from events_app.councils.services import past_attendance
from events_app.events.models import EventStatus
from events_app.extensions import db
from events_app.registrations.models import Registration
from htmltools import normalise, page

from manage.worlds import add_registrations


def attend(app, event_id, count):
    """Mark `count` of the event's confirmed registrations attended."""
    with app.app_context():
        rows = db.session.scalars(select(Registration).where(
            Registration.event_id == event_id, Registration.status == "confirmed")
            .order_by(Registration.id).limit(count)).all()
        for row in rows:
            row.attended_dt = row.registered_dt
        db.session.commit()


def attendance_line(response) -> str | None:
    found = page(response).find("p", class_="attendance")
    return normalise(found.text) if found is not None else None


def test_the_recommendation_page_counts_past_events_and_their_attendees(
        app, client, clock, make_council, make_event, make_recommendation, make_user, login):
    council = make_council(slug="health")
    rec = make_recommendation(council=council, code="HW-1")
    other = make_recommendation(council=council, code="HW-2")
    past = clock.now - timedelta(days=10)
    first = make_event(recommendations=[rec], start_dt=past, capacity=10)
    second = make_event(recommendations=[rec, other], start_dt=past + timedelta(days=2))
    meeting = make_event(kind="community-meeting", start_dt=past)
    session = make_event(kind="workshop", parent=meeting, recommendations=[rec], start_dt=past)
    cancelled = make_event(recommendations=[rec], start_dt=past, status=EventStatus.CANCELLED)
    upcoming = make_event(recommendations=[rec])
    draft = make_event(recommendations=[rec], start_dt=past, status=EventStatus.DRAFT)
    with app.app_context():
        for event in (first, second, session, cancelled, upcoming, draft):
            add_registrations(event.id, past - timedelta(days=5), confirmed=4, cancelled=1)
    attend(app, first.id, 2)
    attend(app, second.id, 1)
    attend(app, session.id, 3)
    for event in (cancelled, upcoming, draft):  # never counted
        attend(app, event.id, 4)

    response = client.get("/recommendations/HW-1")
    assert attendance_line(response) == "Acted on by 3 past events, 6 attendees"
    assert attendance_line(client.get("/recommendations/HW-2")) == "Acted on by 1 past event, 1 attendee"
    council_page = page(client.get("/councils/health"))
    assert [normalise(p.text) for p in council_page.find_all("p", class_="attendance")] == [
        "Acted on by 3 past events, 6 attendees", "Acted on by 1 past event, 1 attendee"]

    # Checked in at the door (the real route): the cached page shows it at once.
    chair = make_user(role="admin")
    login(client, chair)
    with app.app_context():
        someone = db.session.scalars(select(Registration).where(
            Registration.event_id == first.id, Registration.attended_dt.is_(None),
            Registration.status == "confirmed")).first()
    today = clock.now
    clock.set(first.start_dt)  # at the door that day (check-in is open then only)
    client.post(f"/manage/events/{first.slug}/registrants/{someone.id}/attend", data={"attended": "1"})
    clock.set(today)
    assert attendance_line(client.get("/recommendations/HW-1")) == "Acted on by 3 past events, 7 attendees"


def test_no_line_before_any_event_has_taken_place(client, clock, make_recommendation, make_event):
    rec = make_recommendation(code="ED-1")
    make_event(recommendations=[rec])
    assert attendance_line(client.get("/recommendations/ED-1")) is None


def test_attendance_is_two_queries_for_any_number_of_recommendations(
        app, clock, make_recommendation, make_event):
    recs = [make_recommendation() for _ in range(5)]
    for rec in recs:
        make_event(recommendations=[rec], start_dt=clock.now - timedelta(days=3))
    with app.app_context():
        with count_statements(db.engine) as statements:
            found = past_attendance(db.session, [r.id for r in recs], clock.now)
        # What is kept (nothing yet), and the count (tests/manage/test_attendance_kept.py).
        assert len(statements) == 2
        assert set(found) == {r.id for r in recs}
        assert all(a.events == 1 and a.attendees == 0 for a in found.values())


def test_events_without_check_in_say_attendance_was_not_recorded(
        app, client, clock, make_council, make_recommendation, make_event):
    """Issue 16, item 11: "0 attendees" where nobody used check-in read as a failure."""
    council = make_council(slug="settlement")
    rec = make_recommendation(council=council, code="SE-9")
    event = make_event(recommendations=[rec], start_dt=clock.now - timedelta(days=3))
    with app.app_context():
        add_registrations(event.id, clock.now, confirmed=4)
    assert attendance_line(client.get("/recommendations/SE-9")) == \
        "Acted on by 1 past event, attendance not recorded"
    council_page = page(client.get("/councils/settlement"))
    assert [normalise(p.text) for p in council_page.find_all("p", class_="attendance")] == [
        "Acted on by 1 past event, attendance not recorded"]
