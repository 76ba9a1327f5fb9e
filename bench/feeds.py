#!/usr/bin/env python3
"""Feed benchmark: how fast are the calendar feeds next to a trivial endpoint?

A benchmark, not a test: it prints figures and exits 0 whether or not the
targets are met (non-zero only when it could not measure). It shares its
machinery with `bench/pages.py` (`common.py`: database, gunicorn, wrk, CPU
watch, table, cleanup; `content.py`: the bulk-loaded events).

1. Builds a fresh database (SQLite in a temporary folder, or a new PostgreSQL
   database when BENCH_DATABASE_URL is set) from the migrations, with the demo
   content and enough bulk-loaded events (`content.load_events`) for
   2,000 events in all, every one of them in the full feed.
2. Times building the full feed `/calendar.ics` cold in this process: the
   rows, the calendar and its bytes, with nothing cached (median of --builds
   runs after one warm-up).
3. Serves `bench/bench_wsgi.py` with gunicorn (2 sync workers) and measures,
   with wrk, the trivial endpoint, a body as big as the feed sent from memory
   (the ceiling for the full feed), the full feed unchanged (validator, then
   the bytes kept in the worker), a conditional request answered 304, and
   one event's file; prints requests/s, latency and each one's ratio to the
   trivial endpoint, against the targets.

    .venv/bin/python bench/feeds.py [--duration 10] [--connections 16] [--builds 5] [--keep]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/feeds.py
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import urllib.error
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

TOTAL_EVENTS = 2000
COLD_BUILD_TARGET_MS = 150
# Requests/s of an endpoint divided by requests/s of the trivial endpoint.
TARGETS = {"full feed, gzip": 0.50, "304": 0.80, "event file": 0.40}
# The full feed's requests/s divided by the same-size body's: the feed costs
# little beyond its bytes.
SAME_SIZE_TARGET = 0.90


def time_cold_builds(database_url: str, runs: int) -> dict:
    """Build /calendar.ics in this process with nothing cached: rows, calendar, bytes.

    The same path as a request whose validator is not in the worker's cache
    (`services.feed_body`), timed with `perf_counter` around it; the first run
    (a new process: translations, time zones, SQL compilation) is reported apart.
    """
    from events_app.extensions import db
    from events_app.ical import services
    from events_app.ical.builders import build_calendar
    from events_app.timeutil import now_utc, site_zone

    app = make_app(database_url)
    timings, parts = [], []
    with app.test_request_context("/calendar.ics"):
        feed = services.all_feed()
        site_url, zone = app.config["SITE_URL"], site_zone()
        for _ in range(runs + 1):
            db.session.remove()
            services.body_cache().clear()
            now = now_utc()
            began = time.perf_counter()
            validator = services.feed_validator(db.session, feed, now, "en", site_url)
            body = services.feed_body(db.session, feed, now, validator, site_url, zone)
            timings.append(time.perf_counter() - began)
        # Where the time goes, once more, step by step (same pause of the collector).
        for _ in range(runs):
            db.session.remove()
            with services.collector_paused():
                t0 = time.perf_counter()
                events = services.feed_events(db.session, feed, now)
                t1 = time.perf_counter()
                build_calendar(events, site_url=site_url, zone=zone, name=feed.name,
                               description=feed.description, refresh=services.FEED_REFRESH)
                t2 = time.perf_counter()
            parts.append((t1 - t0, t2 - t1))
        db.session.remove()
        engine = db.engine
    engine.dispose()
    steady = timings[1:]
    return {
        "first_ms": timings[0] * 1000,
        "median_ms": statistics.median(steady) * 1000,
        "min_ms": min(steady) * 1000,
        "max_ms": max(steady) * 1000,
        "rows_ms": statistics.median(p[0] for p in parts) * 1000,
        "calendar_ms": statistics.median(p[1] for p in parts) * 1000,
        "vevent_count": len(events),
        "size": len(body),
        "etag": validator.etag,
    }


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # 304 arrives as an "error"
        return error.code, dict(error.headers), b""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Cold build time of the 2,000-event feed, and requests/s of the full feed, "
                    "a 304 and an event file next to a trivial endpoint on gunicorn (2 sync workers)."
    )
    add_load_options(parser)
    add_events_option(parser, TOTAL_EVENTS)
    parser.add_argument("--builds", type=int, default=5, help="cold builds to time in-process (default 5)")
    add_keep_option(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk): it sends the conditional requests",
              file=sys.stderr)
        return 2

    def benchmark(run):
        from events_app.timeutil import now_utc

        t0 = time.monotonic()
        info = build_database(make_app(run.database.url), now_utc(), total_events=args.events,
                              past_years=args.past_years)
        print(f"content: demo ({info['demo']}) + {info['added']:,} bulk-loaded events = "
              f"{info['events']:,} events ({time.monotonic() - t0:.1f} s to migrate, seed and load)")

        cold = time_cold_builds(run.database.url, args.builds)
        print(f"cold build of /calendar.ics in this process: {cold['vevent_count']:,} VEVENTs, "
              f"{cold['size'] / 1e6:.2f} MB")

        server = run.start_server()
        event_path = f"/events/{info['meeting_slug']}.ics"
        status_code, headers, body = get(server.base + "/calendar.ics")
        if status_code != 200 or not body.startswith(b"BEGIN:VCALENDAR\r\n"):
            raise RuntimeError(f"/calendar.ics answered {status_code}")
        etag = headers["ETag"]
        if get(server.base + "/calendar.ics", {"If-None-Match": etag})[0] != 304:
            raise RuntimeError("/calendar.ics did not answer 304 to its own ETag")
        for path in ("/_bench/trivial", event_path):
            check_page(server.base, path)
        print(f"  /calendar.ics: 200, {len(body):,} bytes, ETag {etag}; with If-None-Match: 304")

        endpoints = [
            ("trivial", "/_bench/trivial", None),
            # No work at all, only a body as big as the feed's: the most the
            # full feed could reach on this machine (no compression, by design).
            ("same-size body", f"/_bench/bytes/{len(body)}", None),
            ("full feed", "/calendar.ics", None),
            # What a calendar app that asks for gzip gets: compressed once per build.
            ("full feed, gzip", "/calendar.ics", {"Accept-Encoding": "gzip"}),
            ("304", "/calendar.ics", {"If-None-Match": etag}),
            ("event file", event_path, None),
        ]
        print_load(args, wrk)
        results = measure(run, endpoints, args, wrk)
        # The feed was not rebuilt under load: the validator did not move.
        if get(server.base + "/calendar.ics", {"If-None-Match": etag})[0] != 304:
            print("  ! the feed's ETag changed during the run")

        print_heading("Feed benchmark", run, info["events"], args)
        verdict = "met" if cold["median_ms"] <= COLD_BUILD_TARGET_MS else "NOT MET"
        print(f"cold build of the full feed ({cold['vevent_count']:,} events, {cold['size'] / 1e6:.2f} MB), "
              f"in-process, nothing cached: median {cold['median_ms']:.0f} ms of {args.builds} "
              f"(min {cold['min_ms']:.0f}, max {cold['max_ms']:.0f}); target <= {COLD_BUILD_TARGET_MS} ms: "
              f"{verdict}")
        print(f"  of which: rows {cold['rows_ms']:.0f} ms, calendar (VEVENTs and bytes) "
              f"{cold['calendar_ms']:.0f} ms; first build in a fresh process {cold['first_ms']:.0f} ms")
        print_table(results, TARGETS)
        by_name = {r.name: r for r in results}
        ratio = by_name["full feed"].rps / by_name["same-size body"].rps
        print(f"full feed against the same-size body: {ratio:.2f}; target >= {SAME_SIZE_TARGET:.2f}: "
              f"{'met' if ratio >= SAME_SIZE_TARGET else 'NOT MET'}")

    return run_benchmark("bench-feeds-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
