"""Reading calendars the way calendar apps do, with parsers that are not the
one that writes them (icalendar): `ical` (strict: it refuses a TZID without
its VTIMEZONE) and `vobject` (validating). Repeating events are expanded by
two engines that share no code with icalendar either: `ical`'s own timeline
and dateutil's rrule sets as vobject builds them; both must agree.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import vobject
from ical.calendar_stream import IcsCalendarStream

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# slug: (UTC start, minutes, local wall-clock start in Toronto, its fold)
AROUND_DST = {
    "sat-before-spring-forward": (utc(2027, 3, 13, 15, 0), 60, datetime(2027, 3, 13, 10, 0), 0),
    "spring-forward-sunday": (utc(2027, 3, 14, 14, 0), 60, datetime(2027, 3, 14, 10, 0), 0),
    "sat-before-fall-back": (utc(2026, 10, 31, 14, 0), 60, datetime(2026, 10, 31, 10, 0), 0),
    "fall-back-sunday": (utc(2026, 11, 1, 15, 0), 60, datetime(2026, 11, 1, 10, 0), 0),
    # 01:30 happens twice that night: first in daylight time, then in standard time.
    "half-past-one-edt": (utc(2026, 11, 1, 5, 30), 15, datetime(2026, 11, 1, 1, 30), 0),
    "half-past-one-est": (utc(2026, 11, 1, 6, 30), 60, datetime(2026, 11, 1, 1, 30), 1),
}
AMBIGUOUS = {"half-past-one-edt", "half-past-one-est"}

TRICKY_TITLE = "Café, thé; «réunion» – مرحبا بكم\nSecond line, with \\ backslash"




@dataclass
class Parsed:
    """One calendar as each parser sees it: {UID: (DTSTART, DTEND, SUMMARY, STATUS)}."""

    ical: dict
    vobject: dict
    expanded: dict  # each UID's first occurrence, from ical's timeline
    occurrences: dict  # {UID: [starts]} in the window, the same from both engines

    def all(self) -> dict:
        return {"ical": self.ical, "vobject": self.vobject, "ical timeline": self.expanded}


WINDOW = (datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def parse_everywhere(body: bytes | str) -> Parsed:
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    strict = IcsCalendarStream.calendar_from_ics(text)
    by_ical = {
        e.uid: (e.dtstart, e.dtend, e.summary, e.status.value if e.status else None)
        for e in strict.events
    }
    card = vobject.readOne(text, validate=True)
    by_vobject = {
        e.uid.value: (
            e.dtstart.value,
            e.dtend.value,
            e.summary.value,
            e.status.value if hasattr(e, "status") else None,
        )
        for e in getattr(card, "vevent_list", [])
    }
    # Expanded by ical's own recurrence engine...
    by_expansion, timeline = {}, {}
    for e in strict.timeline_tz(UTC).overlapping(*WINDOW):
        by_expansion.setdefault(
            e.uid, (e.dtstart, e.dtend, e.summary, e.status.value if e.status else None))
        timeline.setdefault(e.uid, []).append(e.dtstart.astimezone(UTC))
    # ...and by dateutil's, from what vobject read.
    by_rruleset = {}
    for e in getattr(card, "vevent_list", []):
        rules = e.getrruleset(addRDate=True)
        starts = list(rules) if rules is not None else [e.dtstart.value]
        by_rruleset[e.uid.value] = [s.astimezone(UTC) for s in starts if WINDOW[0] <= s < WINDOW[1]]
    assert {uid: sorted(starts) for uid, starts in timeline.items()} == {
        uid: sorted(starts) for uid, starts in by_rruleset.items() if starts}, \
        "the two recurrence engines disagree"
    assert len(by_ical) == len(strict.events), "duplicate UIDs"
    assert set(by_ical) == set(by_vobject) == set(by_expansion)
    return Parsed(by_ical, by_vobject, by_expansion, timeline)


def unfolded(body: bytes) -> list[str]:
    """The content lines, unfolded (RFC 5545 §3.1)."""
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def properties(body: bytes, name: str) -> list[str]:
    """Raw values of a property (parameters included), in order."""
    found = []
    for line in unfolded(body):
        match = re.match(rf"{name}(?=[;:])(.*)$", line)
        if match:
            found.append(match.group(1))
    return found


def vevent_blocks(body: bytes) -> list[list[str]]:
    blocks, current = [], None
    for line in unfolded(body):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def assert_wire_format(body: bytes) -> None:
    """CRLF line ends only, every line at most 75 octets, BEGIN:VCALENDAR first."""
    assert body.startswith(b"BEGIN:VCALENDAR\r\n"), body[:40]
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b""), "a bare LF"
    assert b"\r" not in body.replace(b"\r\n", b""), "a bare CR"
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, f"{len(line)} octets: {line!r}"
        line.decode("utf-8")  # no UTF-8 sequence cut in two by folding


