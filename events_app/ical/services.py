"""Calendar feeds: which events each feed holds, its validator, its bytes;
the subscribe page's list of feeds; "Add to calendar" links.

Every function takes the session and `now` (and the site's address, zone
and language) as arguments; none reads the clock or the request. The two
in-process caches live on the app (`current_app.extensions`).

A feed's ETag and Last-Modified come from one aggregate query over the
feed's rows (how many, which, their SEQUENCE and last change, their
meeting's last change, the last time an event aged out of the window) plus
the reader's language. The calendar itself is a pure function of those rows
and that language, so a 304 is answered without building it, and the bytes
built once are kept in a small in-process cache under that validator: any
process, given the same database, computes the same validator, and a change
anywhere in the feed changes it. A process trusts a validator it has read
for CALENDAR_VALIDATOR_SECONDS (see `ValidatorMemo`).

Not in the validator: the names and addresses of the rows events point to
(venue, Sub-council, theme, recommendation). Nothing edits those yet; the
code that will must set the `updated_dt` of the events that show them, so
that their feeds change.
"""
from __future__ import annotations

import enum
import gc
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property, lru_cache
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased
from werkzeug.http import http_date, quote_etag

from ..councils.models import Recommendation, SubCouncil, Theme
from ..dbutil import epoch_ms
from ..events.models import (
    Event,
    EventKind,
    EventStatus,
    Venue,
    LANGUAGE_CODE,
    event_recommendations,
    event_themes,
    held_in,
)
from ..events.services import PUBLIC_STATUSES, earliest_start, get_public_event
from ..i18n import event_language_codes, language_name
from ..pagecache import site_state
from ..timeutil import UTCDateTime
from .builders import (
    FORMAT_VERSION,
    CalendarEvent,
    CalendarParent,
    CalendarSession,
    build_calendar,
    event_url_maker,
)

# Events stay in the feeds until 60 days after they end: long enough for a
# subscribed calendar to learn of a late cancellation, short enough that the
# feed does not grow forever.
FEED_WINDOW = timedelta(days=60)
# The most events one feed carries: those of the window, by start (from 60
# days back). A feed then costs the same to check and build at 100,000
# events as at 2,000; the feeds by Sub-council, theme, kind and language
# carry the rest.
FEED_MAX_EVENTS = 2000
# REFRESH-INTERVAL and X-PUBLISHED-TTL: calendars may check hourly.
FEED_REFRESH = timedelta(hours=1)

KIND_FEED_TITLES = {
    EventKind.COMMUNITY_MEETING: _l("Community meetings"),
    EventKind.WORKSHOP: _l("Workshops"),
    EventKind.NEIGHBOURHOOD_EVENT: _l("Neighbourhood events"),
    EventKind.COUNCIL_MEETING: _l("Sub-council meetings"),
}


class Scope(enum.StrEnum):
    ALL = "all"
    COUNCIL = "council"
    THEME = "theme"
    KIND = "kind"
    LANGUAGE = "language"


@dataclass(frozen=True)
class Feed:
    """One calendar feed: everything, or one Sub-council, theme or kind."""

    scope: Scope
    key: str | None = None  # the council's or theme's slug, or the kind
    subject_id: int | None = None  # the council's or theme's id
    # Text of the subject that the feed shows (its name): part of the ETag.
    fingerprint: tuple = ()
    # In the reader's language.
    title: str = ""  # short, for the subscribe page: "Health and Wellbeing"
    name: str = ""  # the calendar's name in a calendar app
    description: str = ""

    @property
    def anchor(self) -> str:
        return f"feed-{self.scope}" + (f"-{self.key}" if self.key else "")

    @property
    def endpoint(self) -> tuple[str, dict]:
        if self.scope is Scope.ALL:
            return "ical.all_feed", {}
        if self.scope is Scope.KIND:
            return "ical.kind_feed", {"kind": self.key}
        if self.scope is Scope.LANGUAGE:
            return "ical.language_feed", {"code": self.key}
        return f"ical.{self.scope}_feed", {"slug": self.key}


