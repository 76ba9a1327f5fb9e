"""Events into iCalendar (RFC 5545): the one builder behind every feed,
the single-event file and, later, the files attached to mail.

`build_calendar(events, …)` returns the calendar's bytes, what the feeds
serve. The builder needs an app context (for the event page addresses) and
a Flask-Babel locale (the labels in DESCRIPTION and the calendar's NAME are
in the reader's language): a request has both; mail code uses
`flask_babel.force_locale`.

What every VEVENT holds, and why:

- UID `<event.uid>@<host of SITE_URL>`: made once when the event is
  created and never regenerated, so a calendar updates the entry it already
  has instead of adding a second one.
- DTSTAMP and LAST-MODIFIED: the event's last change (`updated_dt`), not
  the time of the request, so the same rows always give the same bytes (and
  the feed's ETag can be computed from the rows without building it).
- SEQUENCE: grows with every change of time, place, title or status
  (`events.services.apply_changes`).
- DTSTART/DTEND in the site's zone with a TZID and a VTIMEZONE that covers
  every date in the file. A wall-clock time in the hour that repeats when the
  clocks fall back (01:30 on the first Sunday of November happens twice) is
  ambiguous with a TZID, so such an event is written in UTC (…Z) instead.
- No ATTENDEE and no personal data, ever: feeds are public.
- A repeating event (a Sub-council's monthly meeting) carries its RRULE
  and its skipped dates as EXDATE, in the same form as DTSTART (TZID, or
  UTC for a time in the repeated hour), and the VTIMEZONE covers every
  occurrence.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time
from dateutil.rrule import rrulestr
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.parser.content_line import Contentline
from icalendar.prop import (
    vCalAddress,
    vDDDLists,
    vDuration,
    vRecur,
    vText,
)

from ..councils.models import Recommendation, SubCouncil, Theme
from ..events.models import KIND_LABELS, Event, EventKind, EventStatus, Venue
from ..i18n import current_language

PRODID = "-//London & Middlesex Local Immigration Partnership//Community Events//EN"
# Part of every feed's validator: change it when the bytes for the same rows
# change (a new property, a new label), so that calendars fetch them again.
FORMAT_VERSION = 3  # 2: RRULE/EXDATE of repeating events; 3: every site language, translated notes


@dataclass(frozen=True, slots=True)
class CalendarSession:
    """A session as its meeting's description lists it."""

    start_dt: datetime
    end_dt: datetime
    title: str
    language: str
    translations: dict
    status: str


@dataclass(frozen=True, slots=True)
class CalendarParent:
    """The meeting a session is part of."""

    uid: str
    title: str
    language: str
    translations: dict
    status: str


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """An event as calendars show it: what the builder reads, and nothing else.

    A snapshot rather than the `Event` model, so that a feed of thousands of
    events is read from plain rows (`ical.services.feed_events`, a third of
    the time of loading models with their collections) while one event, for
    its file or a mail, comes from the model (`from_model`). Venue, council,
    themes and recommendations are the models themselves: few, and shared.
    """

    uid: str
    slug: str
    kind: str
    status: str
    sequence: int
    title: str
    summary: str
    # The language title, summary and notes are written in, and their
    # translations ({"fr": {"title": …}}), as on the model (`i18n.Localized`).
    language: str
    translations: dict
    start_dt: datetime
    end_dt: datetime
    created_dt: datetime
    updated_dt: datetime
    venue: Venue | None
    online_url: str | None
    council: SubCouncil | None
    presenter: str | None
    languages: list[str]
    accessibility_notes: str
    interpretation_notes: str
    childcare_notes: str
    themes: list[Theme]
    recommendations: list[Recommendation]
    parent: CalendarParent | None = None
    sessions: list[CalendarSession] = field(default_factory=list)  # public ones only
    # RFC 5545 RRULE value and the local dates skipped (ISO), for a repeating event.
    recurrence_rule: str | None = None
    recurrence_exdates: tuple[str, ...] = ()

    @classmethod
    def from_model(cls, event: Event) -> CalendarEvent:
        """From a loaded `Event` (get_public_event loads everything this reads)."""
        parent = event.parent
        return cls(
            uid=event.uid,
            slug=event.slug,
            kind=event.kind,
            status=event.status,
            sequence=event.sequence or 0,
            title=event.title,
            summary=event.summary or "",
            language=event.language or "en",
            translations=dict(event.translations or {}),
            start_dt=event.start_dt,
            end_dt=event.end_dt,
            created_dt=event.created_dt,
            updated_dt=event.updated_dt,
            venue=event.where_venue,  # a session without a place of its own: its meeting's
            online_url=event.where_online_url,
            council=event.council,
            presenter=event.presenter,
            languages=list(event.languages or []),
            accessibility_notes=event.accessibility_notes or "",
            interpretation_notes=event.interpretation_notes or "",
            childcare_notes=event.childcare_notes or "",
            themes=list(event.themes),
            recommendations=list(event.recommendations),
            parent=(
                CalendarParent(parent.uid, parent.title, parent.language or "en",
                               dict(parent.translations or {}), parent.status)
                if parent is not None else None
            ),
            sessions=[
                CalendarSession(s.start_dt, s.end_dt, s.title, s.language or "en",
                                dict(s.translations or {}), s.status)
                for s in event.public_sessions
            ],
            recurrence_rule=event.recurrence_rule or None,
            recurrence_exdates=tuple(event.recurrence_exdates or ()),
        )


