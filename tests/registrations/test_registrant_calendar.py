"""`/calendar/r/<token>.ics`: a registrant's own feed of the events they have a seat at.

The registration's token (shown to whoever registered) gives that
registration's events; only the token mailed to the address gives all of
them (issue 12, row 1).
"""
import re
from datetime import timedelta

import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from events_app.extensions import db
from events_app.mail.models import OutboxMessage

from .test_pages import register, token_of


def calendar_link_in_mail(app, email) -> str:
    """The "all your registrations" calendar token from the last mail to `email`."""
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"/calendar/r/([^/\s]+)\.ics", body).group(1)


def summaries(client, token) -> list[str]:
    response = client.get(f"/calendar/r/{token}.ics")
    assert response.status_code == 200
    return [e.summary for e in IcsCalendarStream.calendar_from_ics(response.get_data(as_text=True)).events]


def test_the_mailed_calendar_holds_every_seat_of_that_address_and_nothing_personal(
        app, client, clock, make_event):
    first = make_event(title="Workshop A", capacity=5)
    second = make_event(title="Workshop B", capacity=5,
                        start_dt=clock.now + timedelta(days=9))
    full = make_event(title="Full workshop", capacity=0)
    other = make_event(title="Someone else's")
    token = token_of(app, register(client, first.slug, email="amina@example.org"), "amina@example.org")
    token_of(app, register(client, second.slug, email="Amina@Example.org"), "Amina@Example.org")
    token_of(app, register(client, full.slug, email="amina@example.org"), "amina@example.org")  # waitlisted: no seat
    token_of(app, register(client, other.slug, email="omar@example.org"), "omar@example.org")
    everything = calendar_link_in_mail(app, "amina@example.org")
    assert everything != token

    response = client.get(f"/calendar/r/{everything}.ics")
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
    assert summaries(client, everything) == ["Workshop B"]


def test_registering_with_someone_elses_address_shows_none_of_their_events(app, client, clock, make_event):
    """Registering needs no proof of owning the address. Should the link to the
    new registration's page ever reach whoever typed it (forwarded, say), its
    calendar must hold that registration only."""
    make_event(title="Victim's clinic", capacity=5)
    victims = make_event(title="Victim's clinic", capacity=5)
    token_of(app, register(client, victims.slug, email="victim@example.org"), "victim@example.org")
    bait = make_event(title="Any workshop", capacity=5)

    token = token_of(app, register(client, bait.slug, email="victim@example.org"), "victim@example.org")
    page = client.get(f"/r/{token}").get_data(as_text=True)
    links = set(re.findall(r'href="(/calendar/r/[^"]+)"', page))
    assert links == {f"/calendar/r/{token}.ics"}
    assert summaries(client, token) == ["Any workshop"]
    # … and after the attacker cancels, nothing at all.
    client.post(f"/r/{token}/cancel")
    assert summaries(client, token) == []


def test_a_forged_or_unknown_calendar_token_is_not_found(app, client, make_event):
    event = make_event(capacity=5)
    token = token_of(app, register(client, event.slug))
    link_id = token.split(".")[0]
    assert client.get(f"/calendar/r/{link_id}.forged.ics").status_code == 404
    assert client.get(f"/calendar/r/{link_id}.ics").status_code == 404


def test_a_meeting_registration_puts_the_meeting_and_the_picked_sessions(app, client, demo):
    from events_app.events.models import Event

    with app.app_context():
        journeys = db.session.scalars(
            select(Event).where(Event.slug == "journeys-to-canada-2027-03-07")).one()
    token = token_of(app, register(client, "community-meeting-2027-03-07", sessions=[str(journeys.id)]))
    calendar = IcsCalendarStream.calendar_from_ics(
        client.get(f"/calendar/r/{token}.ics").get_data(as_text=True))
    assert [e.summary for e in calendar.events] == ["March 7 Community Meeting", "Journeys to Canada"]
