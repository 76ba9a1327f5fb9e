"""Fixtures for the whole suite: a fresh app per test on a database made once.

The database is a temporary SQLite file, or PostgreSQL when
`TEST_DATABASE_URL` is set. Its schema is created once per session; every
table is emptied after each test. No app context is pushed for a test: a test
that needs one says `with app.app_context():`.
"""
import itertools
import os
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import current_app, has_app_context

ROOT = Path(__file__).resolve().parent.parent

from dbsetup import (  # noqa: E402
    NEEDS_POSTGRES,
    ON_POSTGRES,
    TEST_DATABASE_URL,
    ForeignTables,
    config_for,
    dispose_engines,
    run_database,
)
from events_app import create_app  # noqa: E402
from events_app import timeutil  # noqa: E402
from events_app.councils.models import Recommendation, SubCouncil, Theme  # noqa: E402
from events_app.events.models import Event, EventStatus, Venue  # noqa: E402
from events_app.extensions import db  # noqa: E402

# The moment the tests live in: the demo's `--now`, 09:00 in London, Ontario.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)
DEMO_NOW = "2026-11-24T09:00:00-05:00"


def pytest_configure(config):
    config.addinivalue_line("markers", f"postgres_only: {NEEDS_POSTGRES}")
    # TEST_REAL_CLOCK_SHIFT_DAYS=365: the machine's clock as it will read a
    # year from now (tests/test_clock.py runs suites so): whatever a test
    # still takes from the real clock instead of its own shows up.
    shift = os.environ.get("TEST_REAL_CLOCK_SHIFT_DAYS")
    if shift:
        days = int(shift)

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + timedelta(days=days)

        timeutil.datetime = ShiftedDatetime


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and not ON_POSTGRES:
        pytest.skip(NEEDS_POSTGRES)


@pytest.fixture
def postgres_only():
    """Request this fixture (or mark the test `postgres_only`) for PostgreSQL-only tests."""
    if not ON_POSTGRES:
        pytest.skip(NEEDS_POSTGRES)


@pytest.fixture(scope="session")
def test_database_url(tmp_path_factory):
    """The suite's own database, with the schema created once for the session.

    On PostgreSQL it is a new database made for this run beside the one
    `TEST_DATABASE_URL` names, and dropped at the end (tests/dbsetup.py); on
    SQLite a temporary file. Nothing the suite did not create is dropped.
    """
    given = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    try:
        with run_database(given) as url:
            app = create_app(config_for(url))
            with app.app_context():
                db.create_all()
            dispose_engines(app)
            yield url
            with app.app_context():
                db.drop_all()
            dispose_engines(app)
    except ForeignTables as error:
        pytest.exit(str(error), returncode=4)


