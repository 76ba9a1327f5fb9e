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

    .venv/bin/python bench/pages.py [--duration 10] [--connections 16] [--threads 2] [--keep]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

# Requests/s of a page divided by requests/s of the trivial endpoint.
TARGETS = {"event page": 0.30, "/events": 0.25}
EXTRA_EVENTS = 1000
WORKERS = 2


# --------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------

class BenchDatabase:
    """A database that exists only for this run: a SQLite file or a PostgreSQL database."""

    def __init__(self, workdir: Path, server_url: str | None):
        from config import database_url

        self.workdir = workdir
        self.server_url = database_url(server_url) if server_url else None
        self.pg_name: str | None = None
        self._watch_engine = None
        if self.server_url:
            self.kind = "postgresql"
            self.url = self._create_postgresql()
        else:
            self.kind = "sqlite"
            self.url = f"sqlite:///{workdir / 'bench.db'}"

    def _admin_engine(self):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        return create_engine(
            make_url(self.server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )

    def _create_postgresql(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"bench_pages_{os.getpid()}_{secrets.token_hex(3)}"
        engine = self._admin_engine()
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        self.pg_name = name
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def backend_pids(self) -> list[int]:
        """The server processes serving the benchmark's database, when the server runs here."""
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        if not self.pg_name or make_url(self.url).host not in (None, "", "localhost", "127.0.0.1", "::1"):
            return []
        if self._watch_engine is None:
            self._watch_engine = self._admin_engine()
        with self._watch_engine.connect() as conn:
            return list(conn.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": self.pg_name}
            ))

    def describe(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite file {self.workdir / 'bench.db'}"
        from sqlalchemy.engine import make_url

        return f"PostgreSQL database {make_url(self.url).render_as_string(hide_password=True)}"

    def drop(self) -> None:
        if self._watch_engine is not None:
            self._watch_engine.dispose()
            self._watch_engine = None
        if not self.pg_name:
            return
        from sqlalchemy import text

        engine = self._admin_engine()
        try:
            with engine.connect() as conn:
                try:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
                except Exception:  # noqa: BLE001 - PostgreSQL before 13 has no FORCE
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = :name AND pid <> pg_backend_pid()"
                        ),
                        {"name": self.pg_name},
                    )
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}"'))
        finally:
            engine.dispose()
        self.pg_name = None


def make_app(database_url_value: str):
    """The real app on the benchmark's database (rate limits off, like the server)."""
    from config import Config
    from events_app import create_app

    config = type(
        "BenchConfig",
        (Config,),
        {"SQLALCHEMY_DATABASE_URI": database_url_value, "RATELIMIT_ENABLED": False},
    )
    return create_app(config)


def build_database(app, now: datetime, extra_events: int = EXTRA_EVENTS) -> dict:
    """Migrate, seed the demo, bulk-load `extra_events` published events.

    Returns counts and the March 7 meeting's slug.
    """
    import logging

    from flask_migrate import upgrade

    from events_app.demo import seed_demo
    from events_app.extensions import db

    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        seed_demo(now)
        db.session.commit()
        added = load_events(db.session, now, extra_events)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        info = {
            "added": added,
            "events": db.session.scalar(db.text("SELECT count(*) FROM event")),
            "meeting_slug": march_7_slug(db.session),
        }
        db.session.remove()
        db.engine.dispose()
    return info


def march_7_slug(session) -> str:
    """The demo's March 7 community meeting (its slug is community-meeting-YYYY-03-07)."""
    from sqlalchemy import select

    from events_app.events.models import Event

    slugs = session.scalars(
        select(Event.slug)
        .where(Event.slug.like("community-meeting-%"), Event.parent_id.is_(None))
        .order_by(Event.start_dt)
    ).all()
    if not slugs:
        raise RuntimeError("no community-meeting-… event in the database: did seed_demo change?")
    march = [s for s in slugs if s.endswith("-03-07")]
    return (march or slugs)[0]


# Realistic content for the bulk load ------------------------------------

