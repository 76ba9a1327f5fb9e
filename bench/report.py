#!/usr/bin/env python3
"""How long does the partnership's report take for a busy year?

Builds a fresh database (SQLite in a temporary folder, or a new PostgreSQL
database when BENCH_DATABASE_URL is set): the demo content without its
history, then a year of past events (`--events`, default 1,000: the
benchmarks' own builder, `content.load_events`) with `--registrations`
(default 50,000) made-up registrations spread over them: session picks
for the community meetings' workshops, waitlists, cancellations, needs,
check-ins at most events, people coming back. Then, in this process with
the real app (no HTTP server), an admin's `/manage/reports` for that year
is rendered `--requests` times: the median and the slowest time, and the
SQL statements it ran. The same is measured again after as many events
and registrations again are added, to show that the number of statements
does not grow with the events.

Target (issue 13): under a second, with a query count independent of the
number of events.

    .venv/bin/python bench/report.py [--events 1000] [--registrations 50000] [--requests 5]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/report.py
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from common import BenchDatabase, make_app  # noqa: E402
from content import load_events  # noqa: E402

INTERPRETATION = ["Arabic", "arabic", "Spanish", "Mandarin", "Tigrinya", "French", "Farsi", "ar"]


def add_registrations(session, now, event_ids: list[int], count: int, seed: int) -> int:
    """`count` registrations over the events (and their sessions), in bulk."""
    from sqlalchemy import insert, select

    from events_app.events.models import Event
    from events_app.registrations.models import Registration

    rng = random.Random(seed)
    events = session.execute(select(Event.id, Event.capacity, Event.start_dt, Event.parent_id)
                             .where(Event.id.in_(event_ids))).all()
    tops = [e for e in events if e.parent_id is None]
    sessions_of: dict[int, list] = {}
    for e in events:
        if e.parent_id is not None:
            sessions_of.setdefault(e.parent_id, []).append(e)
    checked = {e.id for e in tops if rng.random() < 0.75}
    people = max(count // 3, 1)
    seated: dict[int, int] = {}
    rows, picks, taken = [], [], set()
    for n in range(count):
        event = rng.choice(tops)
        person = rng.randrange(people)
        # Half are people seen once; the others come back to other events.
        email = f"bench-person-{person}-{seed}-{n}@example.invalid" if rng.random() < 0.5 \
            else f"bench-person-{person}@example.invalid"
        if (event.id, email) in taken:  # one active registration per address and event
            email = f"bench-person-{person}-{seed}-{n}@example.invalid"
        taken.add((event.id, email))
        status = "cancelled" if rng.random() < 0.07 else "confirmed"
        if status == "confirmed" and event.capacity is not None:
            if seated.get(event.id, 0) >= event.capacity:
                status = "waitlisted"
            else:
                seated[event.id] = seated.get(event.id, 0) + 1
        registered = event.start_dt - timedelta(days=rng.randint(1, 40))
        rows.append({
            "event_id": event.id, "name": f"Bench Person {person}", "email": email,
            "email_key": email, "preferred_language": "en", "consent_dt": registered,
            "registered_dt": registered, "status_changed_dt": registered, "status": status,
            "interpretation_language": rng.choice(INTERPRETATION) if rng.random() < 0.15 else None,
            "childcare_needs": "yes" if rng.random() < 0.1 else None,
            "accessibility_needs": "step-free" if rng.random() < 0.05 else None,
            "attended_dt": event.start_dt if event.id in checked and status == "confirmed"
            and rng.random() < 0.8 else None,
            "link_id": f"{seed:04x}{n:018x}",
        })
    ids = session.execute(insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                          rows).scalars().all()
    for row, registration_id in zip(rows, ids):
        for pick in sessions_of.get(row["event_id"], [])[:2]:
            picks.append({**row, "event_id": pick.id, "parent_registration_id": registration_id,
                          "link_id": None, "attended_dt": None})
    if picks:
        session.execute(insert(Registration), picks)
    return len(rows)


def build(app, now, events: int, registrations: int, seed: int) -> tuple[int, int]:
    from sqlalchemy import func, select

    from events_app.events.models import Event
    from events_app.extensions import db

    with app.app_context():
        before = set(db.session.scalars(select(Event.id)))
        # load_events spreads events over the year after its `now`: a year ago.
        load_events(db.session, now - timedelta(days=366), events, seed=seed)
        new = [i for i in db.session.scalars(select(Event.id)) if i not in before]
        added = add_registrations(db.session, now, new, registrations, seed)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(Event))
        db.session.remove()
        return total, added


def measure(app, admin_id: int, path: str, requests: int) -> tuple[list[float], int, int]:
    """Render the report `requests` times: the times (ms), statements, body size."""
    from flask_login import login_user
    from sqlalchemy import event as sa_event

    from events_app.accounts.models import User
    from events_app.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    times, size, per_request = [], 0, 0
    for n in range(requests + 1):
        with app.test_request_context(path):
            login_user(db.session.get(User, admin_id))
            statements.clear()
            sa_event.listen(db.engine, "before_cursor_execute", count)
            started = time.perf_counter()
            response = app.full_dispatch_request()
            elapsed = (time.perf_counter() - started) * 1000
            sa_event.remove(db.engine, "before_cursor_execute", count)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            size = len(response.get_data())
            per_request = len(statements)
            if n:  # the first one compiles templates and fills caches
                times.append(elapsed)
            db.session.remove()
    return times, per_request, size


def profile_render(app, admin_id: int, path: str, workdir: Path) -> None:
    import cProfile

    from common import print_profile
    from profile_pages import AREAS

    from sqlalchemy import event as sa_event

    from events_app.extensions import db

    timings = []

    def before(conn, _cursor, _statement, _params, context, _many):
        context._bench_started = time.perf_counter()

    def after(conn, _cursor, statement, _params, context, _many):
        timings.append(((time.perf_counter() - context._bench_started) * 1000, statement))

    with app.app_context():
        sa_event.listen(db.engine, "before_cursor_execute", before)
        sa_event.listen(db.engine, "after_cursor_execute", after)
    measure(app, admin_id, path, 0)
    with app.app_context():
        sa_event.remove(db.engine, "before_cursor_execute", before)
        sa_event.remove(db.engine, "after_cursor_execute", after)
    print(f"\nSQL of one render: {sum(ms for ms, _s in timings):.0f} ms in {len(timings)} statements; slowest:")
    for ms, statement in sorted(timings, reverse=True)[:6]:
        print(f"  {ms:7.1f} ms  {' '.join(statement.split())[:150]}")

    profiler = cProfile.Profile()
    profiler.enable()
    measure(app, admin_id, path, 1)
    profiler.disable()
    target = workdir / "report.prof"
    profiler.dump_stats(str(target))
    print_profile([target], 25, AREAS, "two renders of the report")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="after the first round, profile one more render and print where the time goes")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-report-"))
    database = None
    try:
        database = BenchDatabase(workdir, os.environ.get("BENCH_DATABASE_URL") or None)
        from flask_migrate import upgrade

        from events_app.accounts.services import create_user
        from events_app.demo import seed_demo
        from events_app.extensions import db
        from events_app.timeutil import local_today, now_utc

        now = now_utc()
        app = make_app(database.url)
        with app.app_context():
            logging.disable(logging.INFO)
            try:
                upgrade()
            finally:
                logging.disable(logging.NOTSET)
            seed_demo(now, history=False)
            admin = create_user(db.session, email="bench-admin@example.invalid", name="Bench Admin",
                                role="admin", councils=[], password="bench password 1", now=now)
            db.session.commit()
            admin_id = admin.id
            db.session.remove()
        with app.app_context():
            today = local_today(now)
        start = today - timedelta(days=365)
        path = f"/manage/reports?start={start.isoformat()}&end={today.isoformat()}"
        print(f"database: {database.describe()}; report for {start} to {today}")
        print(f"\n{'events':>8} {'registrations':>14} {'median ms':>10} {'max ms':>8} "
              f"{'SQL':>5} {'page KB':>8}  target < 1000 ms")
        results = []
        for round_ in (1, 2):
            started = time.monotonic()
            total, _added = build(app, now, args.events, args.registrations, seed=round_)
            with app.app_context():
                from sqlalchemy import func, select

                from events_app.registrations.models import Registration

                registrations = db.session.scalar(select(func.count()).select_from(Registration).where(
                    Registration.parent_registration_id.is_(None)))
                db.session.remove()
            times, statements, size = measure(app, admin_id, path, args.requests)
            median = statistics.median(times)
            results.append(statements)
            print(f"{total:>8,} {registrations:>14,} {median:>10.0f} {max(times):>8.0f} "
                  f"{statements:>5} {size / 1024:>8.0f}  {'met' if median < 1000 else 'MISSED'}"
                  f"   (built in {time.monotonic() - started:.0f} s)")
            if args.profile and round_ == 1:
                profile_render(app, admin_id, path, workdir)
        print(f"\nSQL statements: {results[0]} with {args.events:,} events, {results[1]} with twice as many: "
              + ("independent of the number of events" if results[0] == results[1] else "GROWS"))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
