"""UTC storage and the site's zone, around both daylight-saving changes of Toronto."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from events_app.events.models import Event
from events_app.extensions import db
from events_app.timeutil import local_day_bounds, local_to_utc, local_today, to_local

UTC = timezone.utc
TORONTO = ZoneInfo("America/Toronto")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "stored",
    [
        utc(2027, 3, 14, 6, 59, 59, 999999),  # the last microsecond of standard time
        utc(2027, 3, 14, 7, 0),  # spring-forward: 02:00 EST becomes 03:00 EDT
        datetime(2026, 11, 1, 1, 30, tzinfo=TORONTO),  # fold=0: 01:30 EDT
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=TORONTO),  # fold=1: 01:30 EST
        datetime(2027, 1, 5, 23, 15, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ],
)
def test_utc_datetime_round_trips_as_aware_utc(app, make_event, stored):
    # Arithmetic and comparisons in UTC: across zones, Python never finds a
    # time of the repeated hour equal to anything (PEP 495).
    instant = stored.astimezone(UTC)
    event = make_event(start_dt=stored, end_dt=instant + timedelta(hours=1))
    with app.app_context():
        loaded = db.session.get(Event, event.id)
        assert loaded.start_dt == instant
        assert loaded.start_dt.tzinfo is not None
        assert loaded.start_dt.utcoffset() == timedelta(0)
        assert loaded.end_dt - loaded.start_dt == timedelta(hours=1)


def test_utc_datetime_compares_instants_not_wall_clocks(app, make_event):
    """01:30 EDT comes before 01:30 EST although both read 01:30 on the wall."""
    first = make_event(start_dt=datetime(2026, 11, 1, 1, 30, tzinfo=TORONTO))
    second = make_event(start_dt=datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=TORONTO))
    with app.app_context():
        ordered = db.session.scalars(select(Event.slug).order_by(Event.start_dt)).all()
        assert ordered == [first.slug, second.slug]
        # A bound in another zone selects by the instant it names.
        later = db.session.scalars(
            select(Event.slug).where(Event.start_dt > datetime(2026, 11, 1, 1, 0, tzinfo=TORONTO))
            .where(Event.start_dt < utc(2026, 11, 1, 6, 0))
        ).all()
        assert later == [first.slug]


def test_utc_datetime_refuses_naive_datetimes(app, make_event):
    with app.app_context():
        event = Event(slug="naive", kind="workshop", title="Naive", status="published",
                      start_dt=datetime(2027, 3, 14, 10, 0), end_dt=utc(2027, 3, 14, 16, 0))
        db.session.add(event)
        with pytest.raises(StatementError) as raised:
            db.session.flush()
        assert isinstance(raised.value.orig, ValueError)
        assert "naive datetime" in str(raised.value.orig)
        db.session.rollback()
        assert db.session.scalar(select(Event).where(Event.slug == "naive")) is None


@pytest.mark.parametrize(
    "local, expected",
    [
        # Spring forward: Sunday 2027-03-14 at 02:00 the clocks jump to 03:00.
        (datetime(2027, 3, 13, 10, 0), utc(2027, 3, 13, 15, 0)),  # EST, UTC-5
        (datetime(2027, 3, 14, 1, 59), utc(2027, 3, 14, 6, 59)),
        (datetime(2027, 3, 14, 3, 0), utc(2027, 3, 14, 7, 0)),
        (datetime(2027, 3, 14, 10, 0), utc(2027, 3, 14, 14, 0)),  # EDT, UTC-4
        (datetime(2027, 3, 15, 10, 0), utc(2027, 3, 15, 14, 0)),
        # Fall back: Sunday 2026-11-01 at 02:00 the clocks go back to 01:00.
        (datetime(2026, 10, 31, 10, 0), utc(2026, 10, 31, 14, 0)),  # EDT
        (datetime(2026, 11, 1, 0, 30), utc(2026, 11, 1, 4, 30)),
        (datetime(2026, 11, 1, 10, 0), utc(2026, 11, 1, 15, 0)),  # EST
        (datetime(2026, 11, 2, 10, 0), utc(2026, 11, 2, 15, 0)),
    ],
)
def test_local_to_utc_on_the_daylight_saving_weekends(app, local, expected):
    with app.app_context():  # the site's zone comes from the app's config
        assert local_to_utc(local) == expected
    assert local_to_utc(local, TORONTO) == expected


def test_the_repeated_hour_of_fall_back_is_chosen_by_fold(app):
    with app.app_context():
        first = local_to_utc(datetime(2026, 11, 1, 1, 30, fold=0))
        second = local_to_utc(datetime(2026, 11, 1, 1, 30, fold=1))
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert second == utc(2026, 11, 1, 6, 30)  # 01:30 EST, an hour later
    assert to_local(first, TORONTO).strftime("%H:%M %Z") == "01:30 EDT"
    assert to_local(second, TORONTO).strftime("%H:%M %Z") == "01:30 EST"


def test_a_time_in_the_skipped_hour_moves_forward_by_the_gap(app):
    """02:30 on 2027-03-14 never happens in Toronto; the wall clock reads 03:30."""
    with app.app_context():
        moved = local_to_utc(datetime(2027, 3, 14, 2, 30))
    assert moved == utc(2027, 3, 14, 7, 30)
    assert to_local(moved, TORONTO).replace(tzinfo=None) == datetime(2027, 3, 14, 3, 30)
    # Not an hour earlier, which would put it before 01:59 on the wall.
    assert moved > local_to_utc(datetime(2027, 3, 14, 1, 59), TORONTO)


def test_local_to_utc_keeps_the_instant_of_an_aware_datetime(app):
    paris = datetime(2027, 3, 14, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with app.app_context():
        assert local_to_utc(paris) == utc(2027, 3, 14, 9, 0)


@pytest.mark.parametrize(
    "day, hours",
    [(date(2027, 3, 13), 24), (date(2027, 3, 14), 23), (date(2026, 11, 1), 25), (date(2026, 11, 2), 24)],
)
def test_local_days_are_23_24_or_25_hours_long(app, day, hours):
    with app.app_context():
        start, end = local_day_bounds(day)
    assert start == local_to_utc(datetime.combine(day, datetime.min.time()), TORONTO)
    assert end - start == timedelta(hours=hours)


def test_local_today_is_the_day_in_toronto_not_in_utc(app):
    late_evening = utc(2026, 11, 2, 3, 0)  # 22:00 EST on Sunday 1 November
    with app.app_context():
        assert local_today(late_evening) == date(2026, 11, 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-03-07 14:00:00.000000", utc(2027, 3, 7, 14, 0)),  # as SQLAlchemy stores it
        ("2027-03-07 14:00:00.250000", utc(2027, 3, 7, 14, 0, 0, 250000)),
        ("2027-03-07 14:00:00", utc(2027, 3, 7, 14, 0)),  # CURRENT_TIMESTAMP's form
        ("2027-03-07T14:00:00", utc(2027, 3, 7, 14, 0)),
        ("2027-03-07 09:00:00-05:00", utc(2027, 3, 7, 14, 0)),  # an offset is honoured
    ],
)
def test_sqlite_text_reads_as_aware_utc(app, make_event, text, expected):
    """SQLite keeps text; every form it may hold is read as the same aware UTC time."""
    event = make_event()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite stores times as text; PostgreSQL as timestamptz")
        db.session.execute(db.text("UPDATE event SET created_dt = :text WHERE id = :id"),
                           {"text": text, "id": event.id})
        db.session.commit()
        db.session.expire_all()
        loaded = db.session.get(Event, event.id)
        assert loaded.created_dt == expected and loaded.created_dt.utcoffset() == timedelta(0)
        assert loaded.created_dt.tzinfo is UTC