@dataclass(frozen=True)
class Validator:
    etag: str  # without quotes; strong
    last_modified: datetime | None

    @cached_property
    def etag_header(self) -> str:
        return quote_etag(self.etag)

    @cached_property
    def last_modified_header(self) -> str | None:
        return http_date(self.last_modified) if self.last_modified is not None else None

    @cached_property
    def gzip(self) -> "Validator":
        """The same content gzipped: other bytes, so another (strong) ETag."""
        return Validator(f"{self.etag}-gzip", self.last_modified)


# ---------------------------------------------------------------------------
# Which feed


def _organisation() -> str:
    """The partnership's name spelled out (calendar apps list feeds by name;
    newcomers do not know the acronym), in the reader's language."""
    return _(current_app.config["SITE_NAME"])


def all_feed() -> Feed:
    return Feed(
        Scope.ALL,
        title=_("All events"),
        name=_("Community events: %(organisation)s", organisation=_organisation()),
        description=_(
            "Every community meeting, neighbourhood event and workshop of the "
            "London & Middlesex Local Immigration Partnership."
        ),
    )


def council_feed(council: SubCouncil) -> Feed:
    name = council.localized("name")
    return Feed(
        Scope.COUNCIL,
        council.slug,
        council.id,
        (name,),
        title=name,
        name=_("%(council)s Sub-council: %(organisation)s", council=name, organisation=_organisation()),
        description=_(
            "Events organised by the %(council)s Sub-council of the London & Middlesex "
            "Local Immigration Partnership, or acting on its recommendations.",
            council=name,
        ),
    )


def theme_feed(theme: Theme) -> Feed:
    name = theme.localized("name")
    return Feed(
        Scope.THEME,
        theme.slug,
        theme.id,
        (name,),
        title=name,
        name=_("%(theme)s: %(organisation)s", theme=name, organisation=_organisation()),
        description=_(
            "Events of the London & Middlesex Local Immigration Partnership on the "
            "theme “%(theme)s”.",
            theme=name,
        ),
    )


def kind_feed(kind: EventKind) -> Feed:
    title = str(KIND_FEED_TITLES[kind])
    return Feed(
        Scope.KIND,
        str(kind),
        title=title,
        name=_("%(kind)s: %(organisation)s", kind=title, organisation=_organisation()),
        description=_(
            "%(kind)s of the London & Middlesex Local Immigration Partnership.", kind=title
        ),
    )


def language_feed(code: str) -> Feed:
    name = language_name(code)
    return Feed(
        Scope.LANGUAGE,
        code,
        title=name,
        name=_("Events in %(language)s: %(organisation)s", language=name, organisation=_organisation()),
        description=_(
            "Events of the London & Middlesex Local Immigration Partnership held in "
            "%(language)s or with interpretation into it.", language=name),
    )


_COUNCIL_BY_SLUG = select(SubCouncil).where(SubCouncil.slug == bindparam("slug"))
_THEME_BY_SLUG = select(Theme).where(Theme.slug == bindparam("slug"))


def find_feed(session: Session, scope: Scope | str, key: str | None = None) -> Feed | None:
    """The feed at this address, or None when there is no such council, theme or kind."""
    scope = Scope(scope)
    if scope is Scope.ALL:
        return all_feed()
    if scope is Scope.KIND:
        return kind_feed(EventKind(key)) if key in set(EventKind) else None
    if scope is Scope.LANGUAGE:
        return language_feed(key) if key and LANGUAGE_CODE.match(key) else None
    statement = _COUNCIL_BY_SLUG if scope is Scope.COUNCIL else _THEME_BY_SLUG
    row = session.execute(statement, {"slug": key}).scalar_one_or_none()
    if row is None:
        return None
    return council_feed(row) if scope is Scope.COUNCIL else theme_feed(row)


def all_feeds(session: Session) -> list[tuple[str, list[Feed]]]:
    """Every feed, grouped as the subscribe page shows them."""
    councils = session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name))
    themes = session.scalars(select(Theme).order_by(Theme.position, Theme.name))
    return [
        (_("Everything"), [all_feed()]),
        (_("By Sub-council"), [council_feed(c) for c in councils]),
        (_("By theme"), [theme_feed(t) for t in themes]),
        (_("By kind of event"), [kind_feed(kind) for kind in EventKind]),
        (_("By language"), [language_feed(code) for code in event_language_codes()]),
    ]


