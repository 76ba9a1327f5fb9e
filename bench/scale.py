#!/usr/bin/env python3
"""Does a public page cost the same at 100,000 events as at 1,000? (Issue 15, item 6.)

A benchmark, not a test: it prints figures and exits 0 whether or not the
target is met (non-zero only when it could not measure).

For each size in --sizes it builds a fresh database with the content builder
of the other benchmarks (`content.py`: the demo and bulk-loaded events, with
--past-years of history), a SQLite file in a temporary folder or, when
BENCH_DATABASE_URL is set, a new PostgreSQL database (created and dropped
here). Then, in this process with Flask's test client and the page cache
off (every request rendered cold), for each public page: the SQL statements
one request runs and the median time of --requests requests after a
warm-up; and the full feed's cold build (`feeds.time_cold_builds`).

The sizes are measured in turn, page by page (the machine's drift then
falls on all of them alike). It prints one table, a column per size, and
each figure's ratio of the largest size to the smallest against the target:
at most 1.5x, and the same number of statements (the feed: against the
smallest size carrying as many events).

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--past-years 0] [--requests 60]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/scale.py
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import BenchDatabase, make_app  # noqa: E402
from content import build_database  # noqa: E402
from feeds import time_cold_builds  # noqa: E402

TARGET_RATIO = 1.5
WARM_UP = 20


def pages() -> list[tuple[str, object]]:
    """(label, the path for a database's `info`)."""
    fixed = ["/", "/events", "/events?council=education", "/events?theme=advocacy-systemic-change",
             "/api/v1/events", "/councils/education", "/recommendations/ED-1"]
    found = [(path, lambda _info, path=path: path) for path in fixed]
    found.insert(2, ("event page", lambda info: f"/events/{info['meeting_slug']}"))
    return found


def statements(app, client, path: str) -> int:
    from sqlalchemy import event

    from events_app.extensions import db

    found = []

    def count(*_args):
        found.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(found)


def build(size: int, past_years: int, workdir: Path) -> tuple:
    from events_app.timeutil import now_utc

    folder = workdir / str(size)
    folder.mkdir()
    database = BenchDatabase(folder, os.environ.get("BENCH_DATABASE_URL") or None)
    info = build_database(make_app(database.url), now_utc(), total_events=size, past_years=past_years)
    print(f"  {info['events']:,} events ({database.describe()})", flush=True)
    return database, info


def measure(databases: dict, requests: int, rounds: int) -> dict:
    """{label: {size: (ms, statements)}}: each page timed at every size in
    turn, `rounds` times (so that the machine's drift falls on all sizes
    alike), the median of `requests` in all per size."""
    from events_app.extensions import db

    clients = {}
    for size, (database, _info) in databases.items():
        app = make_app(database.url, PAGE_CACHE_SECONDS=0)
        clients[size] = (app, app.test_client())
    figures = {}
    for label, path_of in pages():
        timings = {size: [] for size in databases}
        for size, (app, client) in clients.items():
            path = path_of(databases[size][1])
            for _ in range(WARM_UP):  # the first: connect, compile, keep what a page keeps
                client.get(path)
        for _ in range(rounds):
            for size, (app, client) in clients.items():
                path = path_of(databases[size][1])
                for _ in range(max(1, requests // rounds)):
                    began = time.perf_counter()
                    client.get(path)
                    timings[size].append(time.perf_counter() - began)
        figures[label] = {size: (statistics.median(timings[size]) * 1000,
                                 statements(app, client, path_of(databases[size][1])))
                          for size, (app, client) in clients.items()}
    for app, _client in clients.values():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    builds = {size: time_cold_builds(database.url, runs=5) for size, (database, _info) in databases.items()}
    figures["/calendar.ics, cold build"] = {size: (cold["median_ms"], None) for size, cold in builds.items()}
    figures["(events the feed carries)"] = {size: (cold["vevent_count"], None) for size, cold in builds.items()}
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="events in all, per database, comma-separated (default 1000,10000,100000)")
    parser.add_argument("--past-years", type=int, default=0, metavar="N",
                        help="spread the bulk-loaded events over N years past as well as the year ahead")
    parser.add_argument("--requests", type=int, default=60, help="requests timed per page (default 60)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    history = (f", events over {args.past_years} past years and the year ahead" if args.past_years
               else ", every event upcoming")
    print(f"cold pages in-process (page cache off, median of {args.requests} requests after {WARM_UP},"
          f" the sizes in turn){history}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    databases = {}
    try:
        for size in sizes:
            databases[size] = build(size, args.past_years, workdir)
        results = measure(databases, args.requests, rounds=6)
    finally:
        for database, _info in databases.values():
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    first, last = sizes[0], sizes[-1]
    header = ["page", *(f"{size:,} events" for size in sizes), f"{last:,} / {first:,}", "target"]
    rows = []
    carried = results["(events the feed carries)"]
    for label, by_size in results.items():
        cells = [label]
        for size in sizes:
            value, count = by_size[size]
            if label.startswith("("):
                cells.append(f"{value:,}")
            else:
                cells.append(f"{value:.1f} ms" + (f", {count} SQL" if count is not None else ""))
        if label.startswith("("):
            rows.append([*cells, "", ""])
            continue
        base = first
        if label.startswith("/calendar.ics"):  # against the smallest size carrying as many events
            base = next(size for size in sizes if carried[size][0] == carried[last][0])
        (small, small_count), (large, large_count) = by_size[base], by_size[last]
        ratio = large / small
        met = ratio <= TARGET_RATIO and small_count == large_count
        note = "" if base == first else f" (of {base:,})"
        rows.append([*cells, f"{ratio:.2f}x{note}", "met" if met else "NOT MET"])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                        for i, (cell, width) in enumerate(zip(row, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
