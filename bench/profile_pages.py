#!/usr/bin/env python3
"""Where does the time of `/events` and an event page go? (A companion of pages.py.)

Builds the same database as `bench/pages.py` (SQLite in a temporary folder, or
a fresh PostgreSQL database when BENCH_DATABASE_URL is set), then, in this
process with Flask's test client (no HTTP server):

* counts the SQL statements each page runs and the time spent in them;
* times each page over --requests requests (ms per request);
* profiles the pages with cProfile and prints the time per area (SQL driver,
  SQLAlchemy, Jinja, Babel, WTForms, Markdown, …) and the top functions.

    .venv/bin/python bench/profile_pages.py [--requests 300] [--top 25] [--show-sql]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from common import BenchDatabase, add_events_option, make_app, time_by_area  # noqa: E402
from content import build_database  # noqa: E402

AREAS = [
    # (label, substrings of the code's file path; the first match wins)
    ("database driver (sqlite3/psycopg)", ("/sqlite3/", "/psycopg/", "/psycopg_binary/", "_sqlite3",
                                           "sqlite3.", "psycopg")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("Jinja", ("/jinja2/", "<template>", "/templates/")),
    ("Babel / Flask-Babel (dates, languages, gettext)", ("/babel/", "/flask_babel/", "/gettext.py")),
    ("WTForms / Flask-WTF", ("/wtforms/", "/flask_wtf/")),
    ("Markdown / nh3", ("/markdown/", "nh3")),
    ("Werkzeug / Flask (routing, request, response)", ("/werkzeug/", "/flask/", "/flask_sqlalchemy/")),
    ("zoneinfo / datetime", ("zoneinfo", "datetime")),
    ("app code (events_app)", ("/events_app/",)),
    ("markupsafe", ("markupsafe",)),
]


def count_sql(app, client, path: str, show: bool) -> tuple[int, float]:
    from sqlalchemy import event

    from events_app.extensions import db

    statements: list[tuple[str, float]] = []
    started: dict = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, time.perf_counter() - started.pop(id(cursor), time.perf_counter())))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    if show:
        for statement, seconds in statements:
            print(f"    {seconds * 1000:6.2f} ms  {' '.join(statement.split())[:160]}")
    return len(statements), sum(s for _, s in statements)


def time_requests(client, path: str, n: int) -> float:
    began = time.perf_counter()
    for _ in range(n):
        response = client.get(path)
        assert response.status_code == 200
    return (time.perf_counter() - began) / n * 1000


def profile(client, path: str, n: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    by_area = time_by_area(stats, AREAS)
    print(f"  own time by area (cProfile, {n} requests, {total / n * 1000:.2f} ms/request under the profiler):")
    for label, seconds in sorted(by_area.items(), key=lambda item: -item[1]):
        print(f"    {seconds / total * 100:5.1f}%  {label}")
    print(f"  top {top} functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_events_option(parser)
    parser.add_argument("--requests", type=int, default=300, help="requests per page (default 300)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per page (default 25)")
    parser.add_argument("--page-cache-seconds", type=int, default=0,
                        help="the page cache's lifetime (default 0: every request renders the page cold)")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL statements")
    parser.add_argument("--no-profile", action="store_true", help="only count SQL and time the pages")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    database = None
    try:
        database = BenchDatabase(workdir, os.environ.get("BENCH_DATABASE_URL") or None)
        from events_app.timeutil import now_utc

        info = build_database(make_app(database.url), now_utc(), total_events=args.events,
                              past_years=args.past_years)
        print(f"database: {database.describe()}, {info['events']:,} events")

        app = make_app(database.url, PAGE_CACHE_SECONDS=args.page_cache_seconds)

        @app.get("/_bench/trivial")
        def bench_trivial():
            return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

        client = app.test_client()
        pages = [
            ("trivial", "/_bench/trivial"),
            ("/events", "/events"),
            ("event page", f"/events/{info['meeting_slug']}"),
        ]
        for _name, path in pages:  # warm up: compile templates, fill caches
            for _ in range(5):
                client.get(path)

        print(f"\n{'page':<12} {'SQL statements':>14} {'SQL ms':>7} {'ms/request':>11}")
        baseline = None
        for name, path in pages:
            count, seconds = count_sql(app, client, path, show=False)
            ms = time_requests(client, path, args.requests)
            baseline = baseline or ms
            print(f"{name:<12} {count:>14} {seconds * 1000:>7.2f} {ms:>11.2f}  ({ms / baseline:.0f}x trivial)")
        if args.show_sql:
            for name, path in pages[1:]:
                print(f"\n{name}: {path}")
                count_sql(app, client, path, show=True)

        if not args.no_profile:
            for name, path in pages[1:]:
                print(f"\n=== {name}: {path}")
                profile(client, path, args.requests, args.top)
        with app.app_context():
            from events_app.extensions import db

            db.session.remove()
            db.engine.dispose()
    finally:
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