TOPICS = [
    # (title, French title or None, kind, council slug or None, summary)
    ("ESL Conversation Circle", "Cercle de conversation en anglais", "workshop", "education",
     "Practise everyday English with volunteers in a relaxed group. All levels welcome."),
    ("Homework Club for Newcomer Families", "Club de devoirs pour les familles nouvellement arrivées",
     "workshop", "education", "Help with homework and a chat with settlement workers in schools."),
    ("Navigating Ontario Schools", "S’y retrouver dans les écoles de l’Ontario", "workshop", "education",
     "Report cards, parent-teacher meetings and who to call when something goes wrong."),
    ("Résumé Clinic", "Atelier de CV", "workshop", "employment",
     "Bring your résumé: employment counsellors help you adapt it for Canadian employers."),
    ("Credential Recognition Info Session", "Séance d’information sur la reconnaissance des diplômes",
     "workshop", "employment", "How to get your education and licences recognised in Ontario."),
    ("Meet the Employers", "Rencontre avec des employeurs", "neighbourhood-event", "employment",
     "Local employers who are hiring, in one room. Bring copies of your résumé."),
    ("Mental Health First Aid for Newcomers", None, "workshop", "health-and-wellbeing",
     "Recognise the signs of stress and find culturally safe support."),
    ("Finding a Family Doctor", "Trouver un médecin de famille", "workshop", "health-and-wellbeing",
     "Health Care Connect, walk-in clinics and community health centres explained."),
    ("Walking Group", "Groupe de marche", "neighbourhood-event", "health-and-wellbeing",
     "An easy walk through the neighbourhood and a chance to meet people."),
    ("Community Potluck", "Repas-partage communautaire", "neighbourhood-event",
     "inclusion-and-civic-engagement", "Bring a dish from home and meet your neighbours."),
    ("How Municipal Government Works", None, "workshop", "inclusion-and-civic-engagement",
     "City council, committees and how to have your say."),
    ("Volunteer Fair", "Salon du bénévolat", "neighbourhood-event", "inclusion-and-civic-engagement",
     "Organisations looking for volunteers, and what volunteering can open up."),
    ("Know Your Rights at Work", "Connaître ses droits au travail", "workshop",
     "justice-and-protection-services", "Minimum wage, overtime, breaks and what to do when they are denied."),
    ("Meet Your Community Police Officers", None, "neighbourhood-event",
     "justice-and-protection-services", "Questions and answers with officers from your area."),
    ("Family Law Basics", "Notions de droit de la famille", "workshop", "justice-and-protection-services",
     "Separation, custody and support explained by a community legal clinic."),
    ("Settlement Services Drop-in", "Accueil sans rendez-vous des services d’établissement",
     "neighbourhood-event", "settlement", "Settlement workers answer questions on housing, forms and services."),
    ("Citizenship Test Study Group", "Groupe d’étude pour l’examen de citoyenneté", "workshop",
     "settlement", "Study Discover Canada together and practise with sample questions."),
    ("Tax Clinic for Newcomers", "Clinique d’impôt pour les nouveaux arrivants", "workshop", "settlement",
     "Free help filing your return and applying for benefits."),
    ("Anti-racism Dialogue", None, "workshop", None,
     "A facilitated conversation on racism in everyday services and what we can do about it."),
    ("Partnership Open House", "Portes ouvertes du partenariat", "neighbourhood-event", None,
     "Meet the Sub-councils and learn how the partnership’s recommendations are put into practice."),
]

SESSION_TOPICS = [
    ("Housing Search Basics", "employment"), ("Canadian Workplace Culture", "employment"),
    ("Parenting Across Cultures", "justice-and-protection-services"),
    ("Self-care for Caregivers", "health-and-wellbeing"), ("Library Services Tour", "education"),
    ("Banking and Credit in Canada", "settlement"), ("Volunteering as a Pathway", "inclusion-and-civic-engagement"),
    ("Understanding Tenancy Law", "justice-and-protection-services"),
]

PLACES = ["East London", "Old East Village", "Westmount", "Argyle", "Hamilton Road", "Strathroy",
          "Byron", "White Oaks", "Masonville", "Lucan", "Glencoe", "Downtown"]