# ---------------------------------------------------------------------------
# Which events


Parent = aliased(Event, name="parent_event")


# The feed's statements are built once per scope with bound parameters:
# building a SQLAlchemy statement costs more than SQLite takes to run it, and
# the 304 path runs one per request.
SUBJECT = bindparam("subject")  # the council's or theme's id, or the kind
BOUNDARY = bindparam("boundary", type_=UTCDateTime())  # the window's start
# The earliest start of an event that does not repeat and is still in the
# window: the window's start less the longest such event.
EARLIEST = earliest_start(BOUNDARY)


def _matches(scope: Scope, event):
    """The feed's criterion on one event row (`Event` or its meeting `Parent`)."""
    if scope is Scope.KIND:
        return event.kind == SUBJECT
    if scope is Scope.LANGUAGE:
        return held_in(event, SUBJECT)
    if scope is Scope.THEME:
        return exists().where(
            event_themes.c.event_id == event.id, event_themes.c.theme_id == SUBJECT
        )
    # A Sub-council's feed: what it organises and what acts on its
    # recommendations, as on its page.
    return or_(
        event.council_id == SUBJECT,
        exists().where(
            event_recommendations.c.event_id == event.id,
            event_recommendations.c.recommendation_id == Recommendation.id,
            Recommendation.council_id == SUBJECT,
        ),
    )


def _feed_conditions(scope: Scope) -> list:
    """Public events of the feed, at any time (the window is applied apart).

    Query from `Event` outer-joined to its meeting `Parent`. A session comes
    with its meeting: it is in a feed when it, or its meeting, matches; never
    when its meeting is still a draft.
    """
    conditions = [
        Event.status.in_(PUBLIC_STATUSES),
        or_(Event.parent_id.is_(None), Parent.status.in_(PUBLIC_STATUSES)),
    ]
    if scope is not Scope.ALL:
        conditions.append(or_(_matches(scope, Event), _matches(scope, Parent)))
    return conditions


def _parameters(feed: Feed, now: datetime) -> dict:
    return {"subject": feed.subject_id if feed.subject_id is not None else feed.key,
            "boundary": window_start(now)}


def window_start(now: datetime) -> datetime:
    return now - FEED_WINDOW


# The columns of `Event` a calendar shows (not the Markdown description).
_CALENDAR_COLUMNS = (
    "id", "uid", "slug", "kind", "status", "sequence", "title", "summary",
    "language", "translations", "start_dt", "end_dt", "created_dt", "updated_dt", "venue_id", "online_url",
    "council_id", "presenter", "languages", "accessibility_notes", "interpretation_notes",
    "childcare_notes", "recurrence_rule", "recurrence_exdates",
)


Child = aliased(Event, name="session_event")


def _carried(scope: Scope):
    """The ids of the events the feed carries: the first FEED_MAX_EVENTS of
    the window by start (a subquery of its own, for `IN`).

    Still in the window: an event that does not repeat and ended after its
    start, walked by start from the earliest such an event can have started
    (not from the first event the site ever had); and a series whose last
    date did (few: all of them).
    """
    one_off = (
        select(Event.id, Event.start_dt)
        .outerjoin(Parent, Parent.id == Event.parent_id)
        .where(*_feed_conditions(scope), Event.recurrence_rule.is_(None),
               Event.start_dt > EARLIEST, Event.end_dt > BOUNDARY)
        .order_by(Event.start_dt, Event.id)
        .limit(FEED_MAX_EVENTS)
        .subquery()
    )
    series = (
        select(Event.id, Event.start_dt)
        .outerjoin(Parent, Parent.id == Event.parent_id)
        .where(*_feed_conditions(scope), Event.recurrence_rule.is_not(None), Event.series_end_dt > BOUNDARY)
    )
    both = union_all(select(one_off.c.id, one_off.c.start_dt), series).subquery()
    return select(both.c.id).order_by(both.c.start_dt, both.c.id).limit(FEED_MAX_EVENTS).correlate(None)


