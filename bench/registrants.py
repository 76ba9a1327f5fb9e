#!/usr/bin/env python3
"""Does a chair's list of registrants stay flat in memory as the event fills?

Builds a fresh database (SQLite in a temporary folder, or a new PostgreSQL
database when BENCH_DATABASE_URL is set) with the demo content, then gives
the March 7 community meeting more and more registrations (`--registrations`,
default 1,000, 5,000 and 20,000 in all; half of the people pick two of its
sessions). At each size, in this process with the real app (no HTTP server),
an admin downloads `/manage/events/<meeting>/registrants` and its `.csv`,
reading the streamed response to the end. For each it prints the time, the
size of the answer and the peak of the memory Python allocated meanwhile
(tracemalloc), next to a baseline measured in the same run: the same page
and CSV built whole in memory first (the list read at once, the page
rendered into one string), as before the lists streamed.

Target (issue 15): a 5,000-registration event's page and CSV with flat
memory: the streamed peak does not grow with the registrations.

    .venv/bin/python bench/registrants.py [--registrations 1000,5000,20000]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/registrants.py
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from common import BenchDatabase, make_app, print_columns  # noqa: E402
from content import build_database  # noqa: E402


def add_people(session, meeting, count: int, now, offset: int) -> None:
    """`count` registrations for the meeting, every other one with two session picks."""
    from sqlalchemy import insert, select

    from events_app.registrations.models import Registration

    sessions = [s.id for s in meeting.sessions][:2]
    rows = []
    for n in range(offset, offset + count):
        email = f"person-{n}@example.invalid"
        rows.append({
            "event_id": meeting.id, "name": f"Person {n}", "email": email, "email_key": email,
            "phone": "519-555-0100", "preferred_language": "en", "consent_dt": now,
            "status": "confirmed", "registered_dt": now - timedelta(seconds=count - n),
            "status_changed_dt": now, "link_id": uuid.uuid4().hex[:22],
            "accessibility_needs": "Step-free access" if n % 7 == 0 else None,
        })
    session.execute(insert(Registration), rows)
    if sessions:
        parents = session.execute(
            select(Registration.id, Registration.email, Registration.registered_dt)
            .where(Registration.event_id == meeting.id, Registration.email.in_([r["email"] for r in rows[::2]]))
        ).all()
        picks = [{
            "event_id": session_id, "parent_registration_id": parent.id, "name": "Person",
            "email": parent.email, "email_key": parent.email, "preferred_language": "en",
            "consent_dt": now, "status": "confirmed", "registered_dt": parent.registered_dt,
            "status_changed_dt": now, "link_id": uuid.uuid4().hex[:22],
        } for parent in parents for session_id in sessions]
        session.execute(insert(Registration), picks)
    session.commit()


def measure(app, client, path: str, whole: bool) -> tuple[float, int, int]:
    """Seconds, bytes and peak traced memory of one download read to the end."""
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    began = time.perf_counter()
    if whole:
        size = _whole(app, client, path)
    else:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        size = sum(len(chunk) for chunk in response.response)
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] - before
    return seconds, size, peak


def _whole(app, client, path: str) -> int:
    """The baseline: the list read at once and the answer built as one string."""
    from events_app.manage import registrant_services as services

    original = services.registrant_list

    def at_once(*args, **kwargs):
        kwargs["stream"] = False
        return original(*args, **kwargs)

    services.registrant_list = at_once
    try:
        response = client.get(path)
        data = response.get_data()  # the whole answer in memory, as a page built then sent
    finally:
        services.registrant_list = original
    assert response.status_code == 200
    return len(data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", default="1000,5000,20000",
                        help="the sizes to measure, in all, comma-separated (default 1000,5000,20000)")
    args = parser.parse_args(argv)
    sizes = sorted(int(n) for n in args.registrations.split(","))

    workdir = Path(tempfile.mkdtemp(prefix="bench-registrants-"))
    database = None
    try:
        database = BenchDatabase(workdir, os.environ.get("BENCH_DATABASE_URL") or None)
        from sqlalchemy import select

        from events_app.accounts import services as accounts
        from events_app.events.models import Event
        from events_app.extensions import db
        from events_app.timeutil import now_utc

        now = now_utc()
        app = make_app(database.url)
        info = build_database(app, now, extra_events=100)
        slug = info["meeting_slug"]
        with app.app_context():
            admin = accounts.create_user(db.session, email="bench-admin@example.org", name="Admin",
                                         role="admin", councils=[], password="bench password 123",
                                         now=now)
            db.session.commit()
            user_id = admin.get_id()
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = user_id
            cookie["_fresh"] = True
        print(f"database: {database.describe()}, meeting {slug}")
        tracemalloc.start()
        rows, added = [], 0
        for size in sizes:
            with app.app_context():
                meeting = db.session.scalars(select(Event).where(Event.slug == slug)).one()
                add_people(db.session, meeting, size - added, now, added)
                added = size
            for label, path in (("page", f"/manage/events/{slug}/registrants"),
                                ("CSV", f"/manage/events/{slug}/registrants.csv")):
                measure(app, client, path, whole=False)  # warm up
                s_time, s_size, s_peak = measure(app, client, path, whole=False)
                w_time, _, w_peak = measure(app, client, path, whole=True)
                rows.append((f"{size:,}", label, f"{s_size / 1e6:.1f} MB", f"{s_time * 1000:,.0f}",
                             f"{s_peak / 1e6:.1f} MB", f"{w_time * 1000:,.0f}", f"{w_peak / 1e6:.1f} MB",
                             f"{s_peak / w_peak:.2f}"))
        tracemalloc.stop()
        print()
        print_columns(("registrations", "list", "size", "streamed ms", "streamed peak",
                       "whole ms", "whole peak", "peak ratio"),
                      [">", "<", ">", ">", ">", ">", ">", ">"], rows)
        print("\npeak: the most memory Python held at once while the answer was read "
              "(tracemalloc), above what it held before")
        return 0
    finally:
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
