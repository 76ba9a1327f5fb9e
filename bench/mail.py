#!/usr/bin/env python3
"""Mail benchmark: how many outbox messages a second do the delivery workers send?

A benchmark, not a test: it prints figures and exits 0 whether or not the
target is met (non-zero only when it could not measure).

1. Builds a fresh database (a SQLite file in a temporary folder, or, with
   BENCH_DATABASE_URL or --database-url, a new PostgreSQL database on that
   server, dropped at the end) from the migrations, with the demo content.
2. Writes --messages outbox messages through `mail.services.enqueue`, shaped
   like registration confirmations: a text body, an HTML body of a few KB,
   the event's invitation (`build_calendar(…, method=REQUEST)` plus an attendee:
   the recipient) inline as `text/calendar; method=REQUEST` and again as an
   `invite.ics` file.
3. Starts a real SMTP server (aiosmtpd, `bench/mail_smtp_server.py`) in its
   own process on a free loopback port; it counts the Message-IDs it receives.
4. Starts --workers processes, each with its own app (MAIL_SERVER pointing at
   that server); once all are ready, they run what `flask mail send-due` runs
   (`deliver_due(session, now, batch_size=100)` until a batch comes back
   short) at the same time, until nothing is pending.
5. Prints messages, workers, seconds, messages/s against the target, and the
   duplicates and misses counted at the SMTP server (both must be 0).

    .venv/bin/python bench/mail.py [--messages 5000] [--workers 2] [--batch-size 100] [--profile] [--keep]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/mail.py
"""
from __future__ import annotations

import argparse
import base64
import email
import email.policy
import json
import multiprocessing
import os
import platform
import queue
import subprocess
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import CpuWatch, add_keep_option, print_columns, print_profile, run_benchmark  # noqa: E402

TARGET_PER_SECOND = 300
SENDER = "LMLIP Community Events <events@lmlip.example.org>"
CALENDAR_TYPE = "text/calendar; method=REQUEST; charset=UTF-8"
SEQ_HEADER = "X-Bench-Seq"


# --------------------------------------------------------------------------
# The app the benchmark runs (setup and every worker)
# --------------------------------------------------------------------------

def bench_app(database_url: str, smtp_port: int | None = None):
    """The real app on the benchmark's database; with `smtp_port`, sending to that server."""
    from config import Config
    from events_app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                "MAIL_DEFAULT_SENDER": SENDER, "SITE_URL": "https://events.lmlip.example.org"}
    if smtp_port is not None:
        settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_USE_TLS=False,
                        MAIL_USERNAME=None, MAIL_PASSWORD=None, MAIL_SUPPRESS_SEND=False,
                        MAIL_TIMEOUT=30)
    return create_app(type("BenchMailConfig", (Config,), settings))


# --------------------------------------------------------------------------
# The outbox: confirmations as the registration services would write them
# --------------------------------------------------------------------------

FIRST = ["Amina", "Jean", "Mohammed", "Fatima", "Olena", "Carlos", "Priya", "Wei", "Grace", "Yusuf",
         "Marie", "Ahmed", "Sofia", "Daniel", "Leila", "Nguyen", "Hana", "Kwame", "Elena", "Omar"]
LAST = ["Haddad", "Tremblay", "Rahman", "Kovalenko", "Mendoza", "Sharma", "Zhang", "Mensah",
        "Gagnon", "Okafor", "Nasser", "Roy", "Petrov", "Ali", "Côté", "Osei", "Singh", "Dubois"]

TEXT = {
    "en": """Hello {name},

You are registered for {title}.

When: {when}
Where: {where}
{address}

Your place is kept for you. The invitation attached to this message adds the
event to your calendar (Outlook, Google Calendar, Apple Calendar); if the time
or place changes, we will write to you and the invitation will update itself.

Interpretation, childcare and accessibility: {access}

Cannot come after all? Please let us know, so that someone on the waiting
list can have your place:
{cancel_url}

Event page: {event_url}

London & Middlesex Local Immigration Partnership
""",
    "fr": """Bonjour {name},

Votre inscription à {title} est confirmée.

Quand : {when}
Où : {where}
{address}

Votre place vous est réservée. L'invitation jointe à ce message ajoute
l'événement à votre calendrier (Outlook, Google Agenda, Apple Calendrier) ; si
l'heure ou le lieu changent, nous vous écrirons et l'invitation se mettra à jour.

Interprétation, garde d'enfants et accessibilité : {access}

Vous ne pouvez plus venir ? Dites-le-nous, pour qu'une personne de la liste
d'attente puisse prendre votre place :
{cancel_url}

Page de l'événement : {event_url}

Partenariat local en matière d'immigration de London et Middlesex
""",
}

