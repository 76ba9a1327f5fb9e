"""Time: stored as UTC, shown in the site's zone.

Every datetime inside the application is timezone-aware. The database keeps
UTC; `UTCDateTime` makes SQLite (which has no time zones) and PostgreSQL
(`timestamp with time zone`) return the same aware UTC values.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware datetimes only")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # Stored without an offset so that string comparison in SQL
            # orders correctly; every stored value is UTC.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def result_processor(self, dialect, coltype):
        """On SQLite, the stored text read with `datetime.fromisoformat`.

        SQLAlchemy's SQLite processor parses each value with a regular
        expression, then `process_result_value` makes it aware: a fifth of
        the time of reading 2,000 events for a feed went there.
        `fromisoformat` reads the stored form ("2027-03-07 14:00:00.000000",
        or without the fraction) in C; anything else goes the general way.
        """
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite":
            return general
        parse, utc = datetime.fromisoformat, timezone.utc

        def process(value):
            if value.__class__ is str:
                try:
                    parsed = parse(value)
                except ValueError:
                    return general(value)
                return parsed.replace(tzinfo=utc) if parsed.tzinfo is None else parsed.astimezone(utc)
            return general(value)

        return process


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def column_now() -> datetime:
    """The default of `created_dt`/`updated_dt` columns.

    It looks `now_utc` up each time it is called, instead of the column
    holding the function itself: a test's clock, which replaces `now_utc`,
    then dates the rows it makes too (otherwise they carry the real date and
    a test comparing them with the pinned clock breaks as the calendar moves).
    """
    return now_utc()


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SITE_TIMEZONE"])


def to_local(value: datetime, zone: ZoneInfo | None = None) -> datetime:
    return value.astimezone(zone or site_zone())


def local_to_utc(value: datetime, zone: ZoneInfo | None = None) -> datetime:
    """Interpret a wall-clock time in the site zone and return it in UTC.

    In the repeated hour of the fall-back night `fold` chooses the occurrence
    (0: the first, daylight time; 1: the second, standard time). A time in the
    hour skipped at spring-forward does not exist; it is moved forward by the
    gap, as the clock on the wall would read it.
    """
    zone = zone or site_zone()
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc)
    # PEP 495: with fold=0 a time in the spring-forward gap takes the offset
    # in force before the gap, so 02:30 becomes 03:30 daylight time.
    return value.replace(tzinfo=zone).astimezone(timezone.utc)


def local_day_bounds(day: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day begins and ends."""
    zone = zone or site_zone()
    start = datetime.combine(day, time.min).replace(tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min).replace(tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def local_today(now: datetime, zone: ZoneInfo | None = None) -> date:
    return to_local(now, zone).date()