DESCRIPTION = (
    "{summary}\n\n"
    "This event acts on the partnership’s Community Immigrant Strategic Plan. It is free and open "
    "to everyone; newcomers, long-time residents and service providers are all welcome.\n\n"
    "* **Bring:** nothing but your questions.\n"
    "* **Interpretation:** tell us which language you need when you register.\n"
    "* **Children:** welcome; a play corner is available.\n\n"
    "Questions? Ask the organising Sub-council through the partnership’s office."
)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_events(session, now: datetime, count: int, seed: int = 7) -> int:
    """Insert `count` published events in bulk (Core executemany): about 3 a day for a year.

    Twelve of them are community meetings, each with four workshop sessions in
    two parallel slots (like the March 7 meeting); the rest are workshops,
    neighbourhood events and Sub-council meetings with a council (mostly), a
    venue (mostly; some are online), one or two themes and up to three
    recommendations.
    """
    from sqlalchemy import insert, select

    from events_app.councils.models import Recommendation, SubCouncil, Theme
    from events_app.events.models import Event, Venue, event_recommendations, event_themes
    from events_app.timeutil import local_to_utc, local_today, site_zone

    rng = random.Random(seed)
    zone = site_zone()
    today = local_today(now, zone)
    councils = dict(session.execute(select(SubCouncil.slug, SubCouncil.id)).all())
    theme_ids = list(session.scalars(select(Theme.id)))
    recs_by_council: dict[int, list[int]] = {}
    all_recs = []
    for rec_id, council_id in session.execute(select(Recommendation.id, Recommendation.council_id)):
        recs_by_council.setdefault(council_id, []).append(rec_id)
        all_recs.append(rec_id)
    venue_ids = list(session.scalars(select(Venue.id)))

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return local_to_utc(datetime.combine(day, dtime(hour, minute)), zone)

    def pick_recs(council_id: int | None, most: int = 3) -> list[int]:
        pool = recs_by_council.get(council_id) or all_recs
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(0, most)))
        if rng.random() < 0.2:  # now and then one of another council's
            chosen.append(rng.choice(all_recs))
        return sorted(set(chosen))

    def row(**values) -> dict:
        base = {
            "title_fr": None, "summary_fr": None, "online_url": None, "presenter": None,
            "parent_id": None, "capacity": None, "accessibility_notes": "",
            "interpretation_notes": "", "childcare_notes": "", "status": "published",
            "sequence": 0, "created_dt": now, "updated_dt": now, "uid": secrets.token_hex(16),
        }
        base.update(values)
        return base

    meetings = 12
    sessions_per_meeting = 4
    others = count - meetings * (1 + sessions_per_meeting)
    if others < 0:
        raise ValueError(f"need at least {meetings * 5} events")

    top_rows: list[dict] = []
    top_links: list[tuple[list[int], list[int]]] = []
    for n in range(others):
        title, title_fr, kind, council_slug, summary = rng.choice(TOPICS)
        if rng.random() < 0.08:
            kind, council_slug = "council-meeting", rng.choice(list(councils))
            title, title_fr = "Sub-council working group", "Groupe de travail du sous-conseil"
            summary = "A working group of the Sub-council. Members of the public may observe."
        place = rng.choice(PLACES)
        day = today + timedelta(days=rng.randint(1, 365))
        start_hour = rng.choice([9, 10, 10, 13, 14, 17, 18, 18, 19])
        duration = rng.choice([60, 90, 90, 120, 120, 180])
        start = at(day, start_hour, rng.choice([0, 0, 30]))
        council_id = councils.get(council_slug) if council_slug else None
        online = rng.random() < 0.1
        top_rows.append(row(
            slug=f"{slugify(title)}-{slugify(place)}-{day.isoformat()}-{n}",
            kind=kind,
            title=f"{title} – {place}",
            title_fr=f"{title_fr} – {place}" if title_fr and rng.random() < 0.7 else None,
            summary=summary,
            description=DESCRIPTION.format(summary=summary),
            start_dt=start,
            end_dt=start + timedelta(minutes=duration),
            venue_id=None if online else rng.choice(venue_ids),
            online_url="https://meet.example.org/lmlip-" + secrets.token_hex(4) if online else None,
            council_id=council_id,
            presenter=rng.choice([None, None, "Opening Doors Project", "Community Legal Services",
                                  "Employment Sector Council", "Settlement Workers in Schools"]),
            languages=["en"] + rng.sample(["fr", "ar", "es", "zh", "fa", "ti", "uk"], k=rng.randint(0, 2)),
            accessibility_notes=rng.choice(["", "", "Seating near the front on request."]),
            interpretation_notes=rng.choice(["", "Interpretation on request when you register."]),
            childcare_notes=rng.choice(["", "", "Childcare available; tell us when you register."]),
            capacity=rng.choice([None, 20, 25, 30, 40, 50, 80, 120]),
        ))
        top_links.append((
            sorted(rng.sample(theme_ids, k=rng.randint(1, 2))),
            pick_recs(council_id),
        ))

    # A community meeting each month, each with two slots of two workshops.
    for m in range(meetings):
        day = today + timedelta(days=15 + 30 * m + rng.randint(0, 10))
        place = rng.choice(PLACES)
        start = at(day, 9, 30)
        top_rows.append(row(
            slug=f"{slugify(place)}-community-meeting-{day.isoformat()}",
            kind="community-meeting",
            title=f"{place} Community Meeting",
            title_fr=f"Rencontre communautaire – {place}",
            summary="Workshops acting on recommendations of several Sub-councils. Lunch provided.",
            description=DESCRIPTION.format(
                summary="The partnership’s community meeting brings residents, newcomers and "
                        "service providers together."),
            start_dt=start,
            end_dt=at(day, 15, 0),
            venue_id=rng.choice(venue_ids),
            council_id=None,
            languages=["en", "fr", "ar"],
            interpretation_notes="Arabic and French interpretation on request when you register.",
            childcare_notes="Free on-site childcare for children aged 2 to 10.",
            capacity=120,
        ))
        top_links.append((sorted(rng.sample(theme_ids, k=2)), pick_recs(None, most=4)))

    table = Event.__table__
    ids = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), top_rows
    ).scalars().all()

    session_rows: list[dict] = []
    session_links: list[tuple[list[int], list[int]]] = []
    for parent_row, parent_id in zip(top_rows, ids):
        if parent_row["kind"] != "community-meeting":
            continue
        day = parent_row["start_dt"].astimezone(zone).date()
        for index, (topic, council_slug) in enumerate(rng.sample(SESSION_TOPICS, k=sessions_per_meeting)):
            start = at(day, 10 if index < 2 else 13, 0)
            council_id = councils[council_slug]
            session_rows.append(row(
                slug=f"{slugify(topic)}-{parent_row['slug']}",
                kind="workshop",
                title=topic,
                summary=f"{topic}: a workshop of the community meeting.",
                description="",
                start_dt=start,
                end_dt=start + timedelta(minutes=90),
                venue_id=parent_row["venue_id"],
                council_id=council_id,
                presenter=rng.choice([None, "Opening Doors Project"]),
                languages=["en"],
                capacity=30,
                parent_id=parent_id,
            ))
            session_links.append((sorted(rng.sample(theme_ids, k=1)), pick_recs(council_id, most=2)))
    session_ids = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), session_rows
    ).scalars().all()

    theme_rows, rec_rows = [], []
    for event_id, (themes, recs) in zip(list(ids) + list(session_ids), top_links + session_links):
        theme_rows += [{"event_id": event_id, "theme_id": t} for t in themes]
        rec_rows += [{"event_id": event_id, "recommendation_id": r} for r in recs]
    session.execute(insert(event_themes), theme_rows)
    if rec_rows:
        session.execute(insert(event_recommendations), rec_rows)
    return len(ids) + len(session_ids)


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, database_url_value: str, workdir: Path, workers: int = WORKERS,
                 page_cache_seconds: int | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        env = dict(os.environ)
        env.update(DATABASE_URL=database_url_value, RATELIMIT_ENABLED="0", PYTHONUNBUFFERED="1")
        if page_cache_seconds is not None:
            env["PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
        self._log = open(self.log_path, "ab")
        # Own session: a Ctrl-C in the terminal reaches this script, which
        # then stops gunicorn in order (see stop()).
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--chdir", str(PROJECT_ROOT),
                "--pythonpath", str(BENCH_DIR),
                "--workers", str(workers),
                "--worker-class", "sync",
                "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "warning",
                "--error-logfile", "-",
                "bench_wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # Workers left behind by a master that died: they share its process group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: list[str] = field(default_factory=list)
    others_cpu: float | None = None  # share of the machine's CPU used by other processes


class CpuWatch:
    """How much of the machine's CPU went to processes other than the benchmark's own.

    The benchmark's own: this script, wrk, gunicorn and its workers and, on a
    PostgreSQL server on this machine, the backends serving the benchmark's
    database. On a shared machine (tests running next door) the figures drop
    and the ratios drift; this says so instead of leaving it to be guessed.
    Linux only (/proc); elsewhere it reports nothing.
    """

    def __init__(self, gunicorn_pid: int, extra_pids=lambda: []):
        self.gunicorn_pid = gunicorn_pid
        self.extra_pids = extra_pids
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.available = Path("/proc/stat").exists()
        self._start = None

    @staticmethod
    def _machine() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        busy = user + nice + system + irq + softirq + steal
        return busy, busy + idle + iowait

    def _pids(self) -> set[int]:
        pids = {self.gunicorn_pid}
        try:
            children = Path(f"/proc/{self.gunicorn_pid}/task/{self.gunicorn_pid}/children").read_text()
            pids.update(int(p) for p in children.split())
        except OSError:
            pass
        try:
            pids.update(self.extra_pids())
        except Exception:  # noqa: BLE001 - a watch must never stop the benchmark
            pass
        return pids

    @staticmethod
    def _ticks(pid: int) -> int | None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime

    @staticmethod
    def _own_seconds() -> float:
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def start(self) -> None:
        if not self.available:
            return
        ticks = {pid: self._ticks(pid) for pid in self._pids()}
        self._start = (self._machine(), self._own_seconds(), {p: t for p, t in ticks.items() if t is not None})

    def stop(self) -> float | None:
        if not self.available or self._start is None:
            return None
        (busy0, total0), own0, ticks0 = self._start
        ticks1 = {pid: self._ticks(pid) for pid in self._pids() | set(ticks0)}
        busy1, total1 = self._machine()
        total = total1 - total0
        if total <= 0:
            return None
        # A process that ended during the run is counted up to its last reading.
        ours = sum(
            (ticks1[pid] if ticks1[pid] is not None else ticks0.get(pid, 0)) - ticks0.get(pid, 0)
            for pid in ticks1
        ) / self.tick + (self._own_seconds() - own0)
        others = (busy1 - busy0) / self.tick - ours
        return max(0.0, others / (total / self.tick))


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not match:
        raise ValueError(f"unexpected wrk time {value!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = []
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        errors.append(f"{non2xx.group(1)} non-2xx/3xx responses")
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sock and any(int(n) for n in sock.groups()):
        errors.append("socket errors: connect {}, read {}, write {}, timeout {}".format(*sock.groups()))
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _to_ms(p50.group(1)),
        "p99_ms": _to_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "errors": errors,
    }


def run_wrk(wrk: str, url: str, seconds: float, connections: int, threads: int) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def run_python_client(url: str, seconds: float, connections: int) -> dict:
    """The fallback when wrk is missing: one thread per connection, http.client.

    Less reliable than wrk: the client threads share one GIL and compete
    with the server for the CPU, so every figure comes out lower.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = {"non2xx": 0, "socket": 0}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        mine, bad, broken = [], 0, 0
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if not 200 <= response.status < 400:
                    bad += 1
            except (OSError, http.client.HTTPException):
                broken += 1
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors["non2xx"] += bad
            errors["socket"] += broken

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    messages = []
    if errors["non2xx"]:
        messages.append(f"{errors['non2xx']} non-2xx/3xx responses")
    if errors["socket"]:
        messages.append(f"{errors['socket']} socket errors")
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "requests": len(latencies),
        "errors": messages,
    }


def check_page(base: str, path: str) -> int:
    """GET a page once; returns its size. A page that fails is not worth timing."""
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return len(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"GET {path} answered {error.code}; not measuring an error page") from error


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def print_table(results: list[Result]) -> None:
    trivial = next((r for r in results if r.name == "trivial"), None)
    header = ("endpoint", "requests/s", "p50 ms", "p99 ms", "vs trivial", "target", "")
    rows = []
    for r in results:
        ratio = r.rps / trivial.rps if trivial and trivial.rps else float("nan")
        target = TARGETS.get(r.name)
        if target is None:
            target_text, verdict = "", ""
        else:
            target_text = f">= {target:.2f}"
            verdict = "met" if ratio >= target else "NOT MET"
        rows.append((
            f"{r.name} ({r.path})" if r.name != r.path else r.path,
            f"{r.rps:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{ratio:.2f}",
            target_text,
            verdict,
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


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Requests/s and latency of /events and an event page next to a trivial "
                    "endpoint, on gunicorn (2 sync workers) with 1,000 events."
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per endpoint (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--page-cache-seconds", type=int, default=None,
                        help="the app's PAGE_CACHE_SECONDS (default: the app's own, 60); "
                             "0 measures rendering every request")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (database, gunicorn log) and, on PostgreSQL, the database")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk when installed (auto), or the slower Python fallback")
    return parser.parse_args(argv)


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    wrk = shutil.which("wrk") if args.client != "python" else None
    if args.client == "wrk" and not wrk:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    database = server = None
    status = 1
    try:
        database = BenchDatabase(workdir, os.environ.get("BENCH_DATABASE_URL") or None)
        print(f"database: {database.describe()}")

        from events_app.timeutil import now_utc

        t0 = time.monotonic()
        info = build_database(make_app(database.url), now_utc())
        print(
            f"content: demo + {info['added']:,} bulk-loaded events = {info['events']:,} events "
            f"({time.monotonic() - t0:.1f} s to migrate, seed and load)"
        )

        server = Gunicorn(database.url, workdir, page_cache_seconds=args.page_cache_seconds)
        server.wait_ready()
        import gunicorn

        cache = ("app default" if args.page_cache_seconds is None
                 else f"{args.page_cache_seconds} s" if args.page_cache_seconds else "off")
        print(f"server: gunicorn {gunicorn.__version__}, {WORKERS} sync workers, {server.base}, "
              f"page cache: {cache}")

        endpoints = [
            ("trivial", "/_bench/trivial"),
            ("/events", "/events"),
            ("event page", f"/events/{info['meeting_slug']}"),
        ]
        for name, path in endpoints:
            size = check_page(server.base, path)
            print(f"  {path}: 200, {size:,} bytes")

        if wrk:
            client = f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency"
        else:
            client = f"Python http.client fallback, {args.connections} threads"
            print("wrk not found (apt-get install wrk): using the Python client. Its figures are "
                  "less reliable (the client shares the CPU and a GIL) and not comparable with wrk's.")
        print(f"load: {client}; {args.warmup:g} s warm-up per endpoint; "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}")

        watch = CpuWatch(server.process.pid, database.backend_pids)
        results = []
        for name, path in endpoints:
            url = server.base + path
            if wrk:
                if args.warmup > 0:
                    run_wrk(wrk, url, args.warmup, args.connections, args.threads)
                watch.start()
                figures = run_wrk(wrk, url, args.duration, args.connections, args.threads)
            else:
                if args.warmup > 0:
                    run_python_client(url, args.warmup, args.connections)
                watch.start()
                figures = run_python_client(url, args.duration, args.connections)
            results.append(Result(name=name, path=path, others_cpu=watch.stop(), **figures))

        print()
        print(f"Page benchmark ({database.kind}, {info['events']:,} events, "
              f"{WORKERS} sync gunicorn workers, {args.connections} connections, {args.duration:g} s each)")
        print_table(results)
        if not wrk:
            print("(Python client: figures less reliable than wrk's)")
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
