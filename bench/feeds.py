#!/usr/bin/env python3
"""Feed benchmark: how fast are the calendar feeds next to a trivial endpoint?

A benchmark, not a test: it prints figures and exits 0 whether or not the
targets are met (non-zero only when it could not measure). It reuses the
machinery of `bench/pages.py` (database, gunicorn, wrk, CPU watch).

1. Builds a fresh database (SQLite in a temporary folder, or a new PostgreSQL
   database when BENCH_DATABASE_URL is set) from the migrations, with the demo
   content and enough bulk-loaded events (pages.py's `load_events`) for
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
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from pages import (  # noqa: E402
    WORKERS,
    BenchDatabase,
    CpuWatch,
    Gunicorn,
    Result,
    check_page,
    load_events,
    make_app,
    march_7_slug,
    parse_wrk,
)

TOTAL_EVENTS = 2000
COLD_BUILD_TARGET_MS = 300
# Requests/s of an endpoint divided by requests/s of the trivial endpoint.
TARGETS = {"full feed": 0.50, "304": 0.80, "event file": 0.40}


def build_database(app, now, total: int = TOTAL_EVENTS) -> dict:
    """Migrate, seed the demo, then bulk-load events up to `total`."""
    import logging

    from flask_migrate import upgrade

    from events_app.demo import seed_demo
    from events_app.events.models import Event
    from events_app.extensions import db

    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        seed_demo(now)
        db.session.commit()
        demo = db.session.scalar(db.select(db.func.count()).select_from(Event))
        added = load_events(db.session, now, total - demo)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        info = {
            "demo": demo,
            "added": added,
            "events": db.session.scalar(db.select(db.func.count()).select_from(Event)),
            "meeting_slug": march_7_slug(db.session),
        }
        db.session.remove()
        db.engine.dispose()
    return info


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
                calendar = build_calendar(events, site_url=site_url, zone=zone, name=feed.name,
                                          description=feed.description, refresh=services.FEED_REFRESH)
                t2 = time.perf_counter()
                calendar.to_ical()
                t3 = time.perf_counter()
            parts.append((t1 - t0, t2 - t1, t3 - t2))
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
        "vevents_ms": statistics.median(p[1] for p in parts) * 1000,
        "bytes_ms": statistics.median(p[2] for p in parts) * 1000,
        "vevent_count": len(events),
        "size": len(body),
        "etag": validator.etag,
    }


def run_wrk(wrk: str, url: str, seconds: float, connections: int, threads: int,
            headers: dict[str, str] | None = None) -> dict:
    """pages.run_wrk, with request headers (If-None-Match for the 304)."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # 304 arrives as an "error"
        return error.code, dict(error.headers), b""


