"""Slot arithmetic: days on the local wall clock, hours in real time, across DST."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from events_app.reminders.services import OffsetError, parse_offsets, slot_time

TORONTO = ZoneInfo("America/Toronto")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TORONTO)


@pytest.mark.parametrize("start, minutes, expected", [
    # Monday after the spring-forward Sunday (2027-03-14): Saturday 10:00 EST,
    # not 09:00 (which 48 real hours before 10:00 EDT would be).
    (local(2027, 3, 15, 10, 0), 2 * 24 * 60, local(2027, 3, 13, 10, 0)),
    # Monday after the fall-back Sunday (2026-11-01): Saturday 10:00 EDT.
    (local(2026, 11, 2, 10, 0), 2 * 24 * 60, local(2026, 10, 31, 10, 0)),
    # Hours are real time: 2 hours before 03:30 on the spring-forward night
    # is 00:30 (the clock skipped 02:00-03:00).
    (local(2027, 3, 14, 3, 30), 120, local(2027, 3, 14, 0, 30)),
    # ... and 2 hours before 01:30 EST on the fall-back night is 00:30 EDT.
    (datetime(2026, 11, 1, 6, 30, tzinfo=timezone.utc), 120, local(2026, 11, 1, 0, 30)),
    # A day and a half: one wall-clock day, then twelve real hours.
    # (the twelve hours span the skipped hour: 21:00, not 22:00)
    (local(2027, 3, 15, 10, 0), 36 * 60, local(2027, 3, 13, 21, 0)),
    (local(2027, 1, 20, 18, 0), 15, local(2027, 1, 20, 17, 45)),
])
def test_slot_times(start, minutes, expected):
    got = slot_time(start.astimezone(timezone.utc), minutes, TORONTO)
    assert got == expected
    assert got.tzinfo == timezone.utc


def test_offsets_are_parsed_and_checked():
    assert parse_offsets("2d,2h") == [2880, 120]
    assert parse_offsets(" 30m , 1d ") == [1440, 30]
    assert parse_offsets("") == []
    assert parse_offsets("2h,120m") == [120]
    for bad in ("2 weeks", "10m", "15d", "1d,2d,3d,4d", "-2h"):
        with pytest.raises(OffsetError):
            parse_offsets(bad)
