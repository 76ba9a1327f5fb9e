#!/usr/bin/env python3
"""Reminder benchmark: 10,000 reminders due at once, planned and sent by two workers.

A benchmark, not a test: it prints figures and exits 0 whether or not the
target is met (non-zero only when it could not measure).

1. Builds a fresh database (a SQLite file in a temporary folder, or, with
   BENCH_DATABASE_URL or --database-url, a new PostgreSQL database on that
   server, dropped at the end) from the migrations, with the demo content;
   then inserts in bulk --events published events (no capacity, a demo
   venue, themes and recommendations) starting 1 h to 1 h 55 after `now`,
   and --registrations confirmed registrations spread over them, seated
   three days before. With REMINDER_OFFSETS="2h", exactly one slot (2 hours
   before) is due at `now` for every registration. The outbox is empty.
2. Starts a real SMTP server (aiosmtpd, `reminders_smtp_server.py`) in its
   own process; it counts Message-IDs and envelope recipients.
3. Starts --workers processes, each with its own app (MAIL_SERVER pointing
   at that server); once all are ready they run at the same time what
   `flask mail send-due --now <now>` runs (`plan_due`, then `deliver_due`
   until a batch comes back short), again and again, until nothing is
   pending in the outbox and no reminder is due (`reminders.services.status`).
4. Prints reminders/s from the start until the SMTP server had received the
   last one, the total time, planning and delivery time per worker, and the
   duplicates and misses counted at the SMTP server (by recipient and by
   Message-ID; both must be 0), then checks the database: one reminder_send
   row per registration, unique, each with its sent outbox message.

    .venv/bin/python bench/reminders.py [--registrations 10000] [--events 50] [--workers 2] [--profile] [--keep]
    .venv/bin/python bench/reminders.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""
from __future__ import annotations

import argparse
import base64
import email
import email.policy
import multiprocessing
import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import CpuWatch, add_keep_option, print_columns, print_profile, run_benchmark  # noqa: E402
from mail import FIRST, LAST, SMTPServerProcess, _ascii, _next_result  # noqa: E402

TARGET_PER_SECOND = 300
SENDER = "LMLIP Community Events <events@lmlip.example.org>"
OFFSETS = "2h"  # REMINDER_OFFSETS of every app here: one slot, 120 minutes before
SLOT_MINUTES = 120


# --------------------------------------------------------------------------
# The app the benchmark runs (setup and every worker)
# --------------------------------------------------------------------------

def bench_app(database_url: str, smtp_port: int | None = None):
    """The real app on the benchmark's database; with `smtp_port`, sending to that server."""
    from config import Config
    from events_app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                "MAIL_DEFAULT_SENDER": SENDER, "SITE_URL": "https://events.lmlip.example.org",
                "REMINDER_OFFSETS": OFFSETS}
    if smtp_port is not None:
        settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_USE_TLS=False,
                        MAIL_USERNAME=None, MAIL_PASSWORD=None, MAIL_SUPPRESS_SEND=False,
                        MAIL_TIMEOUT=30)
    return create_app(type("BenchRemindersConfig", (Config,), settings))


# --------------------------------------------------------------------------
# The database: events starting soon, confirmed registrations, nothing sent
# --------------------------------------------------------------------------

TOPICS = [
    ("ESL Conversation Circle", "Cercle de conversation en anglais"),
    ("Résumé Clinic", "Atelier de CV"),
    ("Finding a Family Doctor", "Trouver un médecin de famille"),
    ("Know Your Rights at Work", "Vos droits au travail"),
    ("Tax Clinic for Newcomers", "Aide aux impôts pour les nouveaux arrivants"),
    ("Citizenship Test Study Group", None),
    ("Navigating Ontario Schools", "Comprendre les écoles de l'Ontario"),
    ("Family Law Basics", None),
    ("Mental Health First Aid", "Premiers soins en santé mentale"),
    ("Credential Recognition", "Reconnaissance des diplômes"),
]


