#!/usr/bin/env python3
"""Registration benchmark: how many registrations a second, over HTTP, without overbooking?

A benchmark, not a test: it prints figures and exits 0 whether or not the
target is met (non-zero only when it could not measure).

1. Builds a fresh database (a SQLite file in a temporary folder, or, with
   BENCH_DATABASE_URL or --database-url, a new PostgreSQL database on that
   server, dropped at the end) from the migrations, then seeds, with the
   models, 20 published workshops of 25 places and one community meeting
   (40 places) with four sessions of 10 places in two time slots.
2. Serves the real app (`bench/registration_wsgi.py`, which is
   `bench_wsgi.app`) with gunicorn, 2 sync workers, RATELIMIT_ENABLED=0,
   CSRF on.
3. --clients threads each GET an event page once, with their own cookie, to
   get the session cookie and the form's `csrf_token`; then they POST
   registrations (`/events/<slug>/register`) with unique e-mails, one at a
   time, each on a new connection (sync workers close it anyway). A `303` is
   a registration; the redirect is not followed. Meeting registrations pick
   one session per slot (sometimes only one slot).
4. Prints registrations, registrations/s, p50/p99 latency and the responses
   that were not 303, then checks the database: for every event and session
   confirmed <= capacity (overbooked: 0), confirmed == min(capacity, active),
   the rest waitlisted, and exactly one outbox message (`confirmation` or
   `waitlisted`, matching the status) for every registration.

    .venv/bin/python bench/registration.py [--clients 16] [--registrations 3000 | --seconds S]
    .venv/bin/python bench/registration.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/registration.py

Target (issue 15): >= 200 registrations/s with 16 clients on PostgreSQL, at most 7 ms
of worker CPU each, and 0 overbooked.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import (  # noqa: E402
    PROJECT_ROOT,
    WORKERS,
    CpuWatch,
    Gunicorn,
    add_keep_option,
    free_port,
    make_app,
    print_profile,
    run_benchmark,
)

TARGET_PER_SECOND = 200
TARGET_WORKER_CPU_MS = 7.0
TARGET_CLIENTS = 16

WORKSHOPS = 20
WORKSHOP_CAPACITY = 25
MEETING_CAPACITY = 40
SESSION_CAPACITY = 10
MEETING_SHARE = 0.125  # of the registrations, for the meeting (the rest: the workshops)

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


# --------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------

def build_database(app, now) -> dict:
    """Migrate, then seed the workshops and the meeting with its sessions (models, one commit)."""
    import logging
    from datetime import timedelta

    from flask_migrate import upgrade

    from events_app.events.models import Event, EventKind, EventStatus
    from events_app.extensions import db

    topics = ["ESL Conversation Circle", "Résumé Clinic", "Finding a Family Doctor",
              "Know Your Rights at Work", "Tax Clinic for Newcomers", "Citizenship Test Study Group",
              "Navigating Ontario Schools", "Family Law Basics", "Mental Health First Aid",
              "Credential Recognition"]
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        day = (now + timedelta(days=30)).replace(hour=14, minute=0, second=0, microsecond=0)
        workshops = []
        for n in range(WORKSHOPS):
            start = day + timedelta(days=n)
            workshops.append(Event(
                slug=f"bench-workshop-{n + 1:02d}", kind=EventKind.WORKSHOP,
                title=f"{topics[n % len(topics)]} ({n + 1})",
                summary="A hands-on workshop with a settlement worker. Free; places are limited.",
                description="Bring your questions.\n\n* Free\n* Light refreshments",
                start_dt=start, end_dt=start + timedelta(hours=2), status=EventStatus.PUBLISHED,
                languages=["en", "fr"], capacity=WORKSHOP_CAPACITY, created_dt=now, updated_dt=now,
            ))
        meeting_day = (day + timedelta(days=WORKSHOPS + 5)).replace(hour=13, minute=30)
        meeting = Event(
            slug="bench-community-meeting", kind=EventKind.COMMUNITY_MEETING,
            title="Community Meeting", translations={"fr": {"title": "Rencontre communautaire"}},
            summary="Four workshops in two slots. Lunch provided.",
            description="Choose one workshop in the morning and one in the afternoon.",
            start_dt=meeting_day, end_dt=meeting_day + timedelta(hours=6),
            status=EventStatus.PUBLISHED, languages=["en", "fr"], capacity=MEETING_CAPACITY,
            created_dt=now, updated_dt=now,
        )
        slots = [(timedelta(minutes=30), timedelta(hours=2)), (timedelta(hours=3, minutes=30), timedelta(hours=5))]
        names = ["Common Assessment Process", "Journeys to Canada", "Breath: self-care",
                 "Building Bridges: Anti-racism 101"]
        for index, name in enumerate(names):
            begins, ends = slots[index // 2]
            meeting.sessions.append(Event(
                slug=f"bench-session-{index + 1}", kind=EventKind.WORKSHOP, title=name,
                summary="A session of the community meeting.",
                start_dt=meeting_day + begins, end_dt=meeting_day + ends,
                status=EventStatus.PUBLISHED, languages=["en"], capacity=SESSION_CAPACITY,
                created_dt=now, updated_dt=now,
            ))
        db.session.add_all([*workshops, meeting])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        info = {
            "workshops": [w.slug for w in workshops],
            "meeting": meeting.slug,
            # The two slots' session ids (morning, afternoon).
            "slots": [[s.id for s in meeting.sessions[:2]], [s.id for s in meeting.sessions[2:]]],
        }
        db.session.remove()
        db.engine.dispose()
    return info


def check_database(app) -> dict:
    """Counts per event and the outbox, straight from the database."""
    from sqlalchemy import func, select

    from events_app.events.models import Event
    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage
    from events_app.registrations.models import Registration, RegistrationStatus

    with app.app_context():
        session = db.session
        events = session.execute(
            select(Event.id, Event.slug, Event.capacity, Event.parent_id).order_by(Event.id)
        ).all()
        counts = Counter()
        for event_id, status, count in session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .group_by(Registration.event_id, Registration.status)
        ):
            counts[(event_id, status)] = count
        rows = []
        for event_id, slug, capacity, parent_id in events:
            confirmed = counts[(event_id, RegistrationStatus.CONFIRMED)]
            waitlisted = counts[(event_id, RegistrationStatus.WAITLISTED)]
            active = confirmed + waitlisted
            expected = active if capacity is None else min(capacity, active)
            rows.append({"slug": slug, "capacity": capacity, "session": parent_id is not None,
                         "confirmed": confirmed, "waitlisted": waitlisted, "active": active,
                         "cancelled": counts[(event_id, RegistrationStatus.CANCELLED)],
                         "overbooked": capacity is not None and confirmed > capacity,
                         "wrong_split": confirmed != expected})

        # Every registration (the meeting's session picks are rows of their
        # own, told about in their meeting registration's message): exactly
        # one message, of the kind its status calls for.
        messages = defaultdict(list)
        for registration_id, kind in session.execute(
            select(OutboxMessage.registration_id, OutboxMessage.kind)
        ):
            messages[registration_id].append(kind)
        top = session.execute(
            select(Registration.id, Registration.status).where(Registration.parent_registration_id.is_(None))
        ).all()
        picks = session.scalars(
            select(Registration.id).where(Registration.parent_registration_id.is_not(None))
        ).all()
        want = {RegistrationStatus.CONFIRMED: "confirmation", RegistrationStatus.WAITLISTED: "waitlisted"}
        not_one = sum(1 for rid, _ in top if len(messages.get(rid, [])) != 1)
        wrong_kind = sum(1 for rid, status in top
                         if len(messages.get(rid, [])) == 1 and messages[rid][0] != want.get(status))
        picks_with_mail = sum(1 for rid in picks if messages.get(rid))
        orphans = len(messages.get(None, []))
        total_messages = sum(len(v) for v in messages.values())
        session.remove()
        db.engine.dispose()
    return {"events": rows, "registrations": len(top), "picks": len(picks), "messages": total_messages,
            "not_one_message": not_one, "wrong_kind": wrong_kind, "picks_with_mail": picks_with_mail,
            "orphan_messages": orphans}


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

class RegistrationGunicorn(Gunicorn):
    """common.Gunicorn serving `registration_wsgi:app`, with extra environment."""

    def __init__(self, database_url_value: str, workdir: Path, extra_env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        env = dict(os.environ)
        env.update(DATABASE_URL=database_url_value, RATELIMIT_ENABLED="0", PYTHONUNBUFFERED="1")
        env.update(extra_env)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--chdir", str(PROJECT_ROOT),
                "--pythonpath", str(BENCH_DIR),
                "--workers", str(WORKERS),
                "--worker-class", "sync",
                "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "warning",
                "--error-logfile", "-",
                "registration_wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in children.split()]


# --------------------------------------------------------------------------
# The clients
# --------------------------------------------------------------------------

class Client:
    """One person's browser: its own session cookie and CSRF token, one request at a time."""

    def __init__(self, host: str, port: int, slug: str):
        self.host, self.port = host, port
        status, headers, body = self._request("GET", f"/events/{slug}")
        if status != 200:
            raise RuntimeError(f"GET /events/{slug} answered {status}")
        cookies = [h.split(";", 1)[0] for name, h in headers if name.lower() == "set-cookie"]
        if not cookies:
            raise RuntimeError(f"GET /events/{slug} set no cookie: no session to hold the CSRF token")
        # The cookie the page set is kept as is. The 303s set a new one (the
        # flashed message is added to the session); a browser would follow
        # the redirect, which reads the message and empties it again. Not
        # following it, we do not take those cookies, or they would grow with
        # every unread message.
        self.cookie = "; ".join(cookies)
        match = CSRF_INPUT.search(body.decode("utf-8", "replace"))
        if not match:
            raise RuntimeError(f"GET /events/{slug}: no csrf_token input in the page")
        self.csrf_token = match.group(1)

    def _request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data
        finally:
            conn.close()

    def register(self, slug: str, email: str, name: str, session_ids: list[int]) -> int:
        fields = [("csrf_token", self.csrf_token), ("name", name), ("email", email),
                  ("preferred_language", "en"), ("consent", "y")]
        fields += [("sessions", str(i)) for i in session_ids]
        status, _headers, _body = self._request(
            "POST", f"/events/{slug}/register", urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        return status


class Plan:
    """Who registers for what: the n-th registration, the same for every run of a seed."""

    def __init__(self, info: dict, seed: int, tag: str):
        self.info, self.seed, self.tag = info, seed, tag

    def __call__(self, n: int) -> tuple[str, str, str, list[int]]:
        rng = random.Random(self.seed * 1_000_003 + n)
        email = f"person-{self.tag}-{n}@example.org"
        name = f"Bench Person {n}"
        if rng.random() < MEETING_SHARE:
            morning, afternoon = self.info["slots"]
            picks = [rng.choice(morning), rng.choice(afternoon)]
            kept = rng.random()
            if kept < 0.15:
                picks = picks[:1]
            elif kept < 0.30:
                picks = picks[1:]
            return self.info["meeting"], email, name, picks
        return rng.choice(self.info["workshops"]), email, name, []


def drive(base_host: str, port: int, plan: Plan, clients: list[Client], start: int,
          count: int | None, seconds: float | None) -> dict:
    """Registrations by every client at once: `count` in all, or for `seconds`."""
    lock = threading.Lock()
    state = {"next": start}
    end_index = start + count if count is not None else None
    latencies: list[float] = []
    statuses: Counter = Counter()
    failures: list[str] = []
    go = threading.Event()
    deadline = [None]

    def take() -> int | None:
        with lock:
            n = state["next"]
            if end_index is not None and n >= end_index:
                return None
            if deadline[0] is not None and time.perf_counter() >= deadline[0]:
                return None
            state["next"] = n + 1
            return n

    def worker(client: Client):
        mine, counted = [], Counter()
        go.wait()
        while (n := take()) is not None:
            slug, email, name, picks = plan(n)
            began = time.perf_counter()
            try:
                status = client.register(slug, email, name, picks)
            except (OSError, http.client.HTTPException) as error:
                counted["socket error"] += 1
                if len(failures) < 5:
                    failures.append(f"{type(error).__name__}: {error}")
                continue
            mine.append(time.perf_counter() - began)
            counted[status] += 1
        with lock:
            latencies.extend(mine)
            statuses.update(counted)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    if seconds is not None:
        deadline[0] = began + seconds
    go.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {"elapsed": elapsed, "attempts": state["next"] - start, "statuses": statuses,
            "ok": statuses.get(303, 0), "p50_ms": percentile(0.50), "p99_ms": percentile(0.99),
            "max_ms": latencies[-1] * 1000 if latencies else float("nan"), "failures": failures}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

AREAS = [
    # (label, substrings of "file:function"; the first match wins)
    ("database driver (psycopg/sqlite3)", ("psycopg", "sqlite3")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("Jinja (pages and mail templates)", ("/jinja2/", "<template>", "/templates/")),
    ("icalendar (the invitation)", ("/icalendar/",)),
    ("email package / mail services", ("/email/", "/events_app/mail/")),
    ("Babel / Flask-Babel", ("/babel/", "/flask_babel/", "/gettext.py")),
    ("WTForms / Flask-WTF (form, CSRF)", ("/wtforms/", "/flask_wtf/", "/email_validator/", "/itsdangerous/")),
    ("Flask-Limiter / limits", ("/flask_limiter/", "/limits/")),
    ("Werkzeug / Flask (routing, request, response, session)", ("/werkzeug/", "/flask/", "/flask_sqlalchemy/")),
    ("JSON", ("/json/",)),
    ("zoneinfo / datetime", ("zoneinfo", "datetime")),
    ("app code (events_app)", ("/events_app/",)),
    ("markupsafe", ("markupsafe",)),
]


def print_breakdown(folder: Path) -> None:
    files = sorted(folder.glob("registration-stats-*.json"))
    if not files:
        print("\n(no breakdown: the workers wrote no statistics)")
        return
    totals: dict = defaultdict(float)
    statements: dict = defaultdict(lambda: [0, 0.0])
    for path in files:
        data = json.loads(path.read_text())
        for key, value in data.items():
            if key == "statements":
                for text, (count, seconds) in value.items():
                    statements[text][0] += count
                    statements[text][1] += seconds
            else:
                totals[key] += value
    n = totals["requests"] or 1

    def ms(key):
        return totals[key] / n * 1000

    def both(wall, cpu):
        return f"{wall / n * 1000:7.2f} ms wall  {cpu / n * 1000:6.2f} ms CPU"

    t = totals
    print(f"\nWhere a registration's time goes in the workers ({int(t['requests']):,} registrations "
          "in the workers' last snapshots; per registration, inside gunicorn; CPU is the worker's own):")
    print(f"  whole request (WSGI call)                 {both(t['request_s'], t['request_cpu'])}")
    print(f"    services.register                       {both(t['register_s'], t['register_cpu'])}  "
          f"(SQL {t['sql_in_register_s'] / n * 1000:.2f} ms wall)")
    print(f"      locks, counts, inserts (w/o mail)     "
          f"{both(t['register_s'] - t['notify_s'], t['register_cpu'] - t['notify_cpu'])}  "
          f"(SQL {(t['sql_in_register_s'] - t['sql_in_notify_s']) / n * 1000:.2f} ms wall)")
    print(f"      notifications.registered (the mail)   {both(t['notify_s'], t['notify_cpu'])}  "
          f"(SQL {t['sql_in_notify_s'] / n * 1000:.2f} ms wall)")
    print(f"    commit (and the page-cache bump)        {both(t['commit_s'], t['commit_cpu'])}")
    print(f"    the rest (routing, form, CSRF, event    "
          f"{both(t['request_s'] - t['register_s'] - t['commit_s'], t['request_cpu'] - t['register_cpu'] - t['commit_cpu'])}")
    print("     lookup with its page's relations, flash, redirect)")
    print(f"  SQL: {totals['sql_count'] / n:.1f} statements, {ms('sql_s'):.2f} ms per registration; "
          "the most expensive:")
    for text, (count, seconds) in sorted(statements.items(), key=lambda kv: -kv[1][1])[:20]:
        print(f"    {seconds / n * 1000:6.2f} ms  x{count / n:4.2f}  {text}")


def print_report(run, args, info, result, checks, cpu) -> None:
    rate = result["ok"] / result["elapsed"] if result["elapsed"] > 0 else float("nan")
    errors = sum(v for k, v in result["statuses"].items() if k != 303)
    events = checks["events"]
    sessions = [e for e in events if e["session"]]
    overbooked = sum(1 for e in events if e["overbooked"])
    wrong = sum(1 for e in events if e["wrong_split"])
    mail_problems = (checks["not_one_message"] + checks["wrong_kind"] + checks["picks_with_mail"]
                     + checks["orphan_messages"])
    met = (rate >= TARGET_PER_SECOND and overbooked == 0 and errors == 0 and wrong == 0
           and mail_problems == 0)

    print(f"\nRegistration benchmark ({run.database.kind}, {len(events) - len(sessions)} events + "
          f"{len(sessions)} sessions, {WORKERS} sync gunicorn workers, {args.clients} clients, CSRF on)")
    header = ("registrations", "seconds", "registrations/s", "p50 ms", "p99 ms", "not 303",
              "overbooked", "target", "")
    row = (f"{result['ok']:,}", f"{result['elapsed']:.2f}", f"{rate:,.0f}", f"{result['p50_ms']:.1f}",
           f"{result['p99_ms']:.1f}", f"{errors}", f"{overbooked}",
           f">= {TARGET_PER_SECOND}/s, 0 overbooked", "met" if met else "NOT MET")
    widths = [max(len(a), len(b)) for a, b in zip(header, row)]
    aligns = [">", ">", ">", ">", ">", ">", ">", "<", "<"]
    for cells in (header, ["-" * w for w in widths], row):
        print("  ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, aligns, widths)).rstrip())
    if args.clients != TARGET_CLIENTS:
        print(f"  (the target is for {TARGET_CLIENTS} clients; this run had {args.clients})")
    print(f"  latency: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms "
          "(one POST on a new connection, until the 303 is read)")
    print("  responses: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(result["statuses"].items(), key=str)))
    for failure in result["failures"]:
        print(f"    ! {failure}")

    def line(label, rows):
        capacity = sum(e["capacity"] or 0 for e in rows)
        print(f"  {label:<38} capacity {capacity:5,}  confirmed {sum(e['confirmed'] for e in rows):5,}  "
              f"waitlisted {sum(e['waitlisted'] for e in rows):5,}  "
              f"overbooked {sum(1 for e in rows if e['overbooked'])}  "
              f"confirmed != min(capacity, active) {sum(1 for e in rows if e['wrong_split'])}")

    print(f"  database afterwards ({checks['registrations']:,} registrations incl. {args.warmup} warm-up, "
          f"{checks['picks']:,} session picks, {checks['messages']:,} outbox messages):")
    line(f"{WORKSHOPS} workshops", [e for e in events if e["slug"].startswith("bench-workshop-")])
    line("the community meeting", [e for e in events if e["slug"] == info["meeting"]])
    for e in sessions:
        line(f"  session {e['slug']}", [e])
    expected = result["ok"] + args.warmup
    if checks["registrations"] != expected:
        print(f"  ! {checks['registrations']:,} registrations in the database, {expected:,} 303s")
    print(f"  outbox: registrations without exactly one message {checks['not_one_message']}, "
          f"of the wrong kind {checks['wrong_kind']}, session picks with a message of their own "
          f"{checks['picks_with_mail']}, messages for no registration {checks['orphan_messages']}")
    if overbooked or wrong or mail_problems:
        for e in events:
            if e["overbooked"] or e["wrong_split"]:
                print(f"  ! {e['slug']}: capacity {e['capacity']}, confirmed {e['confirmed']}, "
                      f"waitlisted {e['waitlisted']}")
    seconds = result["elapsed"]
    parts = [f"gunicorn workers {cpu['workers']:.1f} s", f"clients (this process) {cpu['self']:.1f} s"]
    if cpu["backends"] is not None:
        parts.append(f"PostgreSQL backends {cpu['backends']:.1f} s")
    print(f"  CPU during the run: {', '.join(parts)} (of {seconds * (os.cpu_count() or 1):.1f} "
          f"CPU-seconds on {os.cpu_count()} CPUs); per registration: workers "
          f"{cpu['workers'] / max(result['ok'], 1) * 1000:.1f} ms"
          + (f", PostgreSQL {cpu['backends'] / max(result['ok'], 1) * 1000:.1f} ms"
             if cpu["backends"] is not None else ""))
    worker_ms = cpu["workers"] / max(result["ok"], 1) * 1000
    print(f"  worker CPU per registration {worker_ms:.1f} ms; target <= {TARGET_WORKER_CPU_MS:g} ms: "
          + ("met" if worker_ms <= TARGET_WORKER_CPU_MS else "NOT MET"))
    if cpu["others"] is not None:
        print(f"CPU used by other processes on this machine during the run: {cpu['others']:.0%}")
        if cpu["others"] > 0.10:
            print("  ! other processes took more than 10% of the CPU: the figure is low; "
                  "run again on a quiet machine.")
    print(f"target: >= {TARGET_PER_SECOND} registrations/s with {TARGET_CLIENTS} clients and 0 overbooked "
          f"(and every response a 303, every split right, one message each): {'met' if met else 'NOT MET'}")


# --------------------------------------------------------------------------
# Options and the run
# --------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Registrations/s over HTTP (gunicorn, 2 sync workers, CSRF on) by N client "
                    "threads, with the confirmed/waitlisted counts checked against capacity."
    )
    parser.add_argument("--clients", type=int, default=TARGET_CLIENTS,
                        help=f"client threads, each one request at a time (default {TARGET_CLIENTS})")
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--registrations", type=int, default=None,
                        help="registrations to make in the measured run (default 3000)")
    amount.add_argument("--seconds", type=float, default=None,
                        help="instead of a number: register for this many seconds")
    parser.add_argument("--warmup", type=int, default=50,
                        help="registrations before the measured run, not timed but checked (default 50)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server to create the throw-away database on "
                             "(default: $BENCH_DATABASE_URL; neither: SQLite)")
    parser.add_argument("--seed", type=int, default=1, help="who registers for what (default 1)")
    parser.add_argument("--breakdown", action="store_true",
                        help="the workers time services.register, the mail, the commit and the SQL, "
                             "and the script prints where a registration's time goes")
    parser.add_argument("--profile", action="store_true",
                        help="as --breakdown, and run every registration request under cProfile "
                             "(the figures drop accordingly); prints the time by area and top functions")
    parser.add_argument("--top", type=int, default=25, help="functions listed with --profile (default 25)")
    add_keep_option(parser)
    args = parser.parse_args(argv)
    if args.registrations is None and args.seconds is None:
        args.registrations = 3000
    if args.clients < 1 or (args.registrations is not None and args.registrations < 1) or args.warmup < 0:
        parser.error("--clients and --registrations must be at least 1, --warmup at least 0")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url  # what run_benchmark reads

    def benchmark(run):
        from urllib.parse import urlsplit

        from events_app.timeutil import now_utc

        t0 = time.monotonic()
        info = build_database(make_app(run.database.url), now_utc())
        print(f"content: {WORKSHOPS} workshops of {WORKSHOP_CAPACITY} places, a community meeting of "
              f"{MEETING_CAPACITY} places with 4 sessions of {SESSION_CAPACITY} in 2 slots "
              f"({time.monotonic() - t0:.1f} s to migrate and seed)")

        extra_env = {}
        if args.breakdown or args.profile:
            extra_env["BENCH_REGISTRATION_STATS"] = str(run.workdir)
        if args.profile:
            extra_env["BENCH_REGISTRATION_PROFILE"] = "1"
        run.server = RegistrationGunicorn(run.database.url, run.workdir, extra_env)
        run.server.wait_ready()
        import gunicorn

        print(f"server: gunicorn {gunicorn.__version__}, {WORKERS} sync workers, {run.server.base}, "
              "RATELIMIT_ENABLED=0, CSRF on"
              + (", workers instrumented (--breakdown)" if args.breakdown and not args.profile else "")
              + (", workers under cProfile (--profile)" if args.profile else ""))

        parts = urlsplit(run.server.base)
        slugs = [*info["workshops"], info["meeting"]]
        clients = [Client(parts.hostname, parts.port, slugs[i % len(slugs)]) for i in range(args.clients)]
        tag = f"{os.getpid()}"
        plan = Plan(info, args.seed, tag)
        amount = (f"{args.registrations:,} registrations" if args.registrations is not None
                  else f"{args.seconds:g} s")
        print(f"load: {args.clients} client threads (http.client, a new connection per request, "
              f"their own session cookie and CSRF token); {args.warmup} warm-up registrations, then "
              f"{amount}; {os.cpu_count()} CPUs, Python {platform.python_version()}")

        if args.warmup:
            warm = drive(parts.hostname, parts.port, plan, clients, 0, args.warmup, None)
            bad = {k: v for k, v in warm["statuses"].items() if k != 303}
            if bad:
                raise RuntimeError(f"warm-up registrations answered {bad}; not measuring errors: "
                                   f"{warm['failures']}\n--- gunicorn log ---\n{run.server.log_tail()}")

        backends = run.database.backend_pids() if run.database.kind == "postgresql" else []
        worker_pids = run.server.worker_pids()
        watch = CpuWatch(run.server.process.pid, run.database.backend_pids)
        ticks0 = {pid: CpuWatch._ticks(pid) for pid in [*worker_pids, *backends]}
        own0 = CpuWatch._own_seconds()
        watch.start()
        result = drive(parts.hostname, parts.port, plan, clients, args.warmup, args.registrations, args.seconds)
        others = watch.stop()
        own1 = CpuWatch._own_seconds()
        backends_after = set(run.database.backend_pids()) if backends else set()
        ticks1 = {pid: CpuWatch._ticks(pid) for pid in ticks0}
        tick = watch.tick

        def cpu(pids):
            return sum((ticks1[p] or ticks0[p]) - ticks0[p] for p in pids if ticks0[p] is not None) / tick

        if backends and backends_after - set(backends):
            print(f"  (PostgreSQL connections opened during the run are not in its CPU figure: "
                  f"{len(backends_after - set(backends))})")
        cpu_figures = {"workers": cpu(worker_pids), "backends": cpu(backends) if backends else None,
                       "self": own1 - own0, "others": others}

        checks = check_database(make_app(run.database.url))
        print_report(run, args, info, result, checks, cpu_figures)
        if args.breakdown or args.profile:
            print_breakdown(run.workdir)
        if args.profile:
            print("  (the workers ran under cProfile: the figures above are lower than without --profile)")
            print_profile(sorted(run.workdir.glob("registration-*.prof")), args.top, AREAS,
                          "the registration requests in the workers")

    return run_benchmark("bench-registration-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
