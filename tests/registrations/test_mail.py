"""What a registrant receives, read at a real SMTP server, with the calendar
parts read by parsers other than the one that wrote them."""
import email
import email.policy
from datetime import timedelta

import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from events_app.events.models import Event
from events_app.events.services import apply_changes
from events_app.extensions import db
from events_app.mail.models import OutboxMessage, OutboxStatus
from events_app.mail.services import deliver_due
from events_app.registrations import services

from .test_pages import register, token_of


def deliver(app, now):
    with app.app_context():
        return deliver_due(db.session, now)


def received(smtp_server):
    return [email.message_from_bytes(m["data"], policy=email.policy.default)
            for m in smtp_server.messages]


def calendar_parts(message):
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    files = [p for p in message.walk() if p.get_filename()]
    return inline, files


def parse_strict(text: str):
    """The `ical` package: strict RFC 5545 parsing (and iTIP METHOD)."""
    return IcsCalendarStream.calendar_from_ics(text)


def test_a_registration_is_confirmed_once_with_an_invitation(app, client, clock, smtp_server,
                                                            make_event, make_recommendation, make_venue):
    recommendation = make_recommendation(code="HW-2", title="Mental health supports")
    event = make_event(capacity=10, title="Breath: self-care", venue=make_venue(),
                       recommendations=[recommendation])
    token = token_of(app, register(client, event.slug, name="Amina Yusuf", email="amina@example.org"), "amina@example.org")
    assert deliver(app, clock.now).sent == 1
    assert deliver(app, clock.now).sent == 0  # nothing is sent twice

    [message] = received(smtp_server)
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "You are registered: Breath: self-care"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"http://events.test/r/{token}" in text and f"http://events.test/r/{token}" in html
    assert "This event acts on the" in text and "recommendation HW-2: Mental health supports" in text
    assert "http://events.test/recommendations/HW-2" in text

    inline, files = calendar_parts(message)
    assert len(inline) == 1 and len(files) == 1
    assert inline[0].get_param("method") == "REQUEST"
    assert inline[0].get_content_charset() == "utf-8"
    assert files[0].get_filename() == f"{event.slug}.ics"
    ics = inline[0].get_content()
    assert files[0].get_content().decode("utf-8") == ics

    calendar = parse_strict(ics)
    [vevent] = calendar.events
    assert vevent.uid == f"{event.uid}@events.test"
    assert vevent.sequence == 0
    assert vevent.summary == "Breath: self-care"
    assert vevent.dtstart == event.start_dt
    # An independent second parser reads the iTIP parts.
    parsed = vobject.readOne(ics)
    assert parsed.method.value == "REQUEST"
    assert parsed.vevent.organizer.value == "mailto:events@localhost"
    attendee = parsed.vevent.attendee
    assert attendee.value == "mailto:amina@example.org"
    assert attendee.params["CN"] == ["Amina Yusuf"]
    assert attendee.params["PARTSTAT"] == ["ACCEPTED"]


def test_mail_is_in_the_registrants_language(app, client, clock, smtp_server, make_event):
    event = make_event(title="Breath", title_fr="Respirer")
    token_of(app, register(client, event.slug, preferred_language="fr"))
    deliver(app, clock.now)
    [message] = received(smtp_server)
    assert message["Subject"] == "Vous êtes inscrit·e\u00a0: Respirer"
    assert "Votre place à «\u00a0Respirer\u00a0» est confirmée." in message.get_body(("plain",)).get_content()
    inline, _ = calendar_parts(message)
    assert "SUMMARY:Respirer" in inline[0].get_content()


def test_with_the_mail_server_down_registrations_stand_and_mail_follows(
        app, client, clock, smtp_server, make_event):
    event = make_event(capacity=1)
    smtp_server.stop()
    first = token_of(app, register(client, event.slug, email="first@example.org"), "first@example.org")
    token_of(app, register(client, event.slug, email="second@example.org"), "second@example.org")
    report = deliver(app, clock.now)
    assert report.sent == 0 and report.deferred == 2
    client.post(f"/r/{first}/cancel")  # the cancellation and promotion queue up too

    smtp_server.start()
    clock.set(clock.now + timedelta(hours=1))
    assert deliver(app, clock.now).sent == 4
    got = [(m["To"], m["Subject"].split(":")[0]) for m in received(smtp_server)]
    # Each person's mail in the order it was written (and their calendar
    # gets the REQUEST before the CANCEL).
    assert [s for to, s in got if to == "first@example.org"] == [
        "You are registered", "Registration cancelled"]
    assert [s for to, s in got if to == "second@example.org"] == [
        "You are on the waitlist", "A place came free"]
    with app.app_context():
        assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