def build_database(app, now, registrations: int, events: int) -> dict:
    """Migrate, seed the demo, insert the events and registrations in bulk; check what is due."""
    import logging
    import random
    import secrets
    from datetime import timedelta

    from flask_migrate import upgrade
    from sqlalchemy import delete, func, insert, select

    from events_app.councils.models import Recommendation, Theme
    from events_app.demo import seed_demo
    from events_app.events.models import Event, Venue, event_recommendations, event_themes
    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage
    from events_app.registrations.links import new_link_id
    from events_app.registrations.models import Registration
    from events_app.reminders.models import ReminderSend
    from events_app.reminders.services import status

    rng = random.Random(5)
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        seed_demo(now)
        db.session.commit()
        venue_ids = list(db.session.scalars(select(Venue.id).order_by(Venue.id)))
        theme_ids = list(db.session.scalars(select(Theme.id)))
        rec_ids = list(db.session.scalars(select(Recommendation.id)))

        event_rows, links = [], []
        for n in range(events):
            title, title_fr = TOPICS[n % len(TOPICS)]
            # 1 h to 1 h 55 from now: the 2-hour slot came 5 to 60 minutes ago.
            start = now + timedelta(minutes=60 + 5 * (n % 12))
            online = n % 10 == 9
            event_rows.append({
                "slug": f"bench-reminders-{n + 1:03d}", "kind": "workshop",
                "title": f"{title} ({n + 1})", "title_fr": f"{title_fr} ({n + 1})" if title_fr else None,
                "summary": "A hands-on workshop with a settlement worker. Free.", "summary_fr": None,
                "description": "Bring your questions.\n\n* Free\n* Light refreshments",
                "start_dt": start, "end_dt": start + timedelta(minutes=90),
                "venue_id": None if online else venue_ids[n % len(venue_ids)],
                "online_url": f"https://meet.example.org/lmlip-{n}" if online else None,
                "council_id": None, "presenter": None, "languages": ["en", "fr"],
                "accessibility_notes": "Seating near the front on request." if n % 3 == 0 else "",
                "interpretation_notes": "Interpretation on request when you register." if n % 2 else "",
                "childcare_notes": "", "capacity": None, "reminder_offsets": None,
                "status": "published", "parent_id": None, "uid": secrets.token_hex(16), "sequence": 0,
                "created_dt": now - timedelta(days=30), "updated_dt": now - timedelta(days=30),
            })
            links.append((rng.sample(theme_ids, k=min(2, len(theme_ids))),
                          rng.sample(rec_ids, k=min(rng.randint(0, 3), len(rec_ids)))))
        table = Event.__table__
        event_ids = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), event_rows
        ).scalars().all()
        theme_rows = [{"event_id": e, "theme_id": t} for e, (ts, _) in zip(event_ids, links) for t in ts]
        rec_rows = [{"event_id": e, "recommendation_id": r} for e, (_, rs) in zip(event_ids, links) for r in rs]
        if theme_rows:
            db.session.execute(insert(event_themes), theme_rows)
        if rec_rows:
            db.session.execute(insert(event_recommendations), rec_rows)

        seated = now - timedelta(days=3)
        rows = []
        for n in range(registrations):
            first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
            address = f"{_ascii(first)}.{_ascii(last)}.{n}@example.org"
            at = seated + timedelta(seconds=n)
            rows.append({
                "event_id": event_ids[n % len(event_ids)], "parent_registration_id": None,
                "name": f"{first} {last}", "email": address, "email_key": address.lower(),
                "phone": None, "preferred_language": "fr" if n % 3 == 2 else "en",
                "interpretation_language": "Arabic" if n % 7 == 0 else None,
                "accessibility_needs": "Step-free access, please." if n % 11 == 0 else None,
                "childcare_needs": None, "consent_dt": at, "status": "confirmed",
                "registered_dt": at, "status_changed_dt": at, "cancelled_dt": None,
                "erased_dt": None, "attended_dt": None, "link_id": new_link_id(),
            })
        for i in range(0, len(rows), 2000):
            db.session.execute(insert(Registration.__table__), rows[i:i + 2000])
        # Only reminders are measured: nothing else may be waiting.
        db.session.execute(delete(ReminderSend))
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        due = status(db.session, now).due
        outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        emails = sorted(db.session.scalars(select(Registration.email_key)))
        db.session.remove()
        db.engine.dispose()
    if due != registrations:
        raise RuntimeError(f"{due} reminders due at {now:%Y-%m-%d %H:%M}Z, {registrations} expected")
    if outbox:
        raise RuntimeError(f"{outbox} messages in the outbox before the run; 0 expected")
    return {"due": due, "events": len(event_ids), "emails": emails,
            "recommendations": len(rec_rows), "themes": len(theme_rows)}


