"""Capacity is never exceeded, whatever arrives at once: threads, each with its
own app context, session and connection, register and cancel together."""
import threading
from datetime import datetime, timezone

from sqlalchemy import select

from events_app.events.models import Event
from events_app.extensions import db
from events_app.registrations import services
from events_app.registrations.models import Registration

THREADS = 40
SEATS = 10

# The moment the suite's `clock` fixture pins (events are made a week after it).
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)


def run_together(app, jobs):
    """Run each job in its own thread and app context, all released at once."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                try:
                    job()
                    db.session.commit()
                except BaseException:
                    db.session.rollback()
                    raise
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def registering(event_id, email):
    def job():
        event = db.session.get(Event, event_id)
        services.register(db.session, event, name="Resident", email=email, consent=True, now=NOW)

    return job


def test_forty_people_at_once_for_ten_seats(app, make_event):
    event = make_event(capacity=SEATS)
    run_together(app, [registering(event.id, f"p{i}@example.org") for i in range(THREADS)])

    with app.app_context():
        rows = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.registered_dt, Registration.id)
        ).all()
        assert len(rows) == THREADS
        confirmed = [r for r in rows if r.is_confirmed]
        waitlisted = [r for r in rows if r.is_waitlisted]
        assert (len(confirmed), len(waitlisted)) == (SEATS, THREADS - SEATS)
        # Seats went to whoever was decided first; the waitlist follows in order.
        assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)
        positions = [services.waitlist_position(db.session, r) for r in waitlisted]
        assert positions == list(range(1, THREADS - SEATS + 1))
        assert len({r.email_key for r in rows}) == THREADS


def test_the_same_person_twice_at_once_gets_one_registration(app, make_event):
    event = make_event(capacity=SEATS)
    run_together(app, [registering(event.id, "Same@example.org") for _ in range(8)])
    with app.app_context():
        rows = db.session.scalars(select(Registration)).all()
        assert [(r.email_key, r.status) for r in rows] == [("same@example.org", "confirmed")]


def test_cancellations_and_registrations_at_once_never_overbook(app, make_event):
    event = make_event(capacity=5)
    with app.app_context():
        seated = []
        for i in range(8):
            registration, _, _ = services.register(
                db.session, db.session.get(Event, event.id), name="Early",
                email=f"early{i}@example.org", consent=True, now=NOW,
            )
            seated.append(registration.id)
        db.session.commit()

    def cancelling(registration_id):
        def job():
            services.cancel(db.session, db.session.get(Registration, registration_id), NOW)

        return job

    jobs = [cancelling(i) for i in seated[:3]]
    jobs += [registering(event.id, f"late{i}@example.org") for i in range(12)]
    run_together(app, jobs)

    with app.app_context():
        rows = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id)
        ).all()
        confirmed = [r for r in rows if r.is_confirmed]
        waitlisted = [r for r in rows if r.is_waitlisted]
        # Three cancelled, five seats always full, everyone else waiting.
        assert len(confirmed) == 5
        assert len(waitlisted) == len(rows) - 3 - 5 == 12
        # The three early people still waiting had the freed seats first.
        assert {r.email_key for r in confirmed} == {f"early{i}@example.org" for i in range(3, 8)}