@lru_cache(maxsize=None)
def _events_statements(scope: Scope) -> tuple:
    """The feed's events, their themes, their recommendations, the meetings' sessions."""
    ids = _carried(scope)
    rows = (
        select(
            *(Event.__table__.c[name] for name in _CALENDAR_COLUMNS),
            Parent.uid, Parent.title, Parent.language, Parent.translations, Parent.status,
        )
        .outerjoin(Parent, Parent.id == Event.parent_id)
        .where(Event.id.in_(ids))
        .order_by(Event.start_dt, Event.id)
    )
    themes = select(event_themes.c.event_id, event_themes.c.theme_id).where(
        event_themes.c.event_id.in_(ids)
    )
    recommendations = select(
        event_recommendations.c.event_id, event_recommendations.c.recommendation_id
    ).where(event_recommendations.c.event_id.in_(ids))
    sessions = (
        select(Child.parent_id, Child.start_dt, Child.end_dt, Child.title, Child.language,
               Child.translations, Child.status)
        .where(Child.parent_id.in_(ids), Child.status.in_(PUBLIC_STATUSES))
        .order_by(Child.start_dt, Child.id)
    )
    return rows, themes, recommendations, sessions


def feed_events(session: Session, feed: Feed, now: datetime) -> list[CalendarEvent]:
    """The feed's events, oldest first, with everything the calendar shows.

    Eight queries whatever the number of events: the events (with their
    meeting), their themes, their recommendations, the sessions of the
    meetings among them, and the councils, venues, themes and recommendations
    they name. Plain rows, not models: for 2,000 events this is a third of
    the time of loading `Event` models with their collections.
    """
    params = _parameters(feed, now)
    rows_query, themes_query, recs_query, sessions_query = _events_statements(feed.scope)
    rows = session.execute(rows_query, params).all()
    theme_links = session.execute(themes_query, params).all()
    rec_links = session.execute(recs_query, params).all()
    session_rows = session.execute(sessions_query, params).all()
    councils = {c.id: c for c in session.scalars(select(SubCouncil))}
    venues = {v.id: v for v in session.scalars(select(Venue))}
    themes = {t.id: t for t in session.scalars(select(Theme))}
    recommendations = {r.id: r for r in session.scalars(select(Recommendation))}

    # In the order of the model's relationships: themes and recommendations by position.
    themes_of: dict[int, list[Theme]] = {}
    for event_id, theme_id in theme_links:
        themes_of.setdefault(event_id, []).append(themes[theme_id])
    for found in themes_of.values():
        found.sort(key=lambda theme: theme.position)
    recs_of: dict[int, list[Recommendation]] = {}
    for event_id, rec_id in rec_links:
        recs_of.setdefault(event_id, []).append(recommendations[rec_id])
    for found in recs_of.values():
        found.sort(key=lambda rec: rec.position)
    sessions_of: dict[int, list[CalendarSession]] = {}
    for parent_id, start_dt, end_dt, title, language, translations, status in session_rows:
        sessions_of.setdefault(parent_id, []).append(CalendarSession(
            start_dt, end_dt, title, language or "en", translations or {}, status))

    events = []
    for row in rows:
        (event_id, uid, slug, kind, status, sequence, title, summary, language, translations,
         start_dt, end_dt, created_dt, updated_dt, venue_id, online_url, council_id, presenter,
         languages, accessibility_notes, interpretation_notes, childcare_notes,
         recurrence_rule, recurrence_exdates,
         parent_uid, parent_title, parent_language, parent_translations, parent_status) = row
        events.append(CalendarEvent(
            uid=uid,
            slug=slug,
            kind=kind,
            status=status,
            sequence=sequence or 0,
            title=title,
            summary=summary or "",
            language=language or "en",
            translations=translations or {},
            start_dt=start_dt,
            end_dt=end_dt,
            created_dt=created_dt,
            updated_dt=updated_dt,
            venue=venues.get(venue_id),
            online_url=online_url,
            council=councils.get(council_id),
            presenter=presenter,
            languages=languages or [],
            accessibility_notes=accessibility_notes or "",
            interpretation_notes=interpretation_notes or "",
            childcare_notes=childcare_notes or "",
            themes=themes_of.get(event_id, []),
            recommendations=recs_of.get(event_id, []),
            parent=(
                CalendarParent(parent_uid, parent_title, parent_language or "en",
                               parent_translations or {}, parent_status)
                if parent_uid is not None else None
            ),
            sessions=sessions_of.get(event_id, []),
            recurrence_rule=recurrence_rule or None,
            recurrence_exdates=tuple(recurrence_exdates or ()),
        ))
    return events