def check_database(database_url: str) -> dict:
    """What the workers left: reminder_send rows, their outbox messages, the outbox by status."""
    from sqlalchemy import distinct, func, select

    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage
    from events_app.registrations.models import Registration
    from events_app.reminders.models import ReminderSend

    app = bench_app(database_url)
    with app.app_context():
        s = db.session
        rows = s.scalar(select(func.count()).select_from(ReminderSend))
        pairs = s.scalar(select(func.count()).select_from(
            select(ReminderSend.registration_id, ReminderSend.key).distinct().subquery()))
        keys = dict(s.execute(select(ReminderSend.key, func.count()).group_by(ReminderSend.key)).all())
        with_message = s.scalar(
            select(func.count()).select_from(ReminderSend)
            .join(OutboxMessage, OutboxMessage.id == ReminderSend.outbox_message_id))
        sent_messages = s.scalar(
            select(func.count()).select_from(ReminderSend)
            .join(OutboxMessage, OutboxMessage.id == ReminderSend.outbox_message_id)
            .where(OutboxMessage.status == "sent", OutboxMessage.kind == "reminder",
                   OutboxMessage.registration_id == ReminderSend.registration_id))
        message_ids = s.scalar(select(func.count(distinct(ReminderSend.outbox_message_id))))
        unreminded = s.scalar(
            select(func.count()).select_from(Registration)
            .where(~select(ReminderSend.id).where(ReminderSend.registration_id == Registration.id).exists()))
        outbox = {f"{kind} {state}": count for kind, state, count in s.execute(
            select(OutboxMessage.kind, OutboxMessage.status, func.count())
            .group_by(OutboxMessage.kind, OutboxMessage.status)).all()}
        reminder_outbox_ids = list(s.scalars(
            select(ReminderSend.outbox_message_id).where(ReminderSend.outbox_message_id.is_not(None))))
        s.remove()
        db.engine.dispose()
    return {"rows": rows, "pairs": pairs, "keys": keys, "with_message": with_message,
            "sent_messages": sent_messages, "message_ids": message_ids, "unreminded": unreminded,
            "outbox": outbox, "outbox_ids": reminder_outbox_ids}


# --------------------------------------------------------------------------
# The SMTP server, in its own process
# --------------------------------------------------------------------------

class RemindersSMTPServer(SMTPServerProcess):
    """`mail.py`'s server process, running `reminders_smtp_server.py` (also counts recipients)."""

    def __init__(self, workdir: Path):
        import subprocess

        self.log_path = workdir / "smtp-server.log"
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "reminders_smtp_server.py")],
            stdout=subprocess.PIPE, stderr=self._log, start_new_session=True,
        )
        line = self.process.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the SMTP server did not start ({line!r}):\n{self.log_tail()}")
        self.port = int(line.split()[1])


# --------------------------------------------------------------------------
# The workers: each its own process and its own app
# --------------------------------------------------------------------------

MAX_ROUNDS = 10_000


