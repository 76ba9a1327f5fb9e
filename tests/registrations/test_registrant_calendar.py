"""`/calendar/r/<token>.ics`: a registrant's own feed of the events they have a seat at."""
from datetime import timedelta

import vobject
from ical.calendar_stream import IcsCalendarStream

from .test_pages import register, token_of


def test_the_feed_holds_every_seat_of_that_address_and_nothing_personal(client, clock, make_event):
    first = make_event(title="Workshop A", capacity=5)
    second = make_event(title="Workshop B", capacity=5,
                        start_dt=clock.now + timedelta(days=9))
    full = make_event(title="Full workshop", capacity=0)
    other = make_event(title="Someone else's")
    token = token_of(register(client, first.slug, email="amina@example.org"))
    token_of(register(client, second.slug, email="Amina@Example.org"))
    token_of(register(client, full.slug, email="amina@example.org"))  # waitlisted: no seat
    token_of(register(client, other.slug, email="omar@example.org"))

    response = client.get(f"/calendar/r/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"].startswith("private")
    body = response.get_data(as_text=True)
    calendar = IcsCalendarStream.calendar_from_ics(body)
    assert [e.summary for e in calendar.events] == ["Workshop A", "Workshop B"]
    parsed = vobject.readOne(body)
    assert parsed.method.value == "PUBLISH"
    # The person is not in their feed: it may be synced to shared calendars.
    assert "amina" not in body.lower() and "ATTENDEE" not in body

    # Cancelling one registration takes it out of the feed.
    client.post(f"/r/{token}/cancel")
    again = IcsCalendarStream.calendar_from_ics(client.get(f"/calendar/r/{token}.ics").get_data(as_text=True))
    assert [e.summary for e in again.events] == ["Workshop B"]


def test_a_meeting_registration_puts_the_meeting_and_the_picked_sessions(app, client, demo):
    from sqlalchemy import select

    from events_app.events.models import Event
    from events_app.extensions import db

    with app.app_context():
        journeys = db.session.scalars(
            select(Event).where(Event.slug == "journeys-to-canada-2027-03-07")).one()
    token = token_of(register(client, "community-meeting-2027-03-07", sessions=[str(journeys.id)]))
    calendar = IcsCalendarStream.calendar_from_ics(
        client.get(f"/calendar/r/{token}.ics").get_data(as_text=True))
    assert [e.summary for e in calendar.events] == ["March 7 Community Meeting", "Journeys to Canada"]