# ---------------------------------------------------------------------------
# Validators


def _etag(*parts) -> str:
    return hashlib.sha256(repr((FORMAT_VERSION,) + parts).encode("utf-8")).hexdigest()[:40]


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present).replace(microsecond=0) if present else None


def _int(value) -> int:
    return int(value or 0)  # PostgreSQL sums bigints as numeric


# Bumped by every change to public content, also to a venue, Sub-council,
# theme or recommendation whose name a feed repeats (see pagecache).
_CONTENT_VERSION = (
    select(site_state.c.content_version).where(site_state.c.id == 1).scalar_subquery()
)


def _left_window(scope: Scope, column, *conditions):
    """When the feed's latest event to leave the window ended (`column`):
    read backwards from the window's start along an index on `column`."""
    return (
        select(column)
        .outerjoin(Parent, Parent.id == Event.parent_id)
        .where(*_feed_conditions(scope), *conditions, column <= BOUNDARY)
        .order_by(column.desc())
        .limit(1)
        .correlate(None)
        .scalar_subquery()
    )


@lru_cache(maxsize=None)
def _validator_statement(scope: Scope):
    """One row: sums over the events the feed carries (a change to any of
    them, one more or one fewer, changes a sum) and when an event last left
    the window. Reads FEED_MAX_EVENTS rows at most, however many events
    there are."""
    return (
        select(
            func.count(Event.id),
            func.sum(Event.id),
            func.sum(Event.sequence),
            func.sum(epoch_ms(Event.updated_dt)),
            func.sum(epoch_ms(Parent.updated_dt)),
            func.max(Event.updated_dt),
            func.max(Parent.updated_dt),
            # The last time an event left the window (it ended 60 days
            # before): an event that does not repeat by its end, a series by
            # its last date's.
            _left_window(scope, Event.end_dt, Event.series_end_dt.is_(None)),
            _left_window(scope, Event.series_end_dt, Event.series_end_dt.is_not(None)),
            _CONTENT_VERSION,
        )
        .select_from(Event)
        .outerjoin(Parent, Parent.id == Event.parent_id)
        .where(Event.id.in_(_carried(scope)))
    )


def feed_validator(
    session: Session, feed: Feed, now: datetime, language: str, site_url: str
) -> Validator:
    """The feed's ETag and Last-Modified from one aggregate query, without building it.

    Changes with an edit (every edit sets `updated_dt`, and a change of time,
    place, title or status bumps SEQUENCE), a new, published or cancelled
    event, a meeting's change (its sessions say "part of"), an event
    ageing out of the window, and the reader's language.
    """
    row = session.execute(_validator_statement(feed.scope), _parameters(feed, now)).one()
    (count, ids, sequences, stamps, parent_stamps, last_change, parent_change, one_off_left,
     series_left, version) = row
    aged_out = _latest(one_off_left, series_left)
    etag = _etag(
        "feed", str(feed.scope), feed.key, feed.fingerprint, language, site_url,
        _int(count), _int(ids), _int(sequences), _int(stamps), _int(parent_stamps), aged_out,
        _int(version),
    )
    left_window = aged_out + FEED_WINDOW if aged_out is not None else None
    return Validator(etag, _latest(last_change, parent_change, left_window))


