"""Who is reminded, when, and only once."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from events_app.events.models import Event, EventStatus
from events_app.events.services import apply_changes
from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from events_app.registrations import notifications, services
from events_app.registrations.models import Registration
from events_app.reminders.models import ReminderSend
from events_app.reminders.services import plan_due
from events_app.reminders.services import slot_time as _slot_time

TORONTO = ZoneInfo("America/Toronto")


def slot_time(start, minutes):
    return _slot_time(start, minutes, TORONTO)


def register(app, event, email, now, **values):
    with app.app_context():
        registration, _token, _ = services.register(
            db.session, db.session.get(Event, event.id), name=email.split("@")[0].title(),
            email=email, consent=True, now=now, **values)
        db.session.commit()
        return registration.id


def plan(app, now, **options):
    with app.app_context():
        return plan_due(db.session, now, **options)


def reminders(app):
    """(e-mail, kind) of every reminder-ish message in the outbox, in order."""
    with app.app_context():
        return [(m.to_address, m.kind) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.in_(["reminder", "time_changed"]))
            .order_by(OutboxMessage.id))]


@pytest.fixture
def workshop(make_event, make_venue, make_recommendation, clock):
    """A workshop three days off at 10:00 local, with a venue and a recommendation."""
    start = clock.now.replace(hour=15, minute=0) + timedelta(days=3)  # 10:00 EST
    recommendation = make_recommendation(code="HW-2", title="Mental health supports",
                                         title_fr="Soutiens en santé mentale")
    venue = make_venue(name="Central Library", address="251 Dundas St",
                       accessibility_notes="Step-free entrance")
    return make_event(kind="workshop", title="Breath", title_fr="Respirer", start_dt=start,
                      end_dt=start + timedelta(hours=2), capacity=2, venue=venue,
                      recommendations=[recommendation], languages=["en", "ar"])


def test_each_confirmed_registrant_gets_each_slot_once(app, clock, workshop):
    now = clock.now
    register(app, workshop, "a@example.org", now)
    register(app, workshop, "b@example.org", now)
    register(app, workshop, "waiting@example.org", now)  # waitlisted: no reminder
    two_days = slot_time(workshop.start_dt, 2 * 24 * 60)
    two_hours = workshop.start_dt - timedelta(hours=2)

    assert plan(app, two_days - timedelta(minutes=1)).reminders == 0
    assert plan(app, two_days).reminders == 2
    assert plan(app, two_days + timedelta(hours=1)).reminders == 0  # never twice
    assert plan(app, two_hours).reminders == 2
    assert plan(app, workshop.start_dt - timedelta(minutes=1)).reminders == 0
    assert reminders(app) == [("a@example.org", "reminder"), ("b@example.org", "reminder")] * 2


def test_no_reminder_for_the_cancelled_or_a_cancelled_event(app, clock, workshop, make_event):
    now = clock.now
    gone = register(app, workshop, "gone@example.org", now)
    with app.app_context():
        services.cancel(db.session, db.session.get(Registration, gone), now)
        db.session.commit()
    other = make_event(start_dt=workshop.start_dt, end_dt=workshop.end_dt)
    register(app, other, "c@example.org", now)
    with app.app_context():
        event = db.session.get(Event, other.id)
        apply_changes(event, now, status=EventStatus.CANCELLED)
        db.session.commit()
    assert plan(app, workshop.start_dt - timedelta(hours=1)).reminders == 0
    assert reminders(app) == []


def test_a_registration_after_a_slot_does_not_get_that_slot(app, clock, workshop):
    two_days = slot_time(workshop.start_dt, 2 * 24 * 60)
    register(app, workshop, "early@example.org", clock.now)
    register(app, workshop, "late@example.org", two_days + timedelta(hours=1))
    plan(app, two_days + timedelta(hours=2))
    assert reminders(app) == [("early@example.org", "reminder")]
    plan(app, workshop.start_dt - timedelta(hours=2))
    assert reminders(app)[1:] == [("early@example.org", "reminder"), ("late@example.org", "reminder")]


def test_promoted_after_a_slot_is_not_reminded_of_it(app, clock, workshop):
    now = clock.now
    first = register(app, workshop, "a@example.org", now)
    register(app, workshop, "b@example.org", now)
    register(app, workshop, "waiting@example.org", now)
    two_days = slot_time(workshop.start_dt, 2 * 24 * 60)
    plan(app, two_days)
    with app.app_context():  # a seat frees up after the 2-day slot
        services.cancel(db.session, db.session.get(Registration, first), two_days + timedelta(hours=1))
        db.session.commit()
    plan(app, two_days + timedelta(hours=2))
    assert ("waiting@example.org", "reminder") not in reminders(app)
    plan(app, workshop.start_dt - timedelta(hours=2))
    assert reminders(app)[-2:] == [("b@example.org", "reminder"), ("waiting@example.org", "reminder")]


def test_a_rescheduled_event_moves_its_reminders_and_says_so_once(app, clock, workshop):
    register(app, workshop, "a@example.org", clock.now)
    two_days = slot_time(workshop.start_dt, 2 * 24 * 60)
    plan(app, two_days)
    # Moved a day later after the 2-day reminder went out.
    moved_at = two_days + timedelta(hours=1)
    with app.app_context():
        event = db.session.get(Event, workshop.id)
        apply_changes(event, moved_at, start_dt=event.start_dt + timedelta(days=1),
                      end_dt=event.end_dt + timedelta(days=1))
        db.session.commit()
        new_start = event.start_dt
    plan(app, moved_at + timedelta(minutes=5))
    plan(app, moved_at + timedelta(minutes=10))
    assert reminders(app) == [("a@example.org", "reminder"), ("a@example.org", "time_changed")]
    # The 2-hour slot follows the new time.
    plan(app, workshop.start_dt - timedelta(hours=2))
    assert len(reminders(app)) == 2
    plan(app, new_start - timedelta(hours=2))
    assert reminders(app)[-1] == ("a@example.org", "reminder")
    with app.app_context():
        notice = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "time_changed")).one()
        assert notice.subject == "New time: Breath"
        inline = [a for a in notice.attachments if a["inline"]][0]
        assert "SEQUENCE:1" in inline["data"] and "METHOD:REQUEST" in inline["data"]


def test_reminders_not_sent_yet_simply_follow_a_new_time(app, clock, workshop):
    register(app, workshop, "a@example.org", clock.now)
    with app.app_context():
        event = db.session.get(Event, workshop.id)
        apply_changes(event, clock.now, start_dt=event.start_dt + timedelta(days=2),
                      end_dt=event.end_dt + timedelta(days=2))
        db.session.commit()
    plan(app, slot_time(workshop.start_dt, 2 * 24 * 60))  # the old slot: nothing
    assert reminders(app) == []
    plan(app, slot_time(workshop.start_dt + timedelta(days=2), 2 * 24 * 60))
    assert reminders(app) == [("a@example.org", "reminder")]


def test_a_meeting_registration_is_reminded_once_with_its_sessions(app, clock, demo):
    with app.app_context():
        meeting = db.session.scalars(select(Event).where(
            Event.slug == "community-meeting-2027-03-07")).one()
        journeys = [s for s in meeting.sessions if s.slug.startswith("journeys")][0]
        db.session.expunge_all()
    register(app, meeting, "a@example.org", clock.now, session_ids=[journeys.id])
    plan(app, meeting.start_dt - timedelta(hours=2))
    assert reminders(app) == [("a@example.org", "reminder")] * 2  # 2 days and 2 hours
    with app.app_context():
        text = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.kind == "reminder")).first()
        assert "Journeys to Canada: your place is confirmed" in text


def test_the_reminder_says_why_it_matters_in_the_registrants_language(app, clock, workshop):
    register(app, workshop, "a@example.org", clock.now, preferred_language="fr",
             accessibility_needs="Fauteuil roulant")
    plan(app, workshop.start_dt - timedelta(hours=2))
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "reminder")).all()[-1]
        assert message.subject.startswith("Rappel\u00a0: Respirer, ")
        text = message.body_text
        assert "Cet événement donne suite à la recommandation HW-2" in text
        assert "Soutiens en santé mentale" in text
        assert "Central Library, 251 Dundas St" in text and "Step-free entrance" in text
        assert "Arabe" in text
        assert "/r/" in text and "/cancel" in text
        assert "Fauteuil roulant" in text
        assert message.body_html and "HW-2" in message.body_html
        # The .ics comes as a file, not as a new invitation.
        assert [a["filename"] for a in message.attachments] == [f"{workshop.slug}.ics"]
        assert not any(a["inline"] for a in message.attachments)


def test_a_run_killed_half_way_resumes_without_duplicates(app, clock, make_event, monkeypatch):
    event = make_event(capacity=None)
    for n in range(23):
        register(app, event, f"p{n:02d}@example.org", clock.now)
    real = notifications.reminder
    calls = {"n": 0}

    def dies_on_the_twelfth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "reminder", dies_on_the_twelfth)
    due = event.start_dt - timedelta(hours=2)
    with pytest.raises(KeyboardInterrupt):
        plan(app, due, batch_size=5)
    # Two whole batches were committed; the third died with its transaction.
    assert len(reminders(app)) == 10
    monkeypatch.setattr(notifications, "reminder", real)
    plan(app, due, batch_size=5)
    # Both slots (2 days, 2 hours) for all 23: each written once, each with its message.
    with app.app_context():
        rows = db.session.execute(select(ReminderSend.registration_id, ReminderSend.key,
                                         ReminderSend.outbox_message_id)).all()
        assert len(rows) == 46 == len({(r, k) for r, k, _ in rows})
        assert all(message_id is not None for _, _, message_id in rows)
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "reminder")) == 46


def test_each_date_of_a_repeating_event_has_its_own_reminders(app, clock, make_event):
    """A weekly series: every date is reminded of, with its own date, once;
    someone who registers after the first date is reminded of the next ones."""
    start = clock.now.replace(hour=23, minute=0) + timedelta(days=3)  # 18:00 EST
    series = make_event(kind="council-meeting", title="Weekly circle", start_dt=start,
                        end_dt=start + timedelta(hours=1), reminder_offsets=[120],
                        recurrence_rule="FREQ=WEEKLY;COUNT=3")
    register(app, series, "first@example.org", clock.now)
    dates = [start + timedelta(weeks=n) for n in range(3)]

    assert plan(app, dates[0] - timedelta(hours=2)).reminders == 1
    assert plan(app, dates[0] - timedelta(hours=1)).reminders == 0  # once
    # Between the first and second dates, registration is still open.
    register(app, series, "later@example.org", dates[0] + timedelta(days=1))
    assert plan(app, dates[1] - timedelta(hours=2)).reminders == 2
    assert plan(app, dates[2] - timedelta(hours=2)).reminders == 2
    assert plan(app, dates[2] + timedelta(minutes=5)).reminders == 0
    assert [kind for _, kind in reminders(app)] == ["reminder"] * 5  # no "time changed"
    with app.app_context():
        keys = sorted(db.session.scalars(select(ReminderSend.key)))
        assert keys == sorted(
            [f"slot:120@{(d - timedelta(hours=5)):%Y-%m-%d}" for d in dates]
            + [f"slot:120@{(d - timedelta(hours=5)):%Y-%m-%d}" for d in dates[1:]])
        texts = [m.body_text for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id))]
    for text, day in zip(texts, [dates[0], dates[1], dates[1], dates[2], dates[2]]):
        local = day.astimezone(TORONTO)
        assert f"{local:%B} {local.day}, {local.year}" in text
