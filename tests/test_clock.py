"""The clock fixture is the only "now" a test sees, column defaults included.

Rows dated by the machine's real clock made a test compare the pinned clock
with the real date: it turned red by itself once the real date passed a
point (a date bomb). These tests fail if a column default goes back to
holding the real clock.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from events_app.accounts.models import User
from events_app.events.models import Event
from events_app.extensions import db

FAR = datetime(2031, 6, 15, 12, 0, tzinfo=timezone.utc)


def test_event_rows_are_dated_by_the_test_clock(app, clock, make_event):
    clock.set(FAR)
    event = make_event(start_dt=FAR + timedelta(days=3))
    assert event.created_dt == FAR
    assert event.updated_dt == FAR

    clock.set(FAR + timedelta(hours=5))
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.title = "Renamed"
        db.session.commit()
        assert row.updated_dt == FAR + timedelta(hours=5)
        assert row.created_dt == FAR


def test_account_rows_are_dated_by_the_test_clock(app, clock):
    clock.set(FAR)
    with app.app_context():
        db.session.add(User(email="chair@example.org", email_key="chair@example.org", name="Chair", role="chair"))
        db.session.commit()
        user = db.session.execute(select(User)).scalar_one()
        assert user.created_dt == FAR


def test_the_calendar_and_page_tests_pass_a_year_from_now(tmp_path):
    """The date bomb, defused for good: the feed and page tests run with the
    machine's clock a year ahead (on their own SQLite file, never on the
    database this suite runs on)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["TEST_REAL_CLOCK_SHIFT_DAYS"] = "365"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         "tests/ical", "tests/test_events_pages.py", "tests/test_clock.py::test_event_rows_are_dated_by_the_test_clock"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