SUBJECT = {"en": "You are registered: {title}", "fr": "Inscription confirmée : {title}"}

HTML = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{subject}</title>
<style>
  body {{ margin: 0; padding: 0; background: #f4f4f2; font-family: Arial, Helvetica, sans-serif; color: #1f1f1f; }}
  .wrap {{ max-width: 600px; margin: 0 auto; background: #ffffff; }}
  .band {{ background: #00546b; color: #ffffff; padding: 20px 28px; font-size: 18px; font-weight: bold; }}
  .body {{ padding: 24px 28px; font-size: 16px; line-height: 1.5; }}
  .facts td {{ padding: 4px 12px 4px 0; vertical-align: top; }}
  .facts th {{ padding: 4px 12px 4px 0; text-align: left; vertical-align: top; white-space: nowrap; }}
  .button {{ display: inline-block; background: #00546b; color: #ffffff !important; padding: 12px 20px;
             text-decoration: none; border-radius: 4px; font-weight: bold; }}
  .note {{ background: #eef6f8; border-left: 4px solid #00546b; padding: 12px 16px; margin: 20px 0; }}
  .foot {{ padding: 16px 28px 28px; font-size: 13px; color: #555555; }}
  a {{ color: #00546b; }}
</style>
</head>
<body>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td>
<div class="wrap">
  <div class="band">{org}</div>
  <div class="body">
    <p>{hello}</p>
    <p>{lead} <strong>{title}</strong>.</p>
    <table role="presentation" class="facts" cellpadding="0" cellspacing="0" border="0">
      <tr><th scope="row">{when_label}</th><td>{when}</td></tr>
      <tr><th scope="row">{where_label}</th><td>{where}<br>{address}</td></tr>
      <tr><th scope="row">{access_label}</th><td>{access}</td></tr>
    </table>
    <div class="note">{calendar_note}</div>
    <p><a class="button" href="{event_url}">{event_button}</a></p>
    <p>{cancel_text} <a href="{cancel_url}">{cancel_link}</a></p>
  </div>
  <div class="foot">
    <p>{org}<br>{footer}</p>
    <p><a href="{site_url}">{site_url}</a> · <a href="{site_url}/calendar">{calendars}</a></p>
  </div>
</div>
</td></tr></table>
</body>
</html>
"""

HTML_WORDS = {
    "en": dict(
        org="London &amp; Middlesex Local Immigration Partnership", lead="You are registered for",
        when_label="When", where_label="Where", access_label="Access",
        calendar_note="The invitation attached to this message adds the event to your calendar "
                      "(Outlook, Google Calendar, Apple Calendar). If the time or the place changes, "
                      "we will write to you and the invitation will update itself.",
        event_button="See the event", cancel_text="Cannot come after all? Please let us know, so that "
        "someone on the waiting list can have your place:", cancel_link="cancel my registration",
        footer="You receive this message because you registered for an event on our site. We will only "
               "write to you about this registration.", calendars="Calendars",
    ),
    "fr": dict(
        org="Partenariat local en matière d'immigration de London et Middlesex",
        lead="Votre inscription est confirmée :",
        when_label="Quand", where_label="Où", access_label="Accessibilité",
        calendar_note="L'invitation jointe à ce message ajoute l'événement à votre calendrier (Outlook, "
                      "Google Agenda, Apple Calendrier). Si l'heure ou le lieu changent, nous vous "
                      "écrirons et l'invitation se mettra à jour.",
        event_button="Voir l'événement", cancel_text="Vous ne pouvez plus venir ? Dites-le-nous, pour "
        "qu'une personne de la liste d'attente puisse prendre votre place :",
        cancel_link="annuler mon inscription",
        footer="Vous recevez ce message parce que vous vous êtes inscrit·e à un événement sur notre site. "
               "Nous ne vous écrirons qu'au sujet de cette inscription.", calendars="Calendriers",
    ),
}


def _ascii(word: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def write_outbox(app, count: int, now) -> dict:
    """Migrate, seed the demo, then enqueue `count` confirmations; returns what was written."""
    import html as html_module
    import logging
    import secrets

    from flask_babel import force_locale
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from events_app.demo import seed_demo
    from events_app.events.models import Event, EventStatus
    from events_app.events.services import get_public_event
    from events_app.extensions import db
    from events_app.ical.builders import CalendarEvent, Method, build_calendar
    from events_app.mail.models import OutboxMessage
    from events_app.mail.services import attachment, enqueue
    from events_app.timeutil import site_zone

    with app.test_request_context("/"):
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        seed_demo(now)
        db.session.commit()
        slugs = db.session.scalars(
            select(Event.slug).where(Event.status == EventStatus.PUBLISHED, Event.start_dt > now)
            .order_by(Event.start_dt).limit(16)
        ).all()
        if not slugs:
            raise RuntimeError("the demo has no upcoming published event to confirm")
        events = [get_public_event(db.session, slug) for slug in slugs]
        calendar_events = [CalendarEvent.from_model(event) for event in events]
        site_url, zone = app.config["SITE_URL"], site_zone()
        organizer = "events@lmlip.example.org"

        sizes = {"text": 0, "html": 0, "ics": 0}
        for n in range(count):
            index = n % len(events)
            event, calendar_event = events[index], calendar_events[index]
            language = "fr" if n % 3 == 2 else "en"
            first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
            name = f"{first} {last}"
            # The display name keeps its accents (an encoded word); the address is ASCII.
            address = f"{_ascii(first)}.{_ascii(last)}.{n}@example.org"
            title = (event.title_fr if language == "fr" and event.title_fr else event.title)
            local_start = event.start_dt.astimezone(zone)
            when = f"{local_start:%A %d %B %Y, %H:%M}–{event.end_dt.astimezone(zone):%H:%M}"
            where = event.venue.name if event.venue else "Online"
            venue_address = event.venue.address if event.venue else (event.online_url or "")
            access = (event.accessibility_notes or event.interpretation_notes
                      or "Tell us what you need when you register.")
            event_url = f"{site_url}/events/{event.slug}"
            cancel_url = f"{site_url}/registrations/{secrets.token_urlsafe(24)}/cancel"
            values = dict(name=name, title=title, when=when, where=where, address=venue_address,
                          access=access, cancel_url=cancel_url, event_url=event_url)
            text = TEXT[language].format(**values)
            subject = SUBJECT[language].format(title=title)
            escaped = {k: html_module.escape(v) for k, v in values.items()}
            html = HTML.format(
                lang=language, subject=html_module.escape(subject), site_url=site_url,
                hello=("Bonjour" if language == "fr" else "Hello") + f" {escaped['name']},",
                **{k: v for k, v in escaped.items() if k != "name"}, **HTML_WORDS[language],
            )
            with force_locale(language):
                ics = build_calendar(
                    [calendar_event], site_url=site_url, zone=zone, method=Method.REQUEST,
                    organizer=organizer,
                ).decode("utf-8")
            # The attendee line, as registrations.notifications adds it.
            head, end, tail = ics.rpartition("END:VEVENT\r\n")
            ics = head + f"ATTENDEE;CN=\"{name}\";PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{address}\r\n" + end + tail
            enqueue(
                db.session, to=f"{name} <{address}>", subject=subject, text=text, html=html,
                attachments=[attachment(None, CALENDAR_TYPE, ics, inline=True),
                             attachment("invite.ics", CALENDAR_TYPE, ics)],
                headers={SEQ_HEADER: str(n)}, kind="confirmation", now=now,
            )
            sizes["text"] += len(text.encode())
            sizes["html"] += len(html.encode())
            sizes["ics"] += len(ics.encode())
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        written = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        db.session.remove()
        db.engine.dispose()
    return {"written": written, "events": len(events),
            **{k: v / max(count, 1) for k, v in sizes.items()}}


def outbox_status(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage

    app = bench_app(database_url)
    with app.app_context():
        counts = dict(db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
        db.session.remove()
        db.engine.dispose()
    return counts


# --------------------------------------------------------------------------
# The SMTP server, in its own process
# --------------------------------------------------------------------------

class SMTPServerProcess:
    """`mail_smtp_server.py`: started, read back (JSON on stdout) and always stopped."""

    def __init__(self, workdir: Path):
        self.log_path = workdir / "smtp-server.log"
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "mail_smtp_server.py")],
            stdout=subprocess.PIPE, stderr=self._log, start_new_session=True,
        )
        line = self.process.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the SMTP server did not start ({line!r}):\n{self.log_tail()}")
        self.port = int(line.split()[1])

    def finish(self) -> dict:
        """Stop the server and return what it received."""
        self.process.terminate()
        out, _ = self.process.communicate(timeout=60)
        self._log.close()
        if self.process.returncode != 0 or not out.strip():
            raise RuntimeError(f"the SMTP server exited with {self.process.returncode}:\n{self.log_tail()}")
        return json.loads(out.decode().strip().splitlines()[-1])

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:]) or "(empty log)"
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


# --------------------------------------------------------------------------
# The workers: each its own process and its own app
# --------------------------------------------------------------------------

def worker_main(index: int, database_url: str, smtp_port: int, batch_size: int,
                results, go, release, profile_path: str | None) -> None:
    """What `flask mail send-due` does, once `go` is set; reports to `results`.

    Keeps its database connection open until `release` is set, so that the
    parent can read the CPU of its PostgreSQL backend before it goes away.
    """
    try:
        from sqlalchemy import text

        from events_app.extensions import db
        from events_app.mail.services import deliver_due
        from events_app.timeutil import now_utc

        app = bench_app(database_url, smtp_port)
        with app.app_context():
            db.session.execute(text("SELECT 1"))  # connect now, not on the clock
            db.session.commit()
            results.put(("ready", index, os.getpid()))
            go.wait()
            began, cpu0 = time.monotonic(), time.process_time()
            totals = {"sent": 0, "deferred": 0, "failed": 0, "batches": 0, "errors": []}
            profiler = None
            if profile_path:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            now = now_utc()
            while True:  # as `flask mail send-due`
                report = deliver_due(db.session, now, batch_size=batch_size)
                totals["batches"] += 1
                totals["sent"] += report.sent
                totals["deferred"] += report.deferred
                totals["failed"] += report.failed
                totals["errors"] += report.errors[:3]
                if report.attempted < batch_size or report.deferred:
                    break
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile_path)
            ended = time.monotonic()
            totals.update(began=began, ended=ended, cpu=time.process_time() - cpu0)
            results.put(("done", index, totals))
            release.wait(120)
            db.session.remove()
            db.engine.dispose()
    except BaseException:  # noqa: BLE001 - report it to the parent, whatever it is
        results.put(("error", index, traceback.format_exc()))


def deliver(run, smtp: SMTPServerProcess, args, profile_dir: Path) -> dict:
    """Start the workers, wait until each is ready, let them go, time them."""
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited engine or socket
    results, go, release = ctx.Queue(), ctx.Event(), ctx.Event()
    workers = []
    for index in range(args.workers):
        profile_path = str(profile_dir / f"mail-worker-{index}.prof") if args.profile and index == 0 else None
        process = ctx.Process(
            target=worker_main, name=f"mail-worker-{index}",
            args=(index, run.database.url, smtp.port, args.batch_size, results, go, release, profile_path),
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
        started = time.monotonic()
        go.set()
        done = {}
        while len(done) < args.workers:
            kind, index, value = _next_result(results, workers)
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
        "seconds": max(w["ended"] for w in done.values()) - started,
        "workers": [done[i] for i in sorted(done)],
        "others_cpu": others,
        "smtp_cpu": cpu([smtp.process.pid]),
        "backend_cpu": cpu(backends) if backends else None,
    }


def _next_result(results, workers, timeout: float = 600):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return results.get(timeout=1)
        except queue.Empty:
            dead = [p for p in workers if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"{dead[0].name} exited with code {dead[0].exitcode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"no word from the workers in {timeout:.0f} s") from None


# --------------------------------------------------------------------------
# Checking what the server received
# --------------------------------------------------------------------------

def count_received(received: dict, expected: int) -> dict:
    seqs = {int(k): v for k, v in received["seqs"].items()}
    return {
        "received": received["received"],
        # A message that arrives twice carries the same Message-ID (stable across retries).
        "duplicates": sum(c - 1 for c in received["message_ids"].values() if c > 1),
        "misses": sum(1 for n in range(expected) if n not in seqs),
        "seq_duplicates": sum(c - 1 for c in seqs.values() if c > 1),
        "unexpected": sum(c for n, c in seqs.items() if not 0 <= n < expected),
        "distinct_ids": len(received["message_ids"]),
        "without_id": received["without_message_id"],
        "avg_bytes": received["bytes"] / max(received["received"], 1),
    }


def check_sample(raw: bytes) -> str:
    """The received message's structure, or an error if it is not a confirmation's."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    alternative = next((p for p in parsed.iter_parts()
                        if p.get_content_type() == "multipart/alternative"), None)
    kinds = [p.get_content_type() for p in alternative.iter_parts()] if alternative else []
    files = [(p.get_filename(), p.get_content_type()) for p in parsed.iter_attachments()]
    shape = f"{parsed.get_content_type()} [alternative: {', '.join(kinds)}; files: " \
            f"{', '.join(f'{n} ({t})' for n, t in files)}]"
    if kinds != ["text/plain", "text/html", "text/calendar"] or files != [("invite.ics", "text/calendar")]:
        raise RuntimeError(f"the received message is not shaped like a confirmation: {shape}")
    if alternative.get_payload()[2].get_param("method") != "REQUEST":
        raise RuntimeError("the inline calendar part has no method=REQUEST")
    return shape


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def print_result_table(rows: list[tuple]) -> None:
    print_columns(("messages", "workers", "database", "seconds", "messages/s", "duplicates", "misses",
                   "target", ""), [">", ">", "<", ">", ">", ">", ">", "<", "<"], rows)


AREAS = [
    # (label, substrings of "file:function"; the first match wins)
    ("database driver (psycopg/sqlite3)", ("psycopg", "sqlite3")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("smtplib and sockets (sending, waiting for the server)", ("smtplib", "socket", "ssl.py", "selectors")),
    ("email package (composing, serialising MIME)", ("/email/", "quopri", "base64", "binascii")),
    ("JSON", ("/json/",)),
    ("app code (events_app)", ("/events_app/",)),
    ("Flask / Flask-Mail", ("/flask/", "/flask_mail", "/flask_sqlalchemy/", "/werkzeug/")),
]


# --------------------------------------------------------------------------
# Options and the run
# --------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Messages/s of the mail outbox worker (deliver_due) in several processes, "
                    "sending confirmations to a real SMTP server (aiosmtpd) in its own process."
    )
    parser.add_argument("--messages", type=int, default=5000, help="outbox messages to send (default 5000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--batch-size", type=int, default=100,
                        help="deliver_due's batch size, as `flask mail send-due --batch-size` (default 100)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server to create the throw-away database on "
                             "(default: $BENCH_DATABASE_URL; neither: SQLite)")
    parser.add_argument("--profile", action="store_true",
                        help="profile worker 0 with cProfile and print where its time goes")
    parser.add_argument("--top", type=int, default=25, help="functions listed with --profile (default 25)")
    add_keep_option(parser)
    args = parser.parse_args(argv)
    if args.messages < 1 or args.workers < 1 or args.batch_size < 1:
        parser.error("--messages, --workers and --batch-size must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url  # what run_benchmark reads

    def benchmark(run):
        from events_app.timeutil import now_utc

        t0 = time.monotonic()
        info = write_outbox(bench_app(run.database.url), args.messages, now_utc())
        if info["written"] != args.messages:
            raise RuntimeError(f"{info['written']} messages in the outbox, {args.messages} expected")
        print(f"outbox: {info['written']:,} confirmations about {info['events']} demo events "
              f"({time.monotonic() - t0:.1f} s to migrate, seed and enqueue); per message on average "
              f"text {info['text'] / 1024:.1f} KB, HTML {info['html'] / 1024:.1f} KB, "
              f"calendar {info['ics'] / 1024:.1f} KB (inline and as invite.ics)")

        smtp = SMTPServerProcess(run.workdir)
        try:
            import aiosmtpd

            print(f"SMTP server: aiosmtpd {aiosmtpd.__version__} in process {smtp.process.pid} "
                  f"on 127.0.0.1:{smtp.port}")
            print(f"workers: {args.workers} processes, each `deliver_due(batch_size={args.batch_size})` "
                  f"until a batch comes back short (as `flask mail send-due`); "
                  f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
                  + ("; worker 0 under cProfile" if args.profile else ""))
            timing = deliver(run, smtp, args, run.workdir)
            received = smtp.finish()
        finally:
            smtp.stop()  # nothing left to do after finish(); on an error, kills it

        counts = count_received(received, args.messages)
        status = outbox_status(run.database.url)
        shape = check_sample(base64.b64decode(received["sample"])) if received["sample"] else "(none)"
        sent = sum(w["sent"] for w in timing["workers"])
        seconds = timing["seconds"]
        rate = args.messages / seconds if seconds > 0 else float("nan")

        print(f"\nMail benchmark ({run.database.kind}, {args.messages:,} messages of "
              f"{counts['avg_bytes'] / 1024:.1f} KB on the wire, {args.workers} worker processes, "
              f"batch size {args.batch_size})")
        verdict = "met" if rate >= TARGET_PER_SECOND and counts["duplicates"] == 0 \
            and counts["misses"] == 0 else "NOT MET"
        print_result_table([(
            f"{args.messages:,}", args.workers, run.database.kind, f"{seconds:.2f}", f"{rate:,.0f}",
            counts["duplicates"], counts["misses"], f">= {TARGET_PER_SECOND}/s", verdict,
        )])
        for i, w in enumerate(timing["workers"]):
            print(f"  worker {i}: sent {w['sent']:,} in {w['batches']} batches, "
                  f"{w['ended'] - w['began']:.2f} s, CPU {w['cpu']:.2f} s"
                  + (f", deferred {w['deferred']}, failed {w['failed']}" if w["deferred"] or w["failed"] else ""))
            for error in w["errors"]:
                print(f"    ! {error}")
        cpu_parts = [f"workers {sum(w['cpu'] for w in timing['workers']):.2f} s",
                     f"SMTP server {timing['smtp_cpu']:.2f} s"]
        if timing["backend_cpu"] is not None:
            cpu_parts.append(f"PostgreSQL backends {timing['backend_cpu']:.2f} s")
        print(f"  CPU during delivery: {', '.join(cpu_parts)} "
              f"(of {seconds * (os.cpu_count() or 1):.2f} CPU-seconds on {os.cpu_count()} CPUs)")
        print(f"  at the SMTP server: {counts['received']:,} received, {counts['distinct_ids']:,} distinct "
              f"Message-IDs, duplicates {counts['duplicates']}, misses {counts['misses']}"
              + (f", {counts['without_id']} without Message-ID" if counts["without_id"] else "")
              + (f", {counts['unexpected']} unexpected" if counts["unexpected"] else ""))
        print("  outbox afterwards: " + ", ".join(f"{k} {v:,}" for k, v in sorted(status.items()))
              + f"; workers reported {sent:,} sent")
        print(f"  a received message: {shape}")
        if timing["others_cpu"] is not None:
            print(f"CPU used by other processes on this machine during delivery: {timing['others_cpu']:.0%}")
            if timing["others_cpu"] > 0.10:
                print("  ! other processes took more than 10% of the CPU: the figure is low; "
                      "run again on a quiet machine.")
        problems = []
        if counts["duplicates"] or counts["seq_duplicates"]:
            problems.append(f"{counts['duplicates']} duplicate Message-IDs")
        if counts["misses"]:
            problems.append(f"{counts['misses']} messages never reached the server")
        if status.get("pending") or status.get("failed"):
            problems.append(f"outbox still has {status.get('pending', 0)} pending, "
                            f"{status.get('failed', 0)} failed")
        for problem in problems:
            print(f"  ! {problem}")
        if args.profile:
            print("  (worker 0 ran under cProfile: the figures above are lower than without --profile)")
            print_profile([run.workdir / "mail-worker-0.prof"], args.top, AREAS, "worker 0")

    return run_benchmark("bench-mail-", args.keep, benchmark)


if __name__ == "__main__":
    sys.exit(main())
