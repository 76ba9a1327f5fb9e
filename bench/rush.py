#!/usr/bin/env python3
"""Rush benchmark: the public pages while registrations pour in.

A benchmark, not a test: it prints figures and exits 0 whether or not the
target is met (non-zero only when it could not measure).

1. Builds the pages benchmark's database (migrations, the demo, 1,000 more
   events), on PostgreSQL with BENCH_DATABASE_URL / --database-url (the rush
   is a PostgreSQL question; SQLite works too), and serves the real app with
   gunicorn, 2 sync workers, the page cache as the app has it.
2. Browsing: wrk with --connections clients cycling through the public
   pages (home, /events and its second page, the 20 events registered for,
   a Sub-council page, /api/v1/events), for --duration seconds, alone.
3. The rush: the same browsing again while --rate registrations a second
   arrive for those 20 events (Python clients, each with its own session
   and CSRF token, paced).
4. Prints page requests/s, p50 and p99 without and with the rush, the
   registrations/s reached and the answers that were not 303.

Target: page p99 during the rush at most 3x its value without it.

    .venv/bin/python bench/rush.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/rush.py [--rate 50] [--duration 10] [--connections 16]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import (  # noqa: E402
    CpuWatch,
    add_keep_option,
    make_app,
    parse_wrk,
    run_benchmark,
)
from content import build_database  # noqa: E402

P99_FACTOR_TARGET = 3.0
REGISTERED_EVENTS = 20

WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Page latency with and without a registration rush.")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server to make the benchmark's database on "
                             "(default: BENCH_DATABASE_URL, else SQLite)")
    parser.add_argument("--rate", type=float, default=50.0, help="registrations a second (default 50)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each phase (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="browsing clients (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    add_keep_option(parser)
    return parser.parse_args(argv)


def upcoming_open_events(app, now, count: int) -> list[str]:
    """The slugs of the soonest one-off published events open for registration."""
    from sqlalchemy import select

    from events_app.events.models import Event, EventStatus
    from events_app.extensions import db
    from events_app.registrations.services import is_open

    with app.app_context():
        found = []
        for event in db.session.scalars(
                select(Event).where(Event.status == EventStatus.PUBLISHED, Event.parent_id.is_(None),
                                    Event.recurrence_rule.is_(None), Event.start_dt > now,
                                    Event.kind != "community-meeting")
                .order_by(Event.start_dt).limit(count * 3)):
            if is_open(event, now):
                found.append(event.slug)
            if len(found) == count:
                break
        return found


def browse(wrk: str, base: str, script: Path, args) -> dict:
    import subprocess

    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(args.duration))}s",
               "--latency", "-s", str(script), base + "/"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def rush(host: str, port: int, slugs: list[str], rate: float, stop: threading.Event) -> dict:
    """Registrations at `rate` a second, spread over the events, until `stop`."""
    from registration import Client

    clients = [Client(host, port, slug) for slug in slugs]
    statuses: Counter = Counter()
    lock = threading.Lock()
    state = {"n": 0}
    interval = 1.0 / rate
    began = time.perf_counter()

    def worker(offset: int, step: int):
        n = offset
        while not stop.is_set():
            due = began + n * interval
            wait = due - time.perf_counter()
            if wait > 0:
                if stop.wait(wait):
                    break
            client = clients[n % len(clients)]
            status = client.register(slugs[n % len(slugs)], f"rush-{n}@example.org", f"Rush Person {n}", [])
            with lock:
                statuses[status] += 1
                state["n"] += 1
            n += step

    # Enough senders that one slow answer does not hold the pace back.
    senders = max(2, int(rate // 10))
    threads = [threading.Thread(target=worker, args=(i, senders), daemon=True) for i in range(senders)]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.perf_counter() - began
    return {"registrations": state["n"], "seconds": elapsed, "statuses": statuses}


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    if args.database_url:
        import os

        os.environ["BENCH_DATABASE_URL"] = args.database_url

    def benchmark(run):
        from events_app.timeutil import now_utc

        now = now_utc()
        info = build_database(make_app(run.database.url), now)
        slugs = upcoming_open_events(make_app(run.database.url), now, REGISTERED_EVENTS)
        print(f"content: {info['events']:,} events; registrations for {len(slugs)} of them")
        server = run.start_server(", page cache: app default")
        paths = ["/", "/events", "/events?page=2", "/councils/education", "/api/v1/events",
                 *[f"/events/{slug}" for slug in slugs]]
        script = run.workdir / "paths.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
        host, port = server.base.removeprefix("http://").split(":")

        browse(wrk, server.base, script, argparse.Namespace(**{**vars(args), "duration": 2}))  # warm-up
        watch = CpuWatch(server.process.pid, run.database.backend_pids)
        watch.start()
        alone = browse(wrk, server.base, script, args)
        stop = threading.Event()
        result: dict = {}
        sender = threading.Thread(target=lambda: result.update(rush(host, int(port), slugs, args.rate, stop)))
        sender.start()
        time.sleep(1)  # the rush under way before the measured browsing
        during = browse(wrk, server.base, script, args)
        stop.set()
        sender.join(timeout=60)
        cpu = watch.stop()

        print()
        print(f"Rush benchmark ({run.database.kind}, {info['events']:,} events, 2 sync gunicorn workers, "
              f"{args.connections} browsing connections over {len(paths)} pages, {args.duration:g} s each)")
        print(f"{'':28}{'pages/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
        print(f"{'browsing alone':28}{alone['rps']:>10,.0f}{alone['p50_ms']:>9.1f}{alone['p99_ms']:>9.1f}")
        print(f"{'during the rush':28}{during['rps']:>10,.0f}{during['p50_ms']:>9.1f}{during['p99_ms']:>9.1f}")
        factor = during["p99_ms"] / alone["p99_ms"] if alone["p99_ms"] else float("nan")
        met = "met" if factor <= P99_FACTOR_TARGET else "NOT MET"
        print(f"page p99 during the rush: {factor:.2f}x alone (target <= {P99_FACTOR_TARGET:g}x): {met}")
        reached = result.get("registrations", 0) / result["seconds"] if result.get("seconds") else 0
        print(f"registrations: {result.get('registrations', 0):,} in {result.get('seconds', 0):.1f} s = "
              f"{reached:.0f}/s (asked for {args.rate:g}/s); answers: {dict(result.get('statuses', {}))}")
        if cpu is not None:
            print(f"CPU used by other processes on this machine: {cpu:.0f}%")

    return run_benchmark("bench-rush-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
