#!/usr/bin/env python3
"""Page benchmark: how fast are `/events` and an event page next to a trivial endpoint?

A benchmark, not a test: it prints figures and exits 0 whether or not the
targets are met (non-zero only when it could not measure).

1. Builds a fresh database: a SQLite file in a temporary folder, or, when
   BENCH_DATABASE_URL is set, a new PostgreSQL database on that server (created
   and dropped here). The schema comes from the migrations
   (`flask_migrate.upgrade()`), then the demo content (`seed_demo(now)`) and
   1,000 more published events spread over the next twelve months.
2. Serves `bench/bench_wsgi.py` (the real app from `create_app()` plus
   `/_bench/trivial`) with gunicorn, 2 sync workers, on 127.0.0.1.
3. Measures the trivial endpoint, `/events` and the March 7 community meeting
   page with wrk (a warm-up run, then the measured run), and prints
   requests/s, p50 and p99 latency and each page's ratio to the trivial
   endpoint, against the targets.

The machinery shared with `feeds.py` (database, gunicorn, wrk, CPU watch,
table, cleanup) is in `common.py`, the database's content in `content.py`.

    .venv/bin/python bench/pages.py [--duration 10] [--connections 16] [--threads 2] [--keep]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import (  # noqa: E402
    add_events_option,
    add_keep_option,
    add_load_options,
    check_page,
    make_app,
    measure,
    print_heading,
    print_load,
    print_table,
    run_benchmark,
)
from content import build_database  # noqa: E402

# Requests/s of a page divided by requests/s of the trivial endpoint.
TARGETS = {"event page": 0.30, "/events": 0.25}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Requests/s and latency of /events and an event page next to a trivial "
                    "endpoint, on gunicorn (2 sync workers) with 1,000 events."
    )
    add_load_options(parser)
    add_events_option(parser)
    parser.add_argument("--page-cache-seconds", type=int, default=None,
                        help="the app's PAGE_CACHE_SECONDS (default: the app's own, 60); "
                             "0 measures rendering every request")
    add_keep_option(parser)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk when installed (auto), or the slower Python fallback")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk") if args.client != "python" else None
    if args.client == "wrk" and not wrk:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    def benchmark(run):
        from events_app.timeutil import now_utc

        t0 = time.monotonic()
        info = build_database(make_app(run.database.url), now_utc(), total_events=args.events,
                              past_years=args.past_years)
        print(
            f"content: demo + {info['added']:,} bulk-loaded events = {info['events']:,} events "
            f"({time.monotonic() - t0:.1f} s to migrate, seed and load)"
        )

        cache = ("app default" if args.page_cache_seconds is None
                 else f"{args.page_cache_seconds} s" if args.page_cache_seconds else "off")
        server = run.start_server(f", page cache: {cache}", page_cache_seconds=args.page_cache_seconds)

        endpoints = [
            ("trivial", "/_bench/trivial", None),
            ("/events", "/events", None),
            ("event page", f"/events/{info['meeting_slug']}", None),
        ]
        for _name, path, _headers in endpoints:
            size = check_page(server.base, path)
            print(f"  {path}: 200, {size:,} bytes")

        print_load(args, wrk)
        results = measure(run, endpoints, args, wrk)

        print_heading("Page benchmark", run, info["events"], args)
        print_table(results, TARGETS)
        if not wrk:
            print("(Python client: figures less reliable than wrk's)")

    return run_benchmark("bench-pages-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
