#!/usr/bin/env python3
"""API benchmark: `/api/v1/events`, one event, a 304 and the Atom feed next
to a trivial endpoint on the same gunicorn.

A benchmark, not a test: it prints figures and exits 0 whether or not the
targets are met (non-zero only when it could not measure).

The database is built as for `pages.py` (migrations, the demo, 1,000 more
events over the next twelve months; SQLite, or a new PostgreSQL database
with BENCH_DATABASE_URL). Then, on gunicorn with 2 sync workers:

- with the page cache as the app has it (60 s): the trivial endpoint,
  `/api/v1/events` (20 a page), `/api/v1/events?limit=100`, the March 7
  meeting with its sessions, `/api/v1/events` answered 304 (If-None-Match),
  and `/feeds/events.atom`;
- with `--page-cache-seconds 0` every answer is built each time (cold).

Target: `/api/v1/events` at least 0.3 of the trivial endpoint, cache warm.

    .venv/bin/python bench/api.py [--duration 10] [--connections 16] [--page-cache-seconds 0]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/api.py
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
import urllib.request
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

# Requests/s of an endpoint divided by requests/s of the trivial endpoint.
TARGETS = {"/api/v1/events": 0.30}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Requests/s and latency of the public API and the Atom feed next to a "
                    "trivial endpoint, on gunicorn (2 sync workers) with 1,000 events.")
    add_load_options(parser)
    add_events_option(parser)
    parser.add_argument("--page-cache-seconds", type=int, default=None,
                        help="the app's PAGE_CACHE_SECONDS (default: the app's own, 60); "
                             "0 builds every answer")
    add_keep_option(parser)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk when installed (auto), or the slower Python fallback")
    return parser.parse_args(argv)


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["ETag"]


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
        print(f"content: demo + {info['added']:,} bulk-loaded events = {info['events']:,} events "
              f"({time.monotonic() - t0:.1f} s to migrate, seed and load)")
        cache = ("app default" if args.page_cache_seconds is None
                 else f"{args.page_cache_seconds} s" if args.page_cache_seconds else "off")
        server = run.start_server(f", page cache: {cache}", page_cache_seconds=args.page_cache_seconds)

        endpoints = [
            ("trivial", "/_bench/trivial", None),
            ("/api/v1/events", "/api/v1/events", None),
            ("/api/v1/events?limit=100", "/api/v1/events?limit=100", None),
            ("one event", f"/api/v1/events/{info['meeting_slug']}", None),
            ("/feeds/events.atom", "/feeds/events.atom", None),
        ]
        for _name, path, _headers in endpoints:
            size = check_page(server.base, path)
            print(f"  {path}: 200, {size:,} bytes")
        etag = etag_of(server.base + "/api/v1/events")
        if wrk:  # the Python client sends no headers
            endpoints.append(("/api/v1/events 304", "/api/v1/events", {"If-None-Match": etag}))

        print_load(args, wrk)
        results = measure(run, endpoints, args, wrk)
        print_heading("API benchmark", run, info["events"], args)
        print_table(results, TARGETS)
        if not wrk:
            print("(Python client: figures less reliable than wrk's)")

    return run_benchmark("bench-api-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