_EVENT_VALIDATOR = (
    select(
        Event.id,
        Event.sequence,
        Event.updated_dt,
        Parent.updated_dt,
        func.count(Child.id),
        func.sum(Child.sequence),
        func.sum(epoch_ms(Child.updated_dt)),
        func.max(Child.updated_dt),
        _CONTENT_VERSION,
    )
    .select_from(Event)
    .outerjoin(Parent, Parent.id == Event.parent_id)
    .outerjoin(Child, and_(Child.parent_id == Event.id, Child.status.in_(PUBLIC_STATUSES)))
    .where(Event.slug == bindparam("slug"), Event.status.in_(PUBLIC_STATUSES))
    .group_by(Event.id, Event.sequence, Event.updated_dt, Parent.updated_dt)
)


def event_validator(
    session: Session, slug: str, language: str, site_url: str
) -> Validator | None:
    """A single event's file: its ETag and Last-Modified, or None when not public."""
    row = session.execute(_EVENT_VALIDATOR, {"slug": slug}).first()
    if row is None:
        return None
    (event_id, sequence, updated, parent_updated, sessions, session_seqs, session_stamps,
     session_change, version) = row
    etag = _etag(
        "event", event_id, sequence, updated, parent_updated, language, site_url,
        _int(sessions), _int(session_seqs), _int(session_stamps), _int(version),
    )
    return Validator(etag, _latest(updated, parent_updated, session_change))


# ---------------------------------------------------------------------------
# Bytes


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while a calendar is built.

    Building a 2,000-event feed makes some 200,000 short-lived objects, and
    each of the collector's passes walks every object of the app as well:
    with it running, the build takes half as long again (about 310 ms
    instead of 215 ms here). Reference counting frees those objects anyway;
    the collector resumes (when it was on) as soon as the bytes exist.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class BodyCache:
    """The last calendars built, by validator: a small LRU bounded in entries and bytes."""

    def __init__(self, max_entries: int = 32, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = body
            self._size += len(body)
            while len(self._items) > self.max_entries or self._size > self.max_bytes:
                _key, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


def body_cache() -> BodyCache:
    """This app's cache (one per app, so tests never share one)."""
    return current_app.extensions.setdefault("ical_bodies", BodyCache())


class ValidatorMemo:
    """Validators read from the database, trusted for a few seconds in this process.

    Reading a feed's validator is one query, but on a 304 that query is most
    of the work: a SQLite `SELECT 1` alone halves the requests a worker
    answers. Calendars poll hourly and caches keep a feed five minutes
    (max-age), so trusting the database's answer for a couple of seconds
    changes nothing a subscriber can see, and every process still sees every
    change within those seconds, whichever process made it.
    """

    def __init__(self, seconds: float, size: int = 1024):
        self.seconds = seconds
        self.size = size
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key, compute):
        if self.seconds <= 0:
            return compute()
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = compute()
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (now + self.seconds, value)
        return value


def validator_memo() -> ValidatorMemo:
    memo = current_app.extensions.get("ical_validators")
    if memo is None:
        memo = current_app.extensions["ical_validators"] = ValidatorMemo(
            current_app.config["CALENDAR_VALIDATOR_SECONDS"]
        )
    return memo


def current_feed(
    session: Session, scope: Scope | str, key: str | None, now: datetime, language: str, site_url: str
) -> tuple[Feed, Validator] | None:
    """The feed at this address and its validator, or None: what a request needs
    before deciding between 404, 304 and the bytes (see `ValidatorMemo`)."""

    def read() -> tuple[Feed, Validator] | None:
        feed = find_feed(session, scope, key)
        if feed is None:
            return None
        return feed, feed_validator(session, feed, now, language, site_url)

    return validator_memo().get(("feed", str(scope), key, language, site_url), read)


def current_event_validator(
    session: Session, slug: str, language: str, site_url: str
) -> Validator | None:
    """`event_validator`, trusted for a few seconds like the feeds' (see `ValidatorMemo`)."""
    return validator_memo().get(
        ("event", slug, language, site_url),
        lambda: event_validator(session, slug, language, site_url),
    )


def build_feed(session: Session, feed: Feed, now: datetime, site_url: str, zone: ZoneInfo) -> bytes:
    """The feed's bytes (not cached)."""
    return build_calendar(
        feed_events(session, feed, now),
        site_url=site_url,
        zone=zone,
        name=feed.name,
        description=feed.description,
        refresh=FEED_REFRESH,
    )


