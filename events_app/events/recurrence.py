"""Repeating events: the RFC 5545 rule an event repeats by, and its dates.

An event that repeats is stored once, with its first date in `start_dt` /
`end_dt`, an RRULE value and the local dates skipped (`recurrence_exdates`).
Calendars get the rule (RRULE/EXDATE); our pages show it expanded: every
date is listed as an `Occurrence`, the series' page says how it repeats.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from dateutil.rrule import rrulestr
from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l

from ..timeutil import local_to_utc, site_zone, to_local
from .models import Event

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_OCCURRENCES = 200
POSITION_LABELS = {
    1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last"),
}


def month_position(day: date) -> int:
    """Which weekday of its month `day` is: 1 to 4, or -1 for the last (a fifth)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def build_rule(frequency: str, start_local: datetime, *, interval: int = 1,
               until: date | None = None, count: int | None = None,
               last_weekday: bool = False) -> str:
    """An RRULE value repeating the event weekly, or monthly on the start's weekday position."""
    weekday = WEEKDAYS[start_local.weekday()]
    parts = [f"FREQ={frequency.upper()}"]
    if interval and interval > 1:
        parts.append(f"INTERVAL={interval}")
    if frequency.upper() == "MONTHLY":
        position = -1 if last_weekday else month_position(start_local.date())
        parts.append(f"BYDAY={position}{weekday}")
    else:
        parts.append(f"BYDAY={weekday}")
    if until is not None:
        # RFC 5545: with a zoned DTSTART, UNTIL is in UTC; the end of that local day.
        end_of_day = local_to_utc(datetime.combine(until, time(23, 59, 59)))
        parts.append(f"UNTIL={end_of_day:%Y%m%dT%H%M%SZ}")
    elif count:
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def parse_rule(rule: str | None) -> dict[str, str]:
    if not rule:
        return {}
    return dict(part.split("=", 1) for part in rule.split(";") if "=" in part)


def _rrule(rule: str, start: datetime, zone=None):
    zone = zone or site_zone()
    # A zoned DTSTART: dateutil repeats the wall-clock time, so a 19:00
    # meeting stays at 19:00 across the daylight-saving changes.
    return rrulestr(rule, dtstart=start.astimezone(zone))


def occurrence_starts(rule: str, start: datetime, exdates=(), zone=None) -> list[datetime]:
    """Every occurrence's start (aware, local), skipped dates left out; at most MAX_OCCURRENCES + 1."""
    skipped = set(exdates or ())
    found = []
    for index, moment in enumerate(_rrule(rule, start, zone)):
        if index > MAX_OCCURRENCES:
            break
        if moment.date().isoformat() not in skipped:
            found.append(moment)
    return found


@dataclass
class Recurrence:
    """How a repeating event is shown: the rule in words and the next dates."""

    description: str
    next_starts: list[datetime]


def _weekday_name(day: date) -> str:
    return format_date(day, "EEEE")


def describe(event: Event) -> str:
    """"Every second Tuesday of the month, until 30 June 2027", in the reader's language."""
    parts = parse_rule(event.recurrence_rule)
    start = to_local(event.start_dt)
    weekday = _weekday_name(start.date())
    interval = int(parts.get("INTERVAL", "1") or 1)
    if parts.get("FREQ") == "MONTHLY":
        byday = parts.get("BYDAY", "")
        match = re.match(r"(-?\d)", byday)
        position = int(match.group(1)) if match else month_position(start.date())
        label = POSITION_LABELS.get(position, POSITION_LABELS[1])
        if interval > 1:
            text = gettext("Every %(num)d months on the %(position)s %(weekday)s",
                           num=interval, position=label, weekday=weekday)
        else:
            text = gettext("Every month on the %(position)s %(weekday)s",
                           position=label, weekday=weekday)
    else:
        if interval > 1:
            text = gettext("Every %(num)d weeks on %(weekday)s", num=interval, weekday=weekday)
        else:
            text = gettext("Every week on %(weekday)s", weekday=weekday)
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        if parts["UNTIL"].endswith("Z"):
            until = to_local(datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ")
                             .replace(tzinfo=timezone.utc)).date()
        text += ", " + gettext("until %(date)s", date=format_date(until, "long"))
    elif "COUNT" in parts:
        count = int(parts["COUNT"])
        text += ", " + ngettext("%(num)d time", "%(num)d times", count)
    return text


def recurrence(event: Event, now: datetime, limit: int = 5) -> Recurrence | None:
    """The event's repetition for its page: None when it does not repeat."""
    if not event.recurrence_rule:
        return None
    try:
        starts = occurrence_starts(event.recurrence_rule, event.start_dt,
                                   event.recurrence_exdates)
    except (ValueError, TypeError):
        return None
    upcoming = [s for s in starts if s.astimezone(timezone.utc) + (event.end_dt - event.start_dt) > now]
    return Recurrence(describe(event), upcoming[:limit])




class Occurrence:
    """One date of a repeating event, as a listing shows it: the event with
    that date's start and end (everything else is the series')."""

    __slots__ = ("event", "start_dt", "end_dt")

    def __init__(self, event: Event, start_dt: datetime, end_dt: datetime):
        self.event = event
        self.start_dt = start_dt
        self.end_dt = end_dt

    def __getattr__(self, name):
        return getattr(self.event, name)

    def __repr__(self) -> str:
        return f"<Occurrence {self.event.slug} {self.start_dt.isoformat()}>"


def occurrences_between(event: Event, after: datetime, before: datetime | None = None) -> list[Occurrence]:
    """The dates of `event` that end after `after` and start before `before` (UTC, aware).

    A rule that cannot be read lists the first date alone, as a calendar
    would show the event without its RRULE.
    """
    length = event.end_dt - event.start_dt
    try:
        starts = occurrence_starts(event.recurrence_rule, event.start_dt, event.recurrence_exdates)
    except (ValueError, TypeError):
        starts = [event.start_dt]
    found = []
    for start in starts:
        start = start.astimezone(timezone.utc)
        if before is not None and start >= before:
            break
        if start + length > after:
            found.append(Occurrence(event, start, start + length))
    return found


def last_end(event: Event) -> datetime:
    """The end of the last date of a repeating event (the first date's, if the rule is unreadable)."""
    try:
        starts = occurrence_starts(event.recurrence_rule, event.start_dt, event.recurrence_exdates)
    except (ValueError, TypeError):
        starts = []
    if not starts:
        return event.end_dt
    return starts[-1].astimezone(timezone.utc) + (event.end_dt - event.start_dt)
