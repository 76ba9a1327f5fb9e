"""Rendered public pages, kept in each app process and checked against the
database before every use.

Any change to public content (events, venues, Sub-councils, themes,
recommendations) bumps one counter, `site_state.content_version`, in the
same transaction as the change. A cached page is served only while the
counter is unchanged, so every process sees an edit made by any other at
its next request, at the cost of one single-row query. Pages also depend
on the clock ("upcoming", "already taken place"): an entry lives at most
`PAGE_CACHE_SECONDS`.
"""
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import BigInteger, Column, Integer, Table, event, insert, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .i18n import current_language
from .timeutil import now_utc

site_state = Table(
    "site_state",
    db.metadata,
    Column("id", Integer, primary_key=True),
    Column("content_version", BigInteger, nullable=False, default=0),
)


def content_version(session: Session) -> int:
    return session.execute(select(site_state.c.content_version).where(site_state.c.id == 1)).scalar() or 0


def bump_content_version(connection) -> None:
    bumped = connection.execute(
        update(site_state)
        .where(site_state.c.id == 1)
        .values(content_version=site_state.c.content_version + 1)
    )
    if bumped.rowcount == 0:  # a database made with create_all() (the tests)
        connection.execute(insert(site_state).values(id=1, content_version=1))


_public_tables: set[Table] = set()
_count_tables: set[Table] = set()


def track_public_content(*tables: Table) -> None:
    """Changes to rows of these tables make cached pages stale."""
    _public_tables.update(tables)


def track_public_counts(*tables: Table) -> None:
    """Rows counted on public pages (registrations: places left).

    Their changes make pages stale too, but the counter is bumped at the very
    end of the transaction, just before it commits, rather than at its first
    flush: the counter's row stays locked only for the commit itself, so
    registrations for different events do not queue behind each other for it.
    """
    _count_tables.update(tables)


BUMP_AT_COMMIT = "pagecache_bump_at_commit"


@event.listens_for(Session, "before_flush")
def _bump_on_public_change(session: Session, _context, _instances) -> None:
    changed = [*session.new, *session.deleted]
    # `dirty` also holds objects whose attributes were set to the same value.
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    tables = {getattr(obj, "__table__", None) for obj in changed}
    if tables & _public_tables:
        bump_content_version(session.connection())
    elif tables & _count_tables:
        session.info[BUMP_AT_COMMIT] = True


@event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    if session.new or session.deleted or session.dirty:
        session.flush()  # what the commit would flush may set the flag
    if session.info.pop(BUMP_AT_COMMIT, False):
        bump_content_version(session.connection())


@event.listens_for(Session, "after_rollback")
def _forget_bump(session: Session) -> None:
    session.info.pop(BUMP_AT_COMMIT, None)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_change(state) -> None:
    """Bulk INSERT / UPDATE / DELETE statements bypass the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table in _public_tables:
            bump_content_version(state.session.connection())


@dataclass
class Entry:
    version: int
    expires: datetime
    created: datetime
    body: bytes
    status: int
    mimetype: str
    etag: str | None = None  # the API's answers: made from the bytes


class PageCache:
    """A small per-process LRU of rendered pages."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, version: int, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.version != version or not entry.created <= now < entry.expires:
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


def _personal(session) -> bool:
    """A session holding more than a CSRF token (a signed-in chair, a flashed
    message) sees pages made for it alone."""
    return any(key != "csrf_token" for key in session)


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
        version = content_version(db.session)
        key = (request.endpoint, request.full_path, current_language())
        entry = cache.get(key, version, now)
        if entry is None:
            g.rendering_shared_page = True
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.rendering_shared_page = False
            if response.direct_passthrough:
                return response
            if response.status_code != 200:
                response.set_data(_fill_token(response.get_data()))
                return response
            entry = Entry(version, now + lifetime, now, response.get_data(),
                          response.status_code, response.mimetype)
            cache.put(key, entry)
        return current_app.response_class(
            _fill_token(entry.body), status=entry.status, mimetype=entry.mimetype)

    return wrapper