def feed_body(
    session: Session, feed: Feed, now: datetime, validator: Validator, site_url: str, zone: ZoneInfo
) -> bytes:
    """The feed's bytes, built at most once per validator in this process.

    The rows are read after the validator: if a change commits in between,
    the bytes kept under the older validator are the newer ones, never the
    other way round, and the next request's validator moves on anyway.
    """
    cache = body_cache()
    body = cache.get(validator.etag)
    if body is None:
        with collector_paused():
            body = build_feed(session, feed, now, site_url, zone)
        cache.put(validator.etag, body)
    return body


def event_body(
    session: Session, slug: str, validator: Validator, site_url: str, zone: ZoneInfo
) -> bytes | None:
    """One event's calendar file (no name: it is not a subscription), cached like feeds."""
    cache = body_cache()
    body = cache.get(validator.etag)
    if body is None:
        event = get_public_event(session, slug)
        if event is None:
            return None
        body = build_calendar(
            [CalendarEvent.from_model(event)], site_url=site_url, zone=zone
        )
        cache.put(validator.etag, body)
    return body


def registrant_body(events: Iterable[Event], site_url: str, zone: ZoneInfo) -> bytes:
    """A registrant's own calendar of the events they have a seat at."""
    return build_calendar(
        [CalendarEvent.from_model(event) for event in events],
        site_url=site_url,
        zone=zone,
        name=_("My registrations: %(organisation)s", organisation=_organisation()),
        description=_("The events you have a place at."),
        refresh=FEED_REFRESH,
    )


# ---------------------------------------------------------------------------
# Addresses and links


def absolute_url(site_url: str, endpoint: str, **values) -> str:
    """An absolute address on the site (SITE_URL), without needing a request."""
    adapter = current_app.url_map.bind("localhost")
    return site_url + adapter.build(endpoint, values)


def webcal_url(url: str) -> str:
    """The same address for calendar apps: webcal:// opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


@dataclass(frozen=True)
class FeedLink:
    feed: Feed
    url: str  # https://…, to paste into "From URL"
    webcal: str  # webcal://…, to open in a calendar app

    @property
    def google(self) -> str:
        """Google Calendar's "add by URL" page for this feed: webcal:// does
        nothing on Android, this opens in the browser, and the calendar then
        shows in the Google Calendar app."""
        return "https://calendar.google.com/calendar/r?cid=" + quote(self.webcal, safe="")


def subscription_groups(
    session: Session, site_url: str, language: str
) -> list[tuple[str, list[FeedLink]]]:
    """Every feed with its addresses, in the reader's language (`?lang=`):
    calendar apps send no cookie, and the feed's names should stay in the
    language of the person who subscribed."""
    groups = []
    for heading, feeds in all_feeds(session):
        links = []
        for feed in feeds:
            endpoint, values = feed.endpoint
            url = absolute_url(site_url, endpoint, **values, lang=language)
            links.append(FeedLink(feed, url, webcal_url(url)))
        groups.append((heading, links))
    return groups


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str


def calendar_links(event: Event, site_url: str, zone: ZoneInfo) -> CalendarLinks | None:
    """The "Add to Google Calendar" and "Add to Outlook.com" links, times in UTC.

    None for a cancelled event: there is nothing to add.
    """
    if event.status == EventStatus.CANCELLED:
        return None
    start = event.start_dt.astimezone(timezone.utc)
    end = event.end_dt.astimezone(timezone.utc)
    page = event_url_maker(site_url)(event.slug)
    summary = event.localized("summary")
    details = f"{summary}\n\n{page}" if summary else page
    if event.venue is not None:
        location = f"{event.venue.localized('name')}, {event.venue.address}"
    else:
        location = event.online_url or ""
    title = event.localized("title")
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
            "details": details,
            "location": location,
            "ctz": zone.key,
        },
        quote_via=quote,
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "body": details,
            "location": location,
        },
        quote_via=quote,
    )
    return CalendarLinks(google=google, outlook=outlook)