def empty_tables() -> None:
    """Delete every row, children first, in one transaction.

    DELETE rather than TRUNCATE on PostgreSQL too: for the few rows a test
    leaves it is several times faster (TRUNCATE makes new files for every table).
    """
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(test_database_url):
    app = create_app(config_for(test_database_url))
    yield app
    with app.app_context():
        db.session.remove()
        empty_tables()
    dispose_engines(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clock:
    """Stands in for `now_utc()` in the app: pages see the moment the test chose."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("give the clock an aware datetime")
        self.now = value.astimezone(timezone.utc)


@pytest.fixture
def clock(app, monkeypatch):
    """Pin the application's clock (default: NOW) so pages do not depend on today."""
    fake = Clock(NOW)
    real = timeutil.now_utc
    for name, module in list(sys.modules.items()):
        if name.startswith("events_app") and getattr(module, "now_utc", None) is real:
            monkeypatch.setattr(module, "now_utc", fake)
    return fake


@pytest.fixture
def demo(runner, clock):
    """The demo content as `flask seed demo --now 2026-11-24T09:00:00-05:00` loads it."""
    result = runner.invoke(args=["seed", "demo", "--now", DEMO_NOW, "--no-history"])
    assert result.exit_code == 0, result.output
    return clock


# Builders: each fills in defaults so a test names only what matters to it.
# They work inside the test's app context when there is one (and return
# attached objects), else in their own (and return loaded, detached objects).


@contextmanager
def _context(app):
    if has_app_context() and current_app._get_current_object() is app:
        yield
    else:
        with app.app_context():
            yield


def _attached(obj):
    """The same row in the current session (builders accept detached objects)."""
    if obj is None:
        return None
    return db.session.get(type(obj), obj.id)


SITE_LANGUAGES = ("fr", "ar", "es", "zh_Hans", "en")


def _translations(model, values: dict) -> dict:
    """Builder shorthand: `title_fr="…"`, `name_ar="…"` become the row's
    `translations` ({"fr": {"title": "…"}}), as a chair's form stores them."""
    translations = {k: dict(v) for k, v in (values.pop("translations", None) or {}).items()}
    for key in list(values):
        for language in SITE_LANGUAGES:
            field = key[: -len(language) - 1]
            if key.endswith(f"_{language}") and field in model.TRANSLATED:
                text = values.pop(key)
                if text:
                    translations.setdefault(language, {})[field] = text
                break
    values["translations"] = translations
    return values


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    db.session.refresh(obj)
    return obj


@pytest.fixture
def sequence():
    return itertools.count(1)


@pytest.fixture
def make_council(app, sequence):
    def make_council(**values) -> SubCouncil:
        n = next(sequence)
        values.setdefault("slug", f"council-{n}")
        values.setdefault("name", f"Council {n}")
        values.setdefault("description", f"What council {n} does.")
        values.setdefault("position", n)
        with _context(app):
            return _save(SubCouncil(**_translations(SubCouncil, values)))

    return make_council


@pytest.fixture
def make_theme(app, sequence):
    def make_theme(**values) -> Theme:
        n = next(sequence)
        values.setdefault("slug", f"theme-{n}")
        values.setdefault("name", f"Theme {n}")
        values.setdefault("position", n)
        with _context(app):
            return _save(Theme(**_translations(Theme, values)))

    return make_theme


@pytest.fixture
def make_recommendation(app, sequence, make_council):
    def make_recommendation(**values) -> Recommendation:
        n = next(sequence)
        if "council" not in values and "council_id" not in values:
            values["council"] = make_council()
        values.setdefault("code", f"RC-{n}")
        values.setdefault("title", f"Recommendation {n}")
        values.setdefault("position", n)
        with _context(app):
            if "council" in values:
                values["council"] = _attached(values["council"])
            values["themes"] = [_attached(t) for t in values.get("themes", [])]
            return _save(Recommendation(**_translations(Recommendation, values)))

    return make_recommendation


@pytest.fixture
def make_venue(app, sequence):
    def make_venue(**values) -> Venue:
        n = next(sequence)
        values.setdefault("slug", f"venue-{n}")
        values.setdefault("name", f"Venue {n}")
        values.setdefault("address", f"{n} Dundas Street, London, ON")
        with _context(app):
            return _save(Venue(**_translations(Venue, values)))

    return make_venue


@pytest.fixture
def make_event(app, sequence, clock):
    """An event a week after the pinned clock, two hours long, published."""

    def make_event(**values) -> Event:
        n = next(sequence)
        values.setdefault("slug", f"event-{n}")
        values.setdefault("kind", "neighbourhood-event")
        values.setdefault("title", f"Event {n}")
        values.setdefault("start_dt", clock.now + timedelta(days=7))
        values.setdefault("end_dt", values["start_dt"] + timedelta(hours=2))
        values.setdefault("status", EventStatus.PUBLISHED)
        values.setdefault("languages", ["en"])
        with _context(app):
            for name in ("council", "venue", "parent"):
                if name in values:
                    values[name] = _attached(values[name])
            for name in ("themes", "recommendations"):
                values[name] = [_attached(item) for item in values.get(name, [])]
            return _save(Event(**_translations(Event, values)))

    return make_event
