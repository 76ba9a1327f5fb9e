"""Rendered public pages, kept in each app process and checked against the
database before every use.

Any change to public content (events, venues, Sub-councils, themes,
recommendations) bumps one counter, `site_state.content_version`, in the
same transaction as the change. A registration does not: it bumps the
version of its event's places only (`event_seat_state`, a row per event),
and a page is made stale by it only if it shows that event's places — the
event's page, its meeting's page, a list of events with their places. While
a page is rendered for the cache, `record_seats` (called by the one function
that counts places, `registrations.services.seats`) notes whose places it
shows; the entry keeps those events and the sum of their versions.

A cached page is served only while the content counter and the sum of its
events' place versions are unchanged, so every process sees a change made
by any other at its next request, at the cost of one query. Pages also
depend on the clock ("upcoming", "already taken place"): an entry lives at
most `PAGE_CACHE_SECONDS`.
"""
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache, wraps

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import (
    BigInteger, Column, ForeignKey, Integer, Table, bindparam, event, func, insert, inspect, select, update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .extensions import db
from .i18n import current_language
from .timeutil import now_utc

site_state = Table(
    "site_state",
    db.metadata,
    Column("id", Integer, primary_key=True),
    Column("content_version", BigInteger, nullable=False, default=0),
    # Bumped by changes to past attendance (`councils.attendance`).
    Column("attendance_version", BigInteger, nullable=False, default=0, server_default="0"),
)


# Built once: building a statement costs more than SQLite takes to run it.
_CONTENT_VERSION = select(site_state.c.content_version).where(site_state.c.id == 1)


def content_version(session: Session) -> int:
    return session.execute(_CONTENT_VERSION).scalar() or 0


def bump_content_version(connection) -> None:
    bumped = connection.execute(
        update(site_state)
        .where(site_state.c.id == 1)
        .values(content_version=site_state.c.content_version + 1)
    )
    if bumped.rowcount == 0:  # a database made with create_all() (the tests)
        connection.execute(insert(site_state).values(id=1, content_version=1))


# The version of each event's places: bumped by every change to its
# registrations (`track_seats`). No row: version 0.
event_seat_state = Table(
    "event_seat_state",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("version", BigInteger, nullable=False, default=0),
)


def bump_seats(connection, event_ids) -> None:
    """One more version of these events' places (a row made where there is none)."""
    statement = _bump_seats_statement(connection.dialect.name)
    for event_id in sorted(event_ids):  # in id order: two transactions never wait on each other crosswise
        connection.execute(statement, {"event_id": event_id})


@lru_cache(maxsize=None)
def _bump_seats_statement(dialect: str):
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(event_seat_state).values(
        event_id=bindparam("event_id"), version=1
    ).on_conflict_do_update(
        index_elements=[event_seat_state.c.event_id],
        set_={"version": event_seat_state.c.version + 1})


_public_tables: set[Table] = set()
_seat_columns: dict[Table, str] = {}


def track_public_content(*tables: Table) -> None:
    """Changes to rows of these tables make cached pages stale."""
    _public_tables.update(tables)


def track_seats(table: Table, event_column: str) -> None:
    """Rows of `table` are counted as places of the event `event_column`
    names (registrations): their changes make stale only the pages that show
    that event's places.

    The versions are bumped at the very end of the transaction, just before
    it commits, rather than at its first flush: the version's row stays
    locked only for the commit itself.
    """
    _seat_columns[table] = event_column


SEATS_AT_COMMIT = "pagecache_seats_at_commit"


@event.listens_for(Session, "before_flush")
def _bump_on_public_change(session: Session, _context, _instances) -> None:
    changed = [*session.new, *session.deleted]
    # `dirty` also holds objects whose attributes were set to the same value.
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    tables = {getattr(obj, "__table__", None) for obj in changed}
    if tables & _public_tables:
        bump_content_version(session.connection())


@event.listens_for(Session, "after_flush")
def _note_seat_changes(session: Session, _context) -> None:
    """After the flush, new rows have their event's id (set from a relationship)."""
    changed = [*session.new, *session.deleted]
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    seats = session.info.setdefault(SEATS_AT_COMMIT, set())
    for obj in changed:
        column = _seat_columns.get(getattr(obj, "__table__", None))
        if column is not None:
            seats.add(getattr(obj, column))
            # A registration moved to another event changes both.
            seats.update(inspect(obj).attrs[column].history.deleted)
    seats.discard(None)


@event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    if session.new or session.deleted or session.dirty:
        session.flush()  # what the commit would flush may name more events
    seats = session.info.pop(SEATS_AT_COMMIT, None)
    if seats:
        bump_seats(session.connection(), seats)


@event.listens_for(Session, "after_rollback")
def _forget_bump(session: Session) -> None:
    session.info.pop(SEATS_AT_COMMIT, None)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_change(state) -> None:
    """Bulk INSERT / UPDATE / DELETE statements bypass the flush. One on
    registrations names no event: every page goes stale, to be safe."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table in _public_tables or table in _seat_columns:
            bump_content_version(state.session.connection())


# --- which events' places a page shows ------------------------------------------


@dataclass
class SeatDependencies:
    ids: set = field(default_factory=set)
    version: int = 0


# The sum of the place versions of the events `ids` (a list).
_SEAT_VERSIONS = (select(func.coalesce(func.sum(event_seat_state.c.version), 0))
                  .where(event_seat_state.c.event_id.in_(bindparam("ids", expanding=True))))
_BOTH_VERSIONS = select(_CONTENT_VERSION.scalar_subquery(), _SEAT_VERSIONS.scalar_subquery())


def record_seats(session: Session, event_ids) -> None:
    """The page being rendered for the cache shows these events' places.

    Their versions are read before the places are counted: a registration
    made in between leaves the entry older than the database, never newer.
    """
    found = g.get("page_seat_dependencies")
    if found is None:
        return
    new = {event_id for event_id in event_ids if event_id is not None} - found.ids
    if new:
        found.version += int(session.scalar(_SEAT_VERSIONS, {"ids": sorted(new)}) or 0)
        found.ids |= new


@dataclass
class Entry:
    version: tuple  # (content version, sum of the place versions of `seat_events`)
    expires: datetime
    created: datetime
    body: bytes
    status: int
    mimetype: str
    etag: str | None = None  # the API's answers: made from the bytes
    seat_events: tuple = ()  # the events whose places the page shows


class PageCache:
    """A small per-process LRU of rendered pages."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: tuple) -> Entry | None:
        with self._lock:
            return self._entries.get(key)

    def get(self, key: tuple, version: tuple, now: datetime,
            seats_grace: timedelta = timedelta(0)) -> Entry | None:
        """The entry for `key` if it is still what the database says.

        `seats_grace`: an entry whose only change is in the places of its
        events may still be served while it is younger than this.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            current = entry.version == version or (
                entry.version[0] == version[0] and now - entry.created < seats_grace)
            if not current or not entry.created <= now < entry.expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def _csrf_placeholder() -> str:
    """Stands for the reader's CSRF token in a cached page; replaced when served.

    Random for each process (the cache is the process's own): a fixed word
    could be typed into a field the page echoes (`/events?from=…`) and come
    back as the reader's token.
    """
    return current_app.extensions["page_cache_csrf_placeholder"]


def page_csrf_token() -> str:
    """The templates' `csrf_token()`: a placeholder while a shared page is rendered."""
    if g.get("rendering_shared_page"):
        return _csrf_placeholder()
    return generate_csrf()


# What an anonymous reader's session holds: the CSRF token of a form seen,
# and Flask-Login's mark that it holds no fresh sign-in (set on any session
# it reads, with basic session protection).
_NOT_PERSONAL = frozenset({"csrf_token", "_fresh"})


def _personal(session) -> bool:
    """A session holding more than that (a signed-in chair's `_user_id`, a
    flashed message) sees pages made for it alone."""
    return any(key not in _NOT_PERSONAL for key in session)


def _fill_token(body: bytes) -> bytes:
    placeholder = _csrf_placeholder().encode()
    if placeholder in body:
        return body.replace(placeholder, generate_csrf().encode())
    return body


def init_app(app) -> None:
    app.extensions["page_cache"] = PageCache(size=app.config["PAGE_CACHE_SIZE"])
    app.extensions["page_cache_csrf_placeholder"] = f"csrf-{secrets.token_urlsafe(24)}"
    # Flask-WTF offers `csrf_token` as a global and a context processor;
    # this one, registered later, takes its place in both.
    app.jinja_env.globals["csrf_token"] = page_csrf_token
    app.context_processor(lambda: {"csrf_token": page_csrf_token})


def current_version(session: Session, entry: Entry | None) -> tuple:
    """What `entry` must still match, read in one query: the content version
    and, for a page showing places, the sum of its events' place versions."""
    if entry is None or not entry.seat_events:
        return (content_version(session), 0)
    row = session.execute(_BOTH_VERSIONS, {"ids": list(entry.seat_events)}).one()
    return (row[0] or 0, int(row[1] or 0))


def lookup(cache: PageCache, key: tuple, now: datetime) -> tuple[Entry | None, tuple]:
    """The entry still valid for `key`, or None; and the version read.

    During a registration rush an event's places change many times a second:
    `PAGE_SEATS_GRACE_SECONDS` lets a page showing them be served for that
    long after it was made, whatever registrations came since, so that it is
    rendered at most once per grace period and process (the places shown lag
    by at most that; the registration itself always counts them afresh).
    """
    version = current_version(db.session, cache.peek(key))
    grace = timedelta(seconds=current_app.config.get("PAGE_SEATS_GRACE_SECONDS") or 0)
    return cache.get(key, version, now, grace), version


def render_recording_seats(render):
    """Call `render()`, noting whose places it shows (`record_seats`)."""
    g.page_seat_dependencies = SeatDependencies()
    try:
        return render(), g.page_seat_dependencies
    finally:
        g.page_seat_dependencies = None


def cached_page(view):
    """Serve a public GET page from the cache while the content is unchanged.

    Only for pages that are the same for every reader of a language: a
    request carrying a session (a signed-in chair, a flashed message) is
    always rendered afresh.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        lifetime = timedelta(seconds=current_app.config["PAGE_CACHE_SECONDS"])
        if lifetime <= timedelta(0) or request.method not in ("GET", "HEAD") or _personal(session):
            return view(*args, **kwargs)
        cache: PageCache = current_app.extensions["page_cache"]
        now = now_utc()
        key = (request.endpoint, request.full_path, current_language())
        entry, version = lookup(cache, key, now)
        if entry is None:
            g.rendering_shared_page = True
            try:
                response, seats = render_recording_seats(
                    lambda: current_app.make_response(view(*args, **kwargs)))
            finally:
                g.rendering_shared_page = False
            if response.direct_passthrough:
                return response
            if response.status_code != 200:
                response.set_data(_fill_token(response.get_data()))
                return response
            entry = Entry((version[0], seats.version), now + lifetime, now, response.get_data(),
                          response.status_code, response.mimetype,
                          seat_events=tuple(sorted(seats.ids)))
            cache.put(key, entry)
        return current_app.response_class(
            _fill_token(entry.body), status=entry.status, mimetype=entry.mimetype)

    return wrapper