def test_waitlisted_then_promoted_gets_the_invitation_then(app, client, clock, smtp_server, make_event):
    event = make_event(capacity=1)
    first = token_of(app, register(client, event.slug, email="first@example.org"), "first@example.org")
    token_of(app, register(client, event.slug, email="second@example.org", preferred_language="fr"), "second@example.org")
    client.post(f"/r/{first}/cancel")
    deliver(app, clock.now)
    confirmation, waitlisted, cancelled, promoted = received(smtp_server)

    assert "numéro" not in waitlisted["Subject"]
    assert "au rang 1" in waitlisted.get_body(("plain",)).get_content()
    assert calendar_parts(waitlisted) == ([], [])  # no seat, nothing for the calendar

    inline, files = calendar_parts(cancelled)
    cancel = vobject.readOne(inline[0].get_content())
    assert cancel.method.value == "CANCEL"
    assert cancel.vevent.status.value == "CANCELLED"
    assert cancel.vevent.uid.value == f"{event.uid}@events.test"
    assert cancel.vevent.attendee.value == "mailto:first@example.org"

    assert promoted["To"] == "second@example.org"
    assert promoted["Subject"].startswith("Une place s’est libérée")
    inline, _ = calendar_parts(promoted)
    request = vobject.readOne(inline[0].get_content())
    assert request.method.value == "REQUEST"
    assert request.vevent.attendee.value == "mailto:second@example.org"


def test_a_capacity_increase_promotes_and_tells_them(app, client, clock, make_event):
    event = make_event(capacity=1)
    for n in range(3):
        token_of(app, register(client, event.slug, email=f"p{n}@example.org"), f"p{n}@example.org")
    with app.app_context():
        promoted = services.set_capacity(db.session, db.session.get(Event, event.id), 2, clock.now)
        db.session.commit()
        assert [r.email for r in promoted] == ["p1@example.org"]
        kinds = [(m.kind, m.to_address) for m in
                 db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds[-1] == ("promoted", "p1@example.org")


def test_an_invitation_sent_after_a_change_carries_the_higher_sequence(
        app, client, clock, smtp_server, make_event):
    event = make_event(capacity=5)
    with app.app_context():
        row = db.session.get(Event, event.id)
        apply_changes(row, clock.now, start_dt=row.start_dt + timedelta(hours=1),
                      end_dt=row.end_dt + timedelta(hours=1))
        db.session.commit()
    token_of(app, register(client, event.slug))
    deliver(app, clock.now)
    inline, _ = calendar_parts(received(smtp_server)[0])
    assert parse_strict(inline[0].get_content()).events[0].sequence == 1


def test_the_meeting_confirmation_carries_a_file_per_seat(app, client, clock, smtp_server, demo):
    meeting = "community-meeting-2027-03-07"
    with app.app_context():
        picks = [e.id for e in db.session.scalars(
            select(Event).where(Event.slug.in_(
                ["journeys-to-canada-2027-03-07", "breath-self-care-2027-03-07"])))]
    token_of(app, register(client, meeting, sessions=[str(i) for i in picks]))
    deliver(app, clock.now)
    [message] = received(smtp_server)
    inline, files = calendar_parts(message)
    assert len(inline) == 1
    assert sorted(f.get_filename() for f in files) == sorted([
        f"{meeting}.ics", "journeys-to-canada-2027-03-07.ics", "breath-self-care-2027-03-07.ics"])
    for part in files:
        calendar = parse_strict(part.get_content().decode("utf-8"))
        assert len(calendar.events) == 1
    text = message.get_body(("plain",)).get_content()
    assert "Journeys to Canada: your place is confirmed" in text