def worker_main(index: int, database_url: str, smtp_port: int, now_iso: str, batch_size: int,
                plan_batch_size: int, results, go, release, profile_path: str | None) -> None:
    """`flask mail send-due --now <now>` again and again until nothing is left; reports to `results`.

    Keeps its database connection open until `release` is set, so that the
    parent can read the CPU of its PostgreSQL backend before it goes away.
    """
    try:
        from datetime import datetime

        from sqlalchemy import text

        from events_app.extensions import db
        from events_app.mail.services import deliver_due, pending_count
        from events_app.reminders.services import plan_due
        from events_app.reminders.services import status as reminder_status

        now = datetime.fromisoformat(now_iso)
        app = bench_app(database_url, smtp_port)
        with app.app_context():
            db.session.execute(text("SELECT 1"))  # connect now, not on the clock
            db.session.commit()
            results.put(("ready", index, os.getpid()))
            go.wait()
            totals = {"planned": 0, "sent": 0, "deferred": 0, "failed": 0, "batches": 0, "rounds": 0,
                      "idle_rounds": 0, "plan_s": 0.0, "plan_cpu": 0.0, "deliver_s": 0.0,
                      "deliver_cpu": 0.0, "check_s": 0.0, "last_planned_at": None, "errors": []}
            began, cpu0 = time.time(), time.process_time()
            profiler = None
            if profile_path:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            while totals["rounds"] < MAX_ROUNDS:
                totals["rounds"] += 1
                # --- what `flask mail send-due --now <now>` runs (mail/cli.py) ---
                t, c = time.perf_counter(), time.process_time()
                try:
                    planned = plan_due(db.session, now, batch_size=plan_batch_size).reminders
                except Exception:  # noqa: BLE001 - the command logs it and delivers anyway
                    db.session.rollback()
                    planned = 0
                    totals["errors"].append("plan_due: " + traceback.format_exc(limit=3))
                totals["plan_s"] += time.perf_counter() - t
                totals["plan_cpu"] += time.process_time() - c
                if planned:
                    totals["planned"] += planned
                    totals["last_planned_at"] = time.time()
                t, c = time.perf_counter(), time.process_time()
                sent_this_round = 0
                while True:
                    report = deliver_due(db.session, now, batch_size=batch_size)
                    totals["batches"] += 1
                    totals["sent"] += report.sent
                    sent_this_round += report.sent
                    totals["deferred"] += report.deferred
                    totals["failed"] += report.failed
                    totals["errors"] += report.errors[:3]
                    if report.attempted < batch_size or report.deferred:
                        break
                totals["deliver_s"] += time.perf_counter() - t
                totals["deliver_cpu"] += time.process_time() - c
                # --- until nothing is pending and nothing more is due ---
                t = time.perf_counter()
                finished = (pending_count(db.session) == 0
                            and reminder_status(db.session, now).due == 0)
                db.session.commit()
                totals["check_s"] += time.perf_counter() - t
                if finished or totals["deferred"] or len(totals["errors"]) > 20:
                    break
                if not planned and not sent_this_round:
                    totals["idle_rounds"] += 1  # the other worker holds what is left
                    time.sleep(0.02)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile_path)
            totals.update(began=began, ended=time.time(), cpu=time.process_time() - cpu0)
            results.put(("done", index, totals))
            release.wait(120)
            db.session.remove()
            db.engine.dispose()
    except BaseException:  # noqa: BLE001 - report it to the parent, whatever it is
        results.put(("error", index, traceback.format_exc()))


def run_workers(run, smtp: RemindersSMTPServer, args, now) -> dict:
    """Start the workers, wait until each is ready, let them go, time them."""
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited engine or socket
    results, go, release = ctx.Queue(), ctx.Event(), ctx.Event()
    workers = []
    for index in range(args.workers):
        profile_path = str(run.workdir / f"reminders-worker-{index}.prof") \
            if args.profile and index == 0 else None
        process = ctx.Process(
            target=worker_main, name=f"reminders-worker-{index}",
            args=(index, run.database.url, smtp.port, now.isoformat(), args.batch_size,
                  args.plan_batch_size, results, go, release, profile_path),
        )
        process.start()
        workers.append(process)
    try:
        pids = {}
        while len(pids) < args.workers:
            kind, index, value = _next_result(results, workers)
            if kind == "error":
                raise RuntimeError(f"worker {index} failed while starting:\n{value}")
            pids[index] = value

        backends = run.database.backend_pids() if run.database.kind == "postgresql" else []
        watch = CpuWatch(smtp.process.pid, lambda: list(pids.values()) + backends)
        ticks0 = {pid: CpuWatch._ticks(pid) for pid in [smtp.process.pid, *backends]}
        watch.start()
        started = time.time()
        go.set()
        done = {}
        while len(done) < args.workers:
            kind, index, value = _next_result(results, workers, timeout=1800)
            if kind == "error":
                raise RuntimeError(f"worker {index} failed:\n{value}")
            done[index] = value
        others = watch.stop()
        ticks1 = {pid: CpuWatch._ticks(pid) for pid in ticks0}
        release.set()
        for process in workers:
            process.join(30)
    finally:
        release.set()
        for process in workers:  # only our own children, by their handle
            if process.is_alive():
                process.terminate()
                process.join(10)
    tick = watch.tick

    def cpu(pids_):
        return sum((ticks1[p] or 0) - (ticks0[p] or 0) for p in pids_ if ticks0[p] is not None) / tick

    return {
        "started": started,
        "workers_done": max(w["ended"] for w in done.values()),
        "workers": [done[i] for i in sorted(done)],
        "others_cpu": others,
        "smtp_cpu": cpu([smtp.process.pid]),
        "backend_cpu": cpu(backends) if backends else None,
    }