class Method(enum.StrEnum):
    """iTIP methods (RFC 5546): PUBLISH for feeds and files; REQUEST and
    CANCEL for the invitations and cancellations sent by mail."""

    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


def escape_text(text: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 says (and as icalendar's
    `vText` does, the tests compare the two): backslash, semicolon, comma,
    and any line break as `\\n`."""
    return (
        text.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def property_line(name: str, value) -> str:
    """One property of an icalendar value type (with its parameters),
    serialised and folded by icalendar itself: for the few that are not
    plain text or a moment (RRULE, EXDATE, ORGANIZER, RELATED-TO)."""
    return fold(str(Contentline.from_parts(name, value.params, value, sorted=True)))


def _moment(value: datetime) -> str:
    """DATE-TIME form (RFC 5545 §3.3.5): UTC with Z, else local (its TZID is a parameter)."""
    text = f"{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    return text + "Z" if value.tzinfo is timezone.utc else text


_ESCAPES = frozenset(b"\\^")


def fold(line: str) -> str:
    """Fold a content line as icalendar does (RFC 5545 §3.1).

    Pieces of at most 74 octets, never splitting a UTF-8 sequence, and never
    ending a piece on a backslash or caret (some clients misread an escape
    cut in two); continuation lines begin with one space, so no line is longer
    than 75 octets. ASCII text (one octet a character) is cut as it is.
    """
    ascii_only = line.isascii()
    data = line if ascii_only else line.encode("utf-8")
    if len(data) < 75:
        return line
    escapes = "\\^" if ascii_only else _ESCAPES
    pieces = []
    start = 0
    while len(data) - start >= 75:
        end = start + 74
        if not ascii_only:
            while data[end] & 0xC0 == 0x80:  # inside a multi-byte character
                end -= 1
        if end - start > 1 and data[end - 1] in escapes:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return "\r\n ".join(pieces) if ascii_only else b"\r\n ".join(pieces).decode("utf-8")


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[tuple]:
    """Every change of the zone's UTC offset in these years:
    (local onset in the offset before, offset before, offset after, name after, is DST after)."""
    found = []
    moment = datetime(first_year, 1, 1, tzinfo=timezone.utc)
    end = datetime(last_year + 1, 1, 1, tzinfo=timezone.utc)
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + timedelta(days=1)
        after = following.astimezone(zone).utcoffset()
        if after != before:
            low, high = moment, following  # the change happens in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            onset = (high + before).replace(tzinfo=None)
            found.append((onset, before, after, local.tzname(), bool(local.dst())))
            before = after
        moment = following
    return found


def _yearly_rule(onsets: list[datetime], first_year: int, last_year: int) -> dict | None:
    """RRULE parts when the onsets are "the nth (or last) weekday of a month",
    once in each of these years; None when they are not."""
    years = [onset.year for onset in onsets]
    if years != list(range(first_year, last_year + 1)):
        return None
    first = onsets[0]
    if any(
        (o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time())
        for o in onsets
    ):
        return None
    nths = {(o.day - 1) // 7 + 1 for o in onsets}
    if len(nths) == 1 and nths != {5}:
        nth = nths.pop()
    elif all((o + timedelta(days=7)).month != o.month for o in onsets):
        nth = -1
    else:
        return None
    return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{nth}{_WEEKDAYS[first.weekday()]}"}


@lru_cache(maxsize=16)
def vtimezone(zone_key: str, first_year: int, last_year: int) -> Timezone:
    """The zone's VTIMEZONE, valid from before `first_year` to after `last_year`.

    Written the way Google, Apple and Microsoft write their own: one STANDARD
    and one DAYLIGHT observance, each a yearly RRULE ("second Sunday of
    March, 02:00"), with DTSTART the local onset in the offset it ends
    (RFC 5545 §3.6.5). icalendar's `Timezone.from_tzinfo` lists every
    transition as an RDATE instead, which Outlook is known to misread (events
    an hour off), so it serves only as the fallback for a zone whose rules
    change within the years asked for. Transitions are computed from the tz
    database (zoneinfo) over the year before `first_year` too, so that a time
    early in `first_year` follows an onset. Cached: do not modify the result.
    """
    zone = ZoneInfo(zone_key)
    transitions = _transitions(zone, first_year - 1, last_year)
    component = Timezone()
    component.add("TZID", zone_key)
    if not transitions:  # no daylight saving time: one observance
        start = datetime(first_year - 1, 1, 1)
        local = start.replace(tzinfo=zone)
        observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
        observance.add("DTSTART", start)
        observance.add("TZOFFSETFROM", local.utcoffset())
        observance.add("TZOFFSETTO", local.utcoffset())
        observance.add("TZNAME", local.tzname())
        component.add_component(observance)
        return component
    groups: dict[tuple, list[datetime]] = {}
    for onset, before, after, name, is_dst in transitions:
        groups.setdefault((is_dst, before, after, name), []).append(onset)
    observances = []
    for (is_dst, before, after, name), onsets in groups.items():
        rule = _yearly_rule(onsets, first_year - 1, last_year)
        if rule is None:
            return Timezone.from_tzinfo(
                zone, zone_key, date(first_year - 1, 1, 1), date(last_year + 1, 1, 1)
            )
        observance = TimezoneDaylight() if is_dst else TimezoneStandard()
        observance.add("DTSTART", onsets[0])
        observance.add("RRULE", rule)
        observance.add("TZOFFSETFROM", before)
        observance.add("TZOFFSETTO", after)
        observance.add("TZNAME", name)
        observances.append(observance)
    # DAYLIGHT first, as the big calendar services write it.
    observances.sort(key=lambda o: o.name != "DAYLIGHT")
    component.subcomponents.extend(observances)
    return component


def is_ambiguous(local: datetime) -> bool:
    """Whether this wall-clock time happens twice (the fall-back hour)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def site_host(site_url: str) -> str:
    return urlsplit(site_url).hostname or "localhost"


def event_uid(event: Event | CalendarEvent, site_url: str) -> str:
    return f"{event.uid}@{site_host(site_url)}"


def event_url_maker(site_url: str):
    """`slug -> absolute address of the event page`, built once per calendar.

    From the URL map rather than written out, without a request (mail), and
    without paying for `url_for` 2,000 times.
    """
    marker = "EVENT-SLUG"
    path = current_app.url_map.bind("localhost").build("events.detail", {"slug": marker})
    prefix, suffix = path.split(marker)
    return lambda slug: f"{site_url}{prefix}{quote(slug, safe='')}{suffix}"


@lru_cache(maxsize=256)
def _language_name(code: str, locale: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(Locale.parse(locale))
    except (ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


def _labels() -> dict[str, str]:
    """The labels of DESCRIPTION in the reader's language, translated once per calendar.

    Without variables `gettext` returns the translated pattern as is; it is
    filled in with `%` for each event.
    """
    return {
        "cancelled": _("This event has been cancelled."),
        "part_of": _("Part of: %(meeting)s"),
        "council": _("Sub-council: %(council)s"),
        "presenter": _("Presented by %(presenter)s"),
        "acts_on": _("Acts on:"),
        "languages": _("Languages: %(languages)s"),
        "accessibility": _("Accessibility: %(notes)s"),
        "interpretation": _("Interpretation: %(notes)s"),
        "childcare": _("Childcare: %(notes)s"),
        "online": _("Join online: %(url)s"),
        "sessions": _("Sessions:"),
        "session_cancelled": _("Cancelled"),
        "page": _("Event page: %(url)s"),
    }


class EventWriter:
    """Writes the VEVENTs of one calendar.

    Everything that many events share is prepared once: the labels in the
    reader's language, the localised names of councils, themes and
    recommendations, and the lines many events share (a stamp, a location,
    a set of categories is written once and reused by every event that has
    it).
    """

    def __init__(self, site_url: str, zone: ZoneInfo, method: Method, organizer: str | None):
        self.zone = zone
        self.method = method
        self.host = site_host(site_url)
        self.event_url = event_url_maker(site_url)
        self.locale = str(get_locale() or "en")
        self.reader_language = current_language()
        self.labels = _labels()
        self.kind_labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
        self.organizer = None  # the ORGANIZER line
        if organizer:
            address = vCalAddress(organizer if ":" in organizer else f"mailto:{organizer}")
            address.params["CN"] = current_app.config["SITE_NAME"]
            self.organizer = property_line("ORGANIZER", address)
        self.first_day: date | None = None
        self.last_day: date | None = None
        self.uses_zone = False
        self._names: dict = {}
        self._values: dict = {}

    def text(self, row, field: str) -> str:
        """`row.localized(field)` (the reader's language, else as written),
        without asking Flask-Babel for the locale each time."""
        language = self.reader_language
        if language != row.language:
            translated = (row.translations.get(language) or {}).get(field)
            if translated:
                return translated
        return getattr(row, field) or ""

    def name(self, row, field: str = "name") -> str:
        """`text` of a row many events share (a venue, a council, a theme), once per calendar."""
        key = (id(row), field)  # the rows outlive the calendar: their ids are theirs
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = self.text(row, field)
        return found

    def shared(self, kind: str, key, make):
        """One property value per distinct `key`, reused by every event that has it."""
        found = self._values.get((kind, key))
        if found is None:
            found = self._values[(kind, key)] = make()
        return found

    def language(self, code: str) -> str:
        return _language_name(code, self.locale)

    def time(self, value: datetime) -> str:
        """'10:00 AM' / '10 h 00': in the calendar's zone and the reader's language."""
        return format_time(value, "short", tzinfo=self.zone, locale=self.locale)

    def times(self, event: CalendarEvent) -> tuple[datetime, datetime]:
        start = event.start_dt.astimezone(self.zone)
        end = event.end_dt.astimezone(self.zone)
        if is_ambiguous(start) or is_ambiguous(end):
            # A TZID time in the repeated hour means its first occurrence
            # (RFC 5545 §3.3.5): only UTC says which one is meant.
            return event.start_dt.astimezone(timezone.utc), event.end_dt.astimezone(timezone.utc)
        self.uses_zone = True
        if self.first_day is None or start.date() < self.first_day:
            self.first_day = start.date()
        if self.last_day is None or end.date() > self.last_day:
            self.last_day = end.date()
        return start, end

    def is_cancelled(self, event: CalendarEvent) -> bool:
        """Cancelled itself, or a session of a cancelled meeting."""
        return event.status == EventStatus.CANCELLED or (
            event.parent is not None and event.parent.status == EventStatus.CANCELLED
        )

    def location(self, event: CalendarEvent) -> str | None:
        if event.venue is not None:
            return f"{self.name(event.venue)}, {event.venue.address}"
        return event.online_url or None

    def categories(self, event: CalendarEvent) -> tuple[str, ...]:
        found = []
        if event.council is not None:
            found.append(self.name(event.council))
        found.extend(self.name(theme) for theme in event.themes)
        found.append(self.kind_labels[EventKind(event.kind)])
        return tuple(dict.fromkeys(found))  # once each, in order

    def description(self, event: CalendarEvent, url: str) -> str:
        """Plain text: what the event is, who runs it, what it acts on, how to get there."""
        labels = self.labels
        lines = []
        if self.is_cancelled(event):
            lines += [labels["cancelled"], ""]
        summary = self.text(event, "summary")
        if summary:
            lines += [summary, ""]
        if event.parent is not None:
            lines.append(labels["part_of"] % {"meeting": self.text(event.parent, "title")})
        if event.council is not None:
            lines.append(labels["council"] % {"council": self.name(event.council)})
        if event.presenter:
            lines.append(labels["presenter"] % {"presenter": event.presenter})
        if event.recommendations:
            lines.append(labels["acts_on"])
            lines += [
                f"- {rec.code} {self.name(rec, 'title')} ({self.name(rec.council)})"
                for rec in event.recommendations
            ]
        if event.languages:
            languages = ", ".join(self.language(code) for code in event.languages)
            lines.append(labels["languages"] % {"languages": languages})
        venue_notes = self.name(event.venue, "accessibility_notes") if event.venue is not None else ""
        access = " ".join(note for note in (self.text(event, "accessibility_notes"), venue_notes) if note)
        if access:
            lines.append(labels["accessibility"] % {"notes": access})
        interpretation = self.text(event, "interpretation_notes")
        if interpretation:
            lines.append(labels["interpretation"] % {"notes": interpretation})
        childcare = self.text(event, "childcare_notes")
        if childcare:
            lines.append(labels["childcare"] % {"notes": childcare})
        if event.online_url and event.venue is not None:
            lines.append(labels["online"] % {"url": event.online_url})
        sessions = event.sessions
        if sessions:
            lines += ["", labels["sessions"]]
            for session in sessions:
                line = f"- {self.time(session.start_dt)} – {self.time(session.end_dt)} {self.text(session, 'title')}"
                if session.status == EventStatus.CANCELLED:
                    line += f" ({labels['session_cancelled']})"
                lines.append(line)
        lines += ["", labels["page"] % {"url": url}]
        return "\n".join(lines).strip()

    def stamp(self, moment: datetime) -> str:
        return self.shared("stamp", moment, lambda: _moment(moment.astimezone(timezone.utc)))

    def when(self, name: str, moment: datetime) -> str:
        """DTSTART/DTEND: with the calendar's TZID, or in UTC (see `times`)."""
        if moment.tzinfo is timezone.utc:
            return f"{name}:{_moment(moment)}"
        return f"{name};TZID={self.zone.key}:{_moment(moment)}"

    def vevent(self, event: CalendarEvent) -> str:
        """The event's VEVENT, as content lines.

        Written directly rather than through icalendar's property objects:
        for a 2,000-event feed, making and serialising 30,000 of those took
        most of the build. The lines are the very ones icalendar writes (the
        tests parse them back with icalendar and other parsers, and compare
        the escaping and folding with icalendar's): the properties in
        icalendar's order (its canonical ones first, then alphabetical), TEXT
        escaped by `escape_text`, long lines folded by `fold`. Values many
        events share (a stamp, a location, a set of categories) are written
        once per calendar.
        """
        url = self.event_url(event.slug)
        start, end = self.times(event)
        shared = self.shared
        stamp = self.stamp(event.updated_dt)
        sequence = event.sequence or 0
        lines = [
            "BEGIN:VEVENT",
            fold(f"SUMMARY:{escape_text(self.text(event, 'title'))}"),
            self.when("DTSTART", start),
            self.when("DTEND", end),
            f"DTSTAMP:{stamp}",
            fold(f"UID:{escape_text(f'{event.uid}@{self.host}')}"),
            f"SEQUENCE:{sequence}",
        ]
        if event.recurrence_rule:
            lines += self.repeat(event, start)
        categories = self.categories(event)
        lines.append(shared("categories", categories, lambda: fold(
            "CATEGORIES:" + ",".join(escape_text(category) for category in categories)
        )))
        lines.append(f"CREATED:{self.stamp(event.created_dt)}")
        lines.append(fold(f"DESCRIPTION:{escape_text(self.description(event, url))}"))
        lines.append(f"LAST-MODIFIED:{stamp}")
        location = self.location(event)
        if location:
            lines.append(shared("location", location, lambda: fold(f"LOCATION:{escape_text(location)}")))
        if self.organizer is not None:
            lines.append(self.organizer)
        if event.parent is not None:
            parent_uid = event.parent.uid
            lines.append(shared("parent", parent_uid, lambda: self.related(parent_uid)))
        status = "CANCELLED" if self.method is Method.CANCEL or self.is_cancelled(event) else "CONFIRMED"
        lines.append(f"STATUS:{status}")
        lines.append(fold(f"URL:{url}"))
        lines.append("END:VEVENT\r\n")
        return "\r\n".join(lines)

    def repeat(self, event: CalendarEvent, start: datetime) -> list[str]:
        """RRULE and EXDATE (at the start's wall-clock time, in DTSTART's form);
        the calendar's VTIMEZONE is made to reach the last occurrence."""
        lines = [property_line("RRULE", vRecur.from_ical(event.recurrence_rule))]
        local_start = event.start_dt.astimezone(self.zone)
        if event.recurrence_exdates:
            skipped = []
            for day in sorted(event.recurrence_exdates):
                moment = datetime.combine(date.fromisoformat(day), local_start.time(),
                                          tzinfo=self.zone)
                skipped.append(moment if start.tzinfo is not timezone.utc
                               else moment.astimezone(timezone.utc))
            lines.append(property_line("EXDATE", vDDDLists(skipped)))
        if self.uses_zone and self.last_day is not None:
            last = _last_occurrence(event.recurrence_rule, local_start)
            if last is not None and last.date() > self.last_day:
                self.last_day = last.date()
        return lines

    def related(self, parent_uid: str) -> str:
        value = vText(f"{parent_uid}@{self.host}")
        value.params["RELTYPE"] = "PARENT"
        return property_line("RELATED-TO", value)


def _last_occurrence(rule: str, local_start: datetime) -> datetime | None:
    """The last start of a bounded rule (UNTIL or COUNT), at most 1,000 occurrences on."""
    last = None
    try:
        for index, moment in enumerate(rrulestr(rule, dtstart=local_start)):
            last = moment
            if index >= 1000:
                break
    except (ValueError, TypeError):
        return None
    return last


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    site_url: str,
    zone: ZoneInfo,
    method: Method = Method.PUBLISH,
    name: str | None = None,
    description: str | None = None,
    refresh: timedelta | None = None,
    organizer: str | None = None,
) -> bytes:
    """A calendar of `events` (each one VEVENT, in the order given), as bytes.

    `name` and `description` (feeds only) become NAME/X-WR-CALNAME and
    DESCRIPTION/X-WR-CALDESC; `refresh` becomes REFRESH-INTERVAL and
    X-PUBLISHED-TTL. `method` REQUEST or CANCEL (mail) needs `organizer`, the
    partnership's own address; CANCEL marks every event cancelled. The
    person an invitation is for is added by `registrations.notifications`:
    feeds never carry personal data. The builder runs no query: `CalendarEvent` holds everything it writes.

    The calendar's own properties and its VTIMEZONE are an `icalendar.Calendar`;
    the VEVENTs are `EventWriter.vevent`'s lines, placed before its END.
    """
    method = Method(method)
    if method is not Method.PUBLISH and not organizer:
        raise ValueError(f"METHOD:{method} needs an organizer (RFC 5546)")
    writer = EventWriter(site_url, zone, method, organizer)
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", str(method))
    if name:
        calendar.calendar_name = name
    if description:
        calendar.description = description
    if refresh:
        calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
        calendar["X-PUBLISHED-TTL"] = vDuration(refresh)
    vevents = [writer.vevent(event) for event in events]
    if writer.uses_zone:
        # One VTIMEZONE before the events, covering every date they use.
        calendar.add_component(
            vtimezone(zone.key, writer.first_day.year, writer.last_day.year)
        )
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return b"".join((head[: -len(end)], "".join(vevents).encode("utf-8"), end))