def print_table(results: list[Result], targets: dict[str, float]) -> None:
    trivial = next((r for r in results if r.name == "trivial"), None)
    header = ("endpoint", "requests/s", "p50 ms", "p99 ms", "vs trivial", "target", "")
    rows = []
    for r in results:
        ratio = r.rps / trivial.rps if trivial and trivial.rps else float("nan")
        target = targets.get(r.name)
        rows.append((
            f"{r.name} ({r.path})",
            f"{r.rps:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{ratio:.2f}",
            f">= {target:.2f}" if target is not None else "",
            ("met" if ratio >= target else "NOT MET") if target is not None else "",
        ))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    aligns = ["<", ">", ">", ">", ">", "<", "<"]

    def line(cells):
        return "  ".join(f"{str(c):{a}{w}}" for c, a, w in zip(cells, aligns, widths)).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    for r in results:
        for error in r.errors:
            print(f"  ! {r.name}: {error}")
    shares = [(r.name, r.others_cpu) for r in results if r.others_cpu is not None]
    if shares:
        print("CPU used by other processes on this machine during each run: "
              + ", ".join(f"{name} {share:.0%}" for name, share in shares))
        if any(share > 0.10 for _, share in shares):
            print("  ! other processes took more than 10% of the CPU: figures are low and the "
                  "ratios unreliable; run again on a quiet machine.")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Cold build time of the 2,000-event feed, and requests/s of the full feed, "
                    "a 304 and an event file next to a trivial endpoint on gunicorn (2 sync workers)."
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per endpoint (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--builds", type=int, default=5, help="cold builds to time in-process (default 5)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (database, gunicorn log) and, on PostgreSQL, the database")
    return parser.parse_args(argv)


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk): it sends the conditional requests",
              file=sys.stderr)
        return 2

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    database = server = None
    status = 1
    try:
        database = BenchDatabase(workdir, os.environ.get("BENCH_DATABASE_URL") or None)
        print(f"database: {database.describe()}")

        from events_app.timeutil import now_utc

        t0 = time.monotonic()
        info = build_database(make_app(database.url), now_utc())
        print(f"content: demo ({info['demo']}) + {info['added']:,} bulk-loaded events = "
              f"{info['events']:,} events ({time.monotonic() - t0:.1f} s to migrate, seed and load)")

        cold = time_cold_builds(database.url, args.builds)
        print(f"cold build of /calendar.ics in this process: {cold['vevent_count']:,} VEVENTs, "
              f"{cold['size'] / 1e6:.2f} MB")

        server = Gunicorn(database.url, workdir)
        server.wait_ready()
        import gunicorn

        print(f"server: gunicorn {gunicorn.__version__}, {WORKERS} sync workers, {server.base}")
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
            ("304", "/calendar.ics", {"If-None-Match": etag}),
            ("event file", event_path, None),
        ]
        print(f"load: wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency; "
              f"{args.warmup:g} s warm-up per endpoint; {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}")
        watch = CpuWatch(server.process.pid, database.backend_pids)
        results = []
        for name, path, headers in endpoints:
            url = server.base + path
            if args.warmup > 0:
                run_wrk(wrk, url, args.warmup, args.connections, args.threads, headers)
            watch.start()
            figures = run_wrk(wrk, url, args.duration, args.connections, args.threads, headers)
            results.append(Result(name=name, path=path + (" + If-None-Match" if headers else ""),
                                  others_cpu=watch.stop(), **figures))
        # The feed was not rebuilt under load: the validator did not move.
        if get(server.base + "/calendar.ics", {"If-None-Match": etag})[0] != 304:
            print("  ! the feed's ETag changed during the run")

        print()
        print(f"Feed benchmark ({database.kind}, {info['events']:,} events, "
              f"{WORKERS} sync gunicorn workers, {args.connections} connections, {args.duration:g} s each)")
        verdict = "met" if cold["median_ms"] <= COLD_BUILD_TARGET_MS else "NOT MET"
        print(f"cold build of the full feed ({cold['vevent_count']:,} events, {cold['size'] / 1e6:.2f} MB), "
              f"in-process, nothing cached: median {cold['median_ms']:.0f} ms of {args.builds} "
              f"(min {cold['min_ms']:.0f}, max {cold['max_ms']:.0f}); target <= {COLD_BUILD_TARGET_MS} ms: "
              f"{verdict}")
        print(f"  of which: rows {cold['rows_ms']:.0f} ms, VEVENTs {cold['vevents_ms']:.0f} ms, "
              f"bytes {cold['bytes_ms']:.0f} ms; first build in a fresh process {cold['first_ms']:.0f} ms")
        print_table(results, TARGETS)
        print(f"\ntotal time {time.monotonic() - started:.0f} s")
        status = 0
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        status = 130
    except Exception as error:  # noqa: BLE001 - report, clean up, exit non-zero
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        if server is not None:
            print(f"--- gunicorn log ---\n{server.log_tail()}", file=sys.stderr)
    finally:
        # Cleaning up must not be cut short by a second Ctrl-C.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if server is not None:
                server.stop()
            if database is not None:
                if args.keep:
                    if database.pg_name:
                        print(f"kept PostgreSQL database {database.pg_name}")
                else:
                    try:
                        database.drop()
                    except Exception as error:  # noqa: BLE001
                        print(f"could not drop database {database.pg_name}: {error}", file=sys.stderr)
            if args.keep:
                print(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        finally:
            signal.signal(signal.SIGINT, previous)
    return status


if __name__ == "__main__":
    sys.exit(main())