# --------------------------------------------------------------------------
# Checking what the server received
# --------------------------------------------------------------------------

_OUTBOX_ID = re.compile(r"<outbox\.(\d+)\.")


def count_received(received: dict, emails: list[str], outbox_ids: list[int]) -> dict:
    rcpts = received["rcpts"]
    expected = set(emails)
    by_id: dict[int, int] = {}
    for message_id, count in received["message_ids"].items():
        match = _OUTBOX_ID.match(message_id)
        if match:
            by_id[int(match.group(1))] = by_id.get(int(match.group(1)), 0) + count
    return {
        "received": received["received"],
        "rcpt_duplicates": sum(c - 1 for c in rcpts.values() if c > 1),
        "rcpt_misses": sum(1 for e in expected if e not in rcpts),
        "rcpt_unexpected": sum(c for r, c in rcpts.items() if r not in expected),
        "id_duplicates": sum(c - 1 for c in received["message_ids"].values() if c > 1),
        "id_misses": sum(1 for i in outbox_ids if i not in by_id),
        "distinct_ids": len(received["message_ids"]),
        "distinct_rcpts": len(rcpts),
        "subjects": received.get("subjects", {}),
        "avg_bytes": received["bytes"] / max(received["received"], 1),
    }


def check_sample(raw: bytes) -> str:
    """The received message's structure, or an error if it is not a reminder's."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    alternative = next((p for p in parsed.walk() if p.get_content_type() == "multipart/alternative"), None)
    kinds = [p.get_content_type() for p in alternative.iter_parts()] if alternative else []
    files = [(p.get_filename(), p.get_content_type()) for p in parsed.iter_attachments()]
    shape = (f"{parsed.get_content_type()} [alternative: {', '.join(kinds)}; files: "
             f"{', '.join(f'{n} ({t})' for n, t in files)}], Subject: {parsed['Subject']}")
    if kinds != ["text/plain", "text/html"] or not any((n or "").endswith(".ics") for n, _ in files):
        raise RuntimeError(f"the received message is not shaped like a reminder: {shape}")
    return shape


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def print_result_table(rows: list[tuple]) -> None:
    print_columns(("reminders", "workers", "database", "seconds", "reminders/s", "duplicates", "misses",
                   "target", ""), [">", ">", "<", ">", ">", ">", ">", "<", "<"], rows)


AREAS = [
    # (label, substrings of "file:function"; the first match wins)
    ("database driver (psycopg/sqlite3)", ("psycopg", "sqlite3")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("Jinja2 (templates/email/*)", ("/jinja2/", "<template>", "templates/")),
    ("Babel / flask_babel (dates, translations)", ("/babel/", "/flask_babel/", "gettext")),
    ("icalendar (the .ics files)", ("/icalendar/", "/ical/")),
    ("email package (composing, serialising MIME)", ("/email/", "quopri", "base64", "binascii")),
    ("smtplib and sockets (sending, waiting for the server)", ("smtplib", "socket", "ssl.py", "selectors")),
    ("links (itsdangerous, hmac, hashlib)", ("itsdangerous", "hmac", "hashlib", "links.py")),
    ("markupsafe / markdown", ("markupsafe", "markdown", "bleach", "nh3")),
    ("JSON", ("/json/",)),
    ("zoneinfo / datetime", ("zoneinfo", "datetime", "timeutil")),
    ("app code (events_app)", ("/events_app/",)),
    ("Flask / Werkzeug (url_for, contexts)", ("/flask/", "/flask_mail", "/flask_sqlalchemy/", "/werkzeug/")),
]


def report(run, args, info, timing, received, db_check, now) -> None:
    counts = count_received(received, info["emails"], db_check["outbox_ids"])
    shape = check_sample(base64.b64decode(received["sample"])) if received["sample"] else "(none)"
    started = timing["started"]
    last_received = received.get("last_at") or timing["workers_done"]
    end_to_end = max(last_received, started) - started
    workers_seconds = timing["workers_done"] - started
    rate = args.registrations / end_to_end if end_to_end > 0 else float("nan")
    duplicates = max(counts["rcpt_duplicates"], counts["id_duplicates"])
    misses = max(counts["rcpt_misses"], counts["id_misses"])
    workers = timing["workers"]
    planned_at = [w["last_planned_at"] for w in workers if w["last_planned_at"]]
    cpus = os.cpu_count() or 1

    print(f"\nReminder benchmark ({run.database.kind}, {args.registrations:,} registrations due at once "
          f"on {info['events']} events, {args.workers} worker processes each running "
          f"`flask mail send-due --now {now:%Y-%m-%dT%H:%M}Z` until done; "
          f"{counts['avg_bytes'] / 1024:.1f} KB a reminder on the wire)")
    verdict = "met" if rate >= TARGET_PER_SECOND and duplicates == 0 and misses == 0 else "NOT MET"
    print_result_table([(
        f"{args.registrations:,}", args.workers, run.database.kind, f"{end_to_end:.2f}", f"{rate:,.0f}",
        duplicates, misses, f">= {TARGET_PER_SECOND}/s", verdict,
    )])
    print(f"  total time: {end_to_end:.2f} s from the start until the SMTP server had the last reminder "
          f"(workers done after {workers_seconds:.2f} s)"
          + (f"; every reminder written to the outbox after {max(planned_at) - started:.2f} s"
             if planned_at else ""))
    for i, w in enumerate(workers):
        print(f"  worker {i}: planned {w['planned']:,} (plan_due {w['plan_s']:.2f} s, CPU {w['plan_cpu']:.2f} s), "
              f"sent {w['sent']:,} in {w['batches']} batches (deliver_due {w['deliver_s']:.2f} s, "
              f"CPU {w['deliver_cpu']:.2f} s), checks {w['check_s']:.2f} s; {w['rounds']} rounds "
              f"({w['idle_rounds']} idle); {w['ended'] - w['began']:.2f} s, CPU {w['cpu']:.2f} s"
              + (f", deferred {w['deferred']}, failed {w['failed']}" if w["deferred"] or w["failed"] else ""))
        for error in w["errors"][:5]:
            print(f"    ! {error}")
    planned = sum(w["planned"] for w in workers)
    sent = sum(w["sent"] for w in workers)
    plan_cpu = sum(w["plan_cpu"] for w in workers)
    deliver_cpu = sum(w["deliver_cpu"] for w in workers)
    if planned and sent:
        print(f"  per reminder, worker CPU: planning {plan_cpu / planned * 1000:.2f} ms, "
              f"delivering {deliver_cpu / sent * 1000:.2f} ms")
    cpu_parts = [f"workers {sum(w['cpu'] for w in workers):.2f} s "
                 f"(planning {plan_cpu:.2f}, delivering {deliver_cpu:.2f})",
                 f"SMTP server {timing['smtp_cpu']:.2f} s"]
    if timing["backend_cpu"] is not None:
        cpu_parts.append(f"PostgreSQL backends {timing['backend_cpu']:.2f} s")
    print(f"  CPU during the run: {', '.join(cpu_parts)} "
          f"(of {workers_seconds * cpus:.2f} CPU-seconds on {cpus} CPUs)")
    print(f"  at the SMTP server: {counts['received']:,} received, {counts['distinct_rcpts']:,} distinct "
          f"recipients, {counts['distinct_ids']:,} distinct Message-IDs; duplicates by recipient "
          f"{counts['rcpt_duplicates']}, by Message-ID {counts['id_duplicates']}; misses by recipient "
          f"{counts['rcpt_misses']}, by Message-ID {counts['id_misses']}"
          + (f"; {counts['rcpt_unexpected']} to unexpected recipients" if counts["rcpt_unexpected"] else ""))
    print("  subjects' first word: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts["subjects"].items())))
    d = db_check
    db_ok = (d["rows"] == d["pairs"] == d["with_message"] == d["sent_messages"] == d["message_ids"]
             == args.registrations and d["unreminded"] == 0)
    print(f"  database: reminder_send rows {d['rows']:,} (unique (registration, key) {d['pairs']:,}; "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(d["keys"].items()))
          + f"), with an outbox message {d['with_message']:,} ({d['message_ids']:,} distinct, "
          f"{d['sent_messages']:,} sent reminders to their registrant), registrations without one "
          f"{d['unreminded']}: {'ok' if db_ok else 'WRONG'}")
    print("  outbox afterwards: " + ", ".join(f"{k} {v:,}" for k, v in sorted(d["outbox"].items()))
          + f"; workers reported {planned:,} planned, {sent:,} sent")
    print(f"  a received message: {shape}")
    if timing["others_cpu"] is not None:
        print(f"CPU used by other processes on this machine during the run: {timing['others_cpu']:.0%}")
        if timing["others_cpu"] > 0.10:
            print("  ! other processes took more than 10% of the CPU: the figure is low; "
                  "run again on a quiet machine.")
    problems = []
    if duplicates:
        problems.append(f"{duplicates} reminders received more than once")
    if misses:
        problems.append(f"{misses} reminders never reached the server")
    if not db_ok:
        problems.append("the database does not hold exactly one sent reminder per registration")
    if set(d["outbox"]) != {"reminder sent"}:
        problems.append("the outbox holds something else than sent reminders")
    for problem in problems:
        print(f"  ! {problem}")


# --------------------------------------------------------------------------
# Options and the run
# --------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Reminders/s: registrations all due at once, planned (plan_due) and sent "
                    "(deliver_due) by several worker processes to a real SMTP server (aiosmtpd)."
    )
    parser.add_argument("--registrations", type=int, default=10_000,
                        help="confirmed registrations, one reminder due each (default 10000)")
    parser.add_argument("--events", type=int, default=50, help="events they are spread over (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--batch-size", type=int, default=100,
                        help="deliver_due's batch size, as `flask mail send-due --batch-size` (default 100)")
    parser.add_argument("--plan-batch-size", type=int, default=200,
                        help="plan_due's batch size (default 200, the command's)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server to create the throw-away database on "
                             "(default: $BENCH_DATABASE_URL; neither: SQLite)")
    parser.add_argument("--profile", action="store_true",
                        help="profile worker 0 with cProfile and print where its time goes")
    parser.add_argument("--top", type=int, default=30, help="functions listed with --profile (default 30)")
    add_keep_option(parser)
    args = parser.parse_args(argv)
    if min(args.registrations, args.events, args.workers, args.batch_size, args.plan_batch_size) < 1:
        parser.error("--registrations, --events, --workers and the batch sizes must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url  # what run_benchmark reads

    def benchmark(run):
        from events_app.timeutil import now_utc

        now = now_utc().replace(second=0, microsecond=0)
        t0 = time.monotonic()
        info = build_database(bench_app(run.database.url), now, args.registrations, args.events)
        print(f"database content: demo, then {info['events']} events starting 1 h to 1 h 55 after "
              f"{now:%Y-%m-%d %H:%M}Z ({info['themes']} theme and {info['recommendations']} recommendation "
              f"links) and {args.registrations:,} confirmed registrations; {info['due']:,} reminders due "
              f"(REMINDER_OFFSETS={OFFSETS}), outbox empty ({time.monotonic() - t0:.1f} s to build)")

        smtp = RemindersSMTPServer(run.workdir)
        try:
            import aiosmtpd

            print(f"SMTP server: aiosmtpd {aiosmtpd.__version__} in process {smtp.process.pid} "
                  f"on 127.0.0.1:{smtp.port}")
            print(f"workers: {args.workers} processes, each `plan_due(batch_size={args.plan_batch_size})` then "
                  f"`deliver_due(batch_size={args.batch_size})` until a batch comes back short (as "
                  f"`flask mail send-due`), again until nothing is pending or due; "
                  f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
                  + ("; worker 0 under cProfile" if args.profile else ""))
            timing = run_workers(run, smtp, args, now)
            received = smtp.finish()
        finally:
            smtp.stop()  # nothing left to do after finish(); on an error, kills it

        db_check = check_database(run.database.url)
        report(run, args, info, timing, received, db_check, now)
        if args.profile:
            print("  (worker 0 ran under cProfile: the figures above are lower than without --profile)")
            print_profile([run.workdir / "reminders-worker-0.prof"], args.top, AREAS, "worker 0")

    return run_benchmark("bench-reminders-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
