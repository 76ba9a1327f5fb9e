"""The registration rules, decided in registrations/services.py."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from events_app.events.models import Event, EventStatus
from events_app.extensions import db
from events_app.registrations.models import Registration
from events_app.registrations import services
from events_app.registrations.services import (
    CapacityBelowConfirmed,
    ConsentRequired,
    EventCancelled,
    InvalidSessionPick,
    OverlappingSessions,
    RegistrationClosed,
    RegistrationNotOpen,
    cancel,
    find_by_token,
    set_capacity,
    waitlist_position,
)

# The moment the suite's `clock` fixture pins (events are made a week after it).
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)


def register(event, email, now=NOW, **values):
    values.setdefault("name", email.split("@")[0].title())
    values.setdefault("consent", True)
    event = db.session.get(Event, event.id)
    registration, token, created = services.register(
        db.session, event, email=email, now=now, **values
    )
    db.session.commit()
    return registration, token, created


def shown(app, error) -> str:
    """The error's message as a page would show it (in a request, in English)."""
    with app.test_request_context():
        return str(error)


def statuses(event):
    return db.session.execute(
        select(Registration.email_key, Registration.status)
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    ).all()


def test_a_free_seat_confirms_and_a_full_event_waitlists(app, make_event):
    event = make_event(capacity=2)
    with app.app_context():
        results = [register(event, f"p{i}@example.org")[0] for i in range(4)]
        assert [r.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
        assert [waitlist_position(db.session, r) for r in results] == [None, None, 1, 2]


def test_unlimited_capacity_always_confirms_and_zero_always_waitlists(app, make_event):
    unlimited, none = make_event(capacity=None), make_event(capacity=0)
    with app.app_context():
        assert all(register(unlimited, f"p{i}@example.org")[0].is_confirmed for i in range(5))
        assert register(none, "p@example.org")[0].is_waitlisted


@pytest.mark.parametrize("status, error", [
    (EventStatus.DRAFT, RegistrationNotOpen),
    (EventStatus.CANCELLED, EventCancelled),
])
def test_drafts_and_cancelled_events_refuse(app, make_event, status, error):
    event = make_event(status=status)
    with app.app_context():
        with pytest.raises(error) as raised:
            register(event, "p@example.org")
        assert raised.value.code in {"not_open", "event_cancelled"}
        assert shown(app, raised.value)
        db.session.rollback()
        assert statuses(event) == []


def test_registration_closes_when_the_event_starts(app, make_event):
    event = make_event()
    with app.app_context():
        assert register(event, "early@example.org", now=event.start_dt - timedelta(seconds=1))[2]
        with pytest.raises(RegistrationClosed):
            register(event, "late@example.org", now=event.start_dt)


def test_consent_is_required(app, make_event):
    event = make_event()
    with app.app_context():
        with pytest.raises(ConsentRequired):
            register(event, "p@example.org", consent=False)


def test_the_same_email_gets_its_registration_back(app, make_event):
    event = make_event(capacity=1)
    with app.app_context():
        first, token, created = register(event, "Ana.Diaz@Example.org")
        again, second_token, created_again = register(event, "  ana.diaz@example.ORG ")
        assert created and token
        assert (again.id, second_token, created_again) == (first.id, None, False)
        assert again.email == "Ana.Diaz@Example.org"
        assert statuses(event) == [("ana.diaz@example.org", "confirmed")]


def test_after_cancelling_one_may_register_again(app, make_event):
    event = make_event(capacity=1)
    with app.app_context():
        first = register(event, "p@example.org")[0]
        cancel(db.session, first, NOW)
        db.session.commit()
        second, token, created = register(event, "p@example.org")
        assert created and token and second.id != first.id and second.is_confirmed


def test_links_are_random_and_signed_and_the_signature_is_never_stored(app, make_event):
    event = make_event()
    with app.app_context():
        registration, token, _ = register(event, "p@example.org")
        other, other_token, _ = register(event, "q@example.org")
        # 128 random bits, then an HMAC-SHA256 signature (256 bits).
        link_id, _, signature = token.partition(".")
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", link_id)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", signature)
        assert registration.link_id == link_id != other.link_id
        stored = db.session.execute(select(Registration.__table__)).mappings().all()
        assert not any(signature in str(v) for row in stored for v in row.values())

        assert find_by_token(db.session, token).id == registration.id
        assert services.link_token(registration) == token
        # A forged or altered signature, someone else's id: nothing.
        assert find_by_token(db.session, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
        assert find_by_token(db.session, f"{other.link_id}.{signature}") is None
        assert find_by_token(db.session, link_id) is None
        assert find_by_token(db.session, "") is None
        assert find_by_token(db.session, "x" * 10_000) is None


def test_links_survive_a_secret_key_rotation(app, make_event):
    event = make_event()
    with app.app_context():
        registration, token, _ = register(event, "p@example.org")
        app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
        app.config["SECRET_KEY"] = "a-new-secret"
        assert find_by_token(db.session, token).id == registration.id
        new_token = services.link_token(registration)
        assert new_token != token
        assert find_by_token(db.session, new_token).id == registration.id
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert find_by_token(db.session, token) is None


def test_cancelling_promotes_the_first_waitlisted_and_is_idempotent(app, make_event):
    event = make_event(capacity=1)
    with app.app_context():
        seated = register(event, "a@example.org")[0]
        # Registered later in time but earlier in id: the time decides.
        second = register(event, "b@example.org", now=NOW + timedelta(minutes=2))[0]
        first = register(event, "c@example.org", now=NOW + timedelta(minutes=1))[0]
        assert waitlist_position(db.session, first) == 1
        assert waitlist_position(db.session, second) == 2

        promoted = cancel(db.session, seated, NOW + timedelta(hours=1))
        db.session.commit()
        assert [r.id for r in promoted] == [first.id]
        assert seated.is_cancelled and seated.cancelled_dt == NOW + timedelta(hours=1)
        assert first.is_confirmed and first.status_changed_dt == NOW + timedelta(hours=1)
        assert waitlist_position(db.session, second) == 1

        assert cancel(db.session, seated, NOW + timedelta(hours=2)) == []
        db.session.commit()
        assert seated.cancelled_dt == NOW + timedelta(hours=1)


def test_cancelling_a_waitlisted_registration_promotes_nobody(app, make_event):
    event = make_event(capacity=1)
    with app.app_context():
        register(event, "a@example.org")
        waiting = register(event, "b@example.org")[0]
        later = register(event, "c@example.org")[0]
        assert cancel(db.session, waiting, NOW) == []
        db.session.commit()
        assert waitlist_position(db.session, later) == 1


def test_raising_capacity_promotes_in_order_and_lowering_below_confirmed_is_refused(
    app, make_event
):
    event = make_event(capacity=1)
    with app.app_context():
        for i in range(4):
            register(event, f"p{i}@example.org", now=NOW + timedelta(minutes=i))
        promoted = set_capacity(db.session, db.session.get(Event, event.id), 3, NOW)
        db.session.commit()
        assert [r.email_key for r in promoted] == ["p1@example.org", "p2@example.org"]

        with pytest.raises(CapacityBelowConfirmed) as raised:
            set_capacity(db.session, db.session.get(Event, event.id), 2, NOW)
        assert raised.value.details == {"confirmed": 3}
        assert "3" in shown(app, raised.value)
        db.session.rollback()

        promoted = set_capacity(db.session, db.session.get(Event, event.id), None, NOW)
        db.session.commit()
        assert [r.email_key for r in promoted] == ["p3@example.org"]
        assert db.session.get(Event, event.id).capacity is None


@pytest.fixture
def meeting(make_event, clock):
    """A community meeting with two parallel workshops and one after them."""
    start = clock.now + timedelta(days=7)
    meeting = make_event(kind="community-meeting", title="March 7 Community Meeting",
                         start_dt=start, end_dt=start + timedelta(hours=4))
    parallel = [
        make_event(kind="workshop", title=title, parent=meeting, capacity=1,
                   start_dt=start, end_dt=start + timedelta(hours=1))
        for title in ("Journeys to Canada", "Breath – self-care in stressful times")
    ]
    later = make_event(kind="workshop", title="Building Bridges: Anti-racism 101", parent=meeting,
                       capacity=2, start_dt=start + timedelta(hours=1),
                       end_dt=start + timedelta(hours=2))
    return meeting, parallel, later


def test_session_picks_each_get_their_own_seat(app, meeting):
    meeting, (journeys, breath), bridges = meeting
    with app.app_context():
        first = register(meeting, "a@example.org", session_ids=[journeys.id, bridges.id])[0]
        second = register(meeting, "b@example.org", session_ids=[bridges.id, journeys.id])[0]
        third = register(meeting, "c@example.org", session_ids=[breath.id])[0]
        picks = {
            (r.email_key, r.event_id): r.status
            for reg in (first, second, third) for r in reg.session_registrations
        }
        assert picks == {
            ("a@example.org", journeys.id): "confirmed",
            ("a@example.org", bridges.id): "confirmed",
            ("b@example.org", journeys.id): "waitlisted",
            ("b@example.org", bridges.id): "confirmed",
            ("c@example.org", breath.id): "confirmed",
        }
        assert all(r.is_confirmed and r.link_id for r in (first, second, third))
        assert all(p.link_id is None for p in first.session_registrations)
        # A mail about a session pick links to the meeting registration's page.
        pick = first.session_registrations[0]
        assert find_by_token(db.session, services.link_token(pick)).id == first.id

        # Cancelling the meeting registration frees its session seats too.
        promoted = cancel(db.session, first, NOW)
        db.session.commit()
        assert [(r.email_key, r.event_id) for r in promoted] == [("b@example.org", journeys.id)]
        assert all(p.is_cancelled for p in first.session_registrations)


def test_overlapping_picks_are_refused_naming_both(app, meeting):
    meeting, (journeys, breath), _ = meeting
    with app.app_context():
        with pytest.raises(OverlappingSessions) as raised:
            register(meeting, "a@example.org", session_ids=[breath.id, journeys.id])
        message = shown(app, raised.value)
        assert "Journeys to Canada" in message and "Breath – self-care" in message
        assert raised.value.code == "overlapping_sessions"
        db.session.rollback()
        assert db.session.scalar(select(Registration.id)) is None


def test_picks_must_be_sessions_of_the_meeting(app, meeting, make_event):
    meeting, (journeys, _), _ = meeting
    stranger = make_event()
    with app.app_context():
        with pytest.raises(InvalidSessionPick):
            register(meeting, "a@example.org", session_ids=[stranger.id])
        db.session.rollback()
        # A session is registered for through its meeting.
        with pytest.raises(RegistrationNotOpen):
            register(journeys, "a@example.org")


def test_personal_details_are_erased_after_the_retention_period(app, runner, make_event, clock):
    past = make_event(start_dt=NOW - timedelta(days=100), end_dt=NOW - timedelta(days=100) + timedelta(hours=2),
                      capacity=1)
    recent = make_event(start_dt=NOW - timedelta(days=10), end_dt=NOW - timedelta(days=10) + timedelta(hours=2))
    with app.app_context():
        for event, email in ((past, "a@example.org"), (past, "b@example.org"), (recent, "c@example.org")):
            db.session.add(Registration(
                event_id=event.id, name="Amina", email=email, email_key=email, phone="519",
                accessibility_needs="ramp", consent_dt=NOW, registered_dt=NOW,
                status_changed_dt=NOW, status="confirmed" if email != "b@example.org" else "waitlisted",
                link_id=email[0] * 22))
        db.session.commit()
    result = runner.invoke(args=["registrations", "purge", "--now", "2026-11-24T09:00:00-05:00"])
    assert result.exit_code == 0, result.output
    assert "erased the personal details of 2 registrations" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        erased, kept = rows[:2], rows[2]
        assert all(r.erased_dt == NOW and r.name == "erased" and r.email == "erased"
                   and r.phone is None and r.accessibility_needs is None and r.link_id is None
                   for r in erased)
        # Counts stay true: statuses are kept.
        assert [r.status for r in erased] == ["confirmed", "waitlisted"]
        assert kept.erased_dt is None and kept.email == "c@example.org"
    # Running it again erases nothing more.
    again = runner.invoke(args=["registrations", "purge", "--now", "2026-11-24T09:00:00-05:00"])
    assert "of 0 registrations" in again.output


def test_walk_ins_at_the_door_are_taken_until_the_event_ends(app, make_event):
    event = make_event(capacity=1)
    during = event.start_dt + timedelta(minutes=30)
    with app.app_context():
        with pytest.raises(RegistrationClosed):
            register(event, "online@example.org", now=during)
        first = register(event, "walkin@example.org", now=during, at_the_door=True)[0]
        second = register(event, "walkin2@example.org", now=during, at_the_door=True)[0]
        # The same capacity and waitlist rules.
        assert (first.status, second.status) == ("confirmed", "waitlisted")
        with pytest.raises(RegistrationClosed):
            register(event, "late@example.org", now=event.end_dt, at_the_door=True)
