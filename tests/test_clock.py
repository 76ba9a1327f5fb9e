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
