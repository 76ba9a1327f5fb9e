"""Capacity is never exceeded, whatever arrives at once: threads, each with its
own app context, session and connection, register, cancel, move session picks
and change capacities together.

On PostgreSQL these run truly at once, each decision under the row locks of
the events concerned (taken in id order, so that no two transactions wait for
each other in a circle: a deadlock would fail the run); on SQLite the writers
take turns, and the same final counts must come out."""
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from events_app.events.models import Event
from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from events_app.registrations import services
from events_app.registrations.models import Registration, RegistrationStatus

THREADS = 40
SEATS = 10

# The moment the suite's `clock` fixture pins (events are made a week after it).
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)
# When the people already there before a run registered.
EARLIER = NOW - timedelta(days=1)

# How long all the jobs of a run may take together, waiting for each other included.
RUN_SECONDS = 120


def run_together(app, jobs, refusals=()):
    """Run each job in its own thread and app context, all released at once.

    Returns the jobs' results, in order. A job raising one of `refusals` (a
    domain refusal the test expects may happen) is rolled back and the
    exception is its result; any other exception fails the test, as does a
    job still running after RUN_SECONDS (a deadlock, say).
    """
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    errors = []

    def worker(index, job):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                try:
                    results[index] = job()
                    db.session.commit()
                except refusals as refusal:
                    db.session.rollback()
                    results[index] = refusal
                except BaseException:
                    db.session.rollback()
                    raise
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(index, job), daemon=True)
               for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + RUN_SECONDS
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    stuck = sum(thread.is_alive() for thread in threads)
    assert stuck == 0, f"{stuck} of {len(jobs)} jobs still running after {RUN_SECONDS} s"
    assert errors == []
    return results


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


# Multi-row paths: a community meeting whose sessions sit in two time slots.
# A registration with picks locks the meeting and every picked session, a move
# both sessions, a capacity change one event: many rows at once, in many
# combinations, so two transactions would wait for each other in a circle if
# the rows were not always locked in the same (id) order.

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def make_meeting(make_event, clock, meeting_capacity, capacities):
    """A meeting and its sessions, `capacities` {name: (slot, capacity)},
    made in the order given: list the second slot first and ids run against
    time, so that "in id order" and "in time order" (the order a registration
    names its picks in) differ."""
    start = clock.now + timedelta(days=7)
    meeting = make_event(kind="community-meeting", capacity=meeting_capacity,
                         start_dt=start, end_dt=start + timedelta(hours=2))
    sessions = {
        name: make_event(kind="workshop", title=f"Workshop {name}", parent=meeting,
                         capacity=capacity, start_dt=start + timedelta(hours=slot),
                         end_dt=start + timedelta(hours=slot + 1)).id
        for name, (slot, capacity) in capacities.items()
    }
    return meeting.id, sessions


def created(registration):
    """{id: status} of a new registration and its picks, read before the commit."""
    return {row.id: row.status for row in (registration, *registration.session_registrations)}


def registering_with_picks(meeting_id, email, session_ids, now=NOW):
    def job():
        registration, _, is_new = services.register(
            db.session, db.session.get(Event, meeting_id), name="Resident", email=email,
            consent=True, now=now, session_ids=session_ids,
        )
        assert is_new
        return created(registration)

    return job


def moving(pick_id, to_id):
    def job():
        moved = services.move_pick(db.session, db.session.get(Registration, pick_id),
                                   db.session.get(Event, to_id), NOW)
        return {moved.id: moved.status}

    return job


def setting_capacity(event_id, capacity):
    def job():
        promoted = services.set_capacity(db.session, db.session.get(Event, event_id), capacity, NOW)
        return [row.id for row in promoted]

    return job


def active_in_order(event_id):
    """The active registrations of an event, first come first."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
        .order_by(Registration.registered_dt, Registration.id)
    ).all()


def assert_seats_fair(event_id, capacity, active):
    """The event's capacity is `capacity` and it holds `active` people: never
    over capacity, no seat left free while someone waits, the seats held by
    those who came first and the waitlist numbered 1, 2, 3… after them."""
    event = db.session.get(Event, event_id)
    assert event.capacity == capacity
    rows = active_in_order(event_id)
    assert len(rows) == active
    seated = active if capacity is None else min(capacity, active)
    assert [r.status for r in rows] == (
        [RegistrationStatus.CONFIRMED] * seated + [RegistrationStatus.WAITLISTED] * (active - seated))
    assert [services.waitlist_position(db.session, r) for r in rows if r.is_waitlisted] == list(
        range(1, active - seated + 1))
    assert services.seats(db.session, [event])[event_id] == services.Seats(
        capacity, seated, active - seated)
    return rows


def promoted_mail(event_ids):
    """(outbox id, registration id) of every "promoted" message about a
    registration for these events, in the order they were written."""
    return db.session.execute(
        select(OutboxMessage.id, OutboxMessage.registration_id)
        .join(Registration, Registration.id == OutboxMessage.registration_id)
        .where(OutboxMessage.kind == "promoted", Registration.event_id.in_(event_ids))
        .order_by(OutboxMessage.id)
    ).all()


def test_picks_moves_and_capacity_changes_at_once_leave_every_count_right(
        app, make_event, clock):
    """Forty-eight transactions over one meeting and its four sessions in two
    slots: newcomers picking sessions in one slot or both, staff moving picks
    both ways between parallel sessions (some people in both slots at once),
    chairs raising capacities (several for one event at once), making one
    unlimited and lowering one below its confirmed (refused). All finish, and
    every count is the one the plan implies, whatever order they ran in."""
    assert clock.now == NOW
    meeting_id, ids = make_meeting(make_event, clock, meeting_capacity=20, capacities={
        "C": (1, 3), "D": (1, 4),  # second slot, made first: the lower ids
        "A": (0, 3), "B": (0, 3),
    })
    A, B, C, D = (ids[name] for name in "ABCD")
    slot_of = {A: 0, B: 0, C: 1, D: 1}
    other = {A: B, B: A, C: D, D: C}

    # Twenty-four people already there, each in both slots: twelve in each
    # session, every session and the meeting with a waitlist.
    plans = {}       # email -> {slot: session id} as it must end
    picks = {}       # email -> {slot: pick id} before the run
    first_status = {}  # registration id -> status it was made with
    with app.app_context():
        for i in range(24):
            email = f"early{i}@example.org"
            plan = {0: A if i % 2 == 0 else B, 1: C if i % 4 < 2 else D}
            registration, _, _ = services.register(
                db.session, db.session.get(Event, meeting_id), name="Early", email=email,
                consent=True, now=EARLIER + timedelta(minutes=i),
                session_ids=[plan[1], plan[0]])
            first_status.update(created(registration))
            picks[email] = {slot_of[p.event_id]: p.id for p in registration.session_registrations}
            plans[email] = plan
            db.session.commit()

    jobs = []
    # Moves: the first slot of early0-9 (A->B and B->A at once), the second
    # slot of early6-13 (C->D and D->C): early6-9 are moved in both slots at
    # once. No session ever holds fewer than seven people.
    for i in range(24):
        email = f"early{i}@example.org"
        for slot, moved in ((0, i < 10), (1, 6 <= i < 14)):
            if moved:
                target = other[plans[email][slot]]
                jobs.append(moving(picks[email][slot], target))
                plans[email][slot] = target
    moves = len(jobs)
    # Twenty newcomers: both slots (named in time order, or not), one slot, or none.
    choices = [{0: A, 1: C}, {0: B, 1: D}, {1: D, 0: A}, {1: C}, {0: B}, {}, {0: A, 1: D}]
    for j in range(20):
        email = f"late{j}@example.org"
        plans[email] = dict(choices[j % len(choices)])
        jobs.append(registering_with_picks(meeting_id, email, list(plans[email].values())))
    # Capacities, several chairs at once. Each event ends at the largest asked
    # for: a smaller raise arriving after a larger one finds more confirmed
    # than it asks for (the waitlists are deep enough) and is refused. D's
    # cut below its four confirmed is always refused.
    capacity_jobs = [(A, 4), (A, 5), (B, 4), (B, None), (C, 4), (C, 5), (C, 6), (D, 3),
                     (meeting_id, 21), (meeting_id, 22)]
    first_capacity_job = len(jobs)
    jobs += [setting_capacity(event_id, capacity) for event_id, capacity in capacity_jobs]

    results = run_together(app, jobs, refusals=(services.RegistrationError,))

    refused = {index for index, r in enumerate(results) if isinstance(r, Exception)}
    assert all(isinstance(results[i], services.CapacityBelowConfirmed) for i in refused)
    assert refused <= {first_capacity_job + k for k in (0, 2, 4, 5, 8)} | {first_capacity_job + 7}
    d_cut = results[first_capacity_job + 7]
    assert isinstance(d_cut, services.CapacityBelowConfirmed) and d_cut.details == {"confirmed": 4}
    for result in results:
        if isinstance(result, dict):
            first_status.update(result)

    final_capacity = {A: 5, B: None, C: 6, D: 4}
    with app.app_context():
        # Every person: one active meeting registration, holding exactly the
        # picks the plan says (one per slot picked, so no two overlap).
        meeting_rows = active_in_order(meeting_id)
        assert sorted(r.email_key for r in meeting_rows) == sorted(plans)
        for registration in meeting_rows:
            held = [p for p in registration.session_registrations if p.is_active]
            assert {slot_of[p.event_id]: p.event_id for p in held} == plans[registration.email_key]
            assert len(held) == len(plans[registration.email_key])
            assert all(p.email_key == registration.email_key for p in held)
        # Each move cancelled exactly one pick; nothing else was cancelled.
        cancelled = db.session.scalars(
            select(Registration).where(Registration.status == RegistrationStatus.CANCELLED)).all()
        assert len(cancelled) == moves
        assert all(r.parent_registration_id is not None for r in cancelled)

        # The counts: capacities as set, seats given first come first served.
        assert_seats_fair(meeting_id, 22, 44)
        for session_id, capacity in final_capacity.items():
            holding = sum(session_id in plan.values() for plan in plans.values())
            assert_seats_fair(session_id, capacity, holding)

        # Whoever went from the waitlist to a seat was told so, once; nobody
        # else was (a pick promoted and then moved away is cancelled now).
        now_confirmed = {r.id for e in (meeting_id, *ids.values()) for r in active_in_order(e)
                         if r.is_confirmed}
        assert set(first_status) >= now_confirmed  # every row was made by the setup or a job
        promoted = {i for i in now_confirmed if first_status[i] == RegistrationStatus.WAITLISTED}
        told = [registration_id for _, registration_id in promoted_mail([meeting_id, *ids.values()])]
        assert len(told) == len(set(told))
        assert promoted <= set(told)
        assert set(told) - promoted <= {r.id for r in cancelled}
        assert all(first_status[i] == RegistrationStatus.WAITLISTED for i in told)
        moved_mail = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "moved"))
        assert moved_mail == moves


def test_capacity_raises_at_once_with_moves_and_registrations_promote_the_waitlist_in_order(
        app, make_event, clock):
    """Four chairs raise one full session's capacity at once (3, 4, 5, 6) while
    picks move in and out of it and newcomers pick it. Whatever the order,
    the session ends at 6 seats held by the six people first on its list, who
    were promoted one by one in waitlist order; a raise that arrives after a
    larger one is refused, never applied as a cut."""
    assert clock.now == NOW
    meeting_id, ids = make_meeting(make_event, clock, meeting_capacity=None, capacities={
        "C": (1, 1), "B": (0, 2), "A": (0, 2),
    })
    A, B, C = ids["A"], ids["B"], ids["C"]
    with app.app_context():
        meeting = db.session.get(Event, meeting_id)
        pick_in = {}
        # w0 … w9 for A (and C), a minute apart: A seats w0 and w1, the rest wait in order.
        for i in range(10):
            registration, _, _ = services.register(
                db.session, meeting, name="Waiting", email=f"w{i}@example.org", consent=True,
                now=EARLIER + timedelta(minutes=i), session_ids=[A, C])
            pick_in[f"w{i}"] = {p.event_id: p.id for p in registration.session_registrations}
            db.session.commit()
        for i in range(2):
            registration, _, _ = services.register(
                db.session, meeting, name="Seated", email=f"b{i}@example.org", consent=True,
                now=EARLIER + timedelta(minutes=10 + i), session_ids=[B])
            pick_in[f"b{i}"] = {p.event_id: p.id for p in registration.session_registrations}
            db.session.commit()
        assert [r.email_key for r in active_in_order(A) if r.is_confirmed] == [
            "w0@example.org", "w1@example.org"]

    raises = [setting_capacity(A, capacity) for capacity in (3, 4, 5, 6)]
    jobs = [
        *raises,
        setting_capacity(C, 4),
        moving(pick_in["w0"][A], B),    # a seat in A comes free: the next in line takes it
        moving(pick_in["b0"][B], A),    # into A: the end of its waitlist
        *(registering_with_picks(meeting_id, f"new{j}@example.org", [C, A] if j % 2 else [A])
          for j in range(8)),
    ]
    results = run_together(app, jobs, refusals=(services.CapacityBelowConfirmed,))

    raised = results[:4]
    # The largest raise always applies; a smaller one arriving after a larger is refused.
    assert not isinstance(raised[3], Exception)
    assert all(isinstance(r, (list, services.CapacityBelowConfirmed)) for r in raised)
    with app.app_context():
        rows = assert_seats_fair(A, 6, 9 + 1 + 8)  # w1-w9, b0, the newcomers
        emails = [r.email_key for r in rows]
        assert emails[:9] == [f"w{i}@example.org" for i in range(1, 10)]
        assert emails[9:] and set(emails[9:]) == {"b0@example.org",
                                                  *(f"new{j}@example.org" for j in range(8))}
        assert [r.email_key for r in rows if r.is_confirmed] == [
            f"w{i}@example.org" for i in range(1, 7)]
        # Promoted in waitlist order, each told once: w2 … w6, whoever freed the seat.
        told = [db.session.get(Registration, i).email_key for _, i in promoted_mail([A])]
        assert told == [f"w{i}@example.org" for i in range(2, 7)]
        promoted_by_raises = sorted(i for r in raised if isinstance(r, list) for i in r)
        assert set(promoted_by_raises) <= {r.id for r in rows[1:6]}
        # B: b0 left, w0 came in after b1 (seated). C: four seats for its waitlist.
        assert [r.email_key for r in assert_seats_fair(B, 2, 2)] == [
            "b1@example.org", "w0@example.org"]
        c_rows = assert_seats_fair(C, 4, 10 + 4)
        assert [r.email_key for r in c_rows[:4]] == [f"w{i}@example.org" for i in range(4)]
