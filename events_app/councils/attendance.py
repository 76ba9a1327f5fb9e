"""Past attendance per recommendation: "Acted on by 3 past events, 112 attendees".

The figures are exact, and a page reads a few rows for them, not every event
that ever acted on the recommendation (about 11,000 each at 100,000 events).

Each recommendation's figures are kept in `recommendation_attendance`, counted
up to a moment (`through_dt`): events that ended by then. A page adds the
events that ended since (a range of `ix_event_by_end`: the few of the last
hours) to what is kept. The kept figures stand only while
`site_state.attendance_version` is the one they were counted at; every change
that can alter a past figure bumps it in the same transaction (`_note_change`):

* an event made, deleted, or given another status, end, repetition or list
  of recommendations (or a recommendation another list of events);
* a check-in recorded or undone (`Registration.attended_dt`, a repeating
  event's `Attendance` rows), a registration moved or deleted;
* any bulk statement on those tables.

The version is read before counting, so figures counted while a change
commits are kept under the older version and counted again by the next
reader: never newer than the database, never stale once read.

Kept figures that do not stand are counted again, exactly, by the page that
finds them so, and kept for the next (`keep`, called by the page after it is
rendered). Keeping is a cache's write: if it fails (the database busy), the
page was still exact.
"""
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import (
    BigInteger, Column, ForeignKey, Integer, Table, bindparam, case, event, func, insert, inspect, literal,
    select, union_all, update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..events.models import Event, EventStatus, event_recommendations
from ..extensions import db
from ..pagecache import site_state
from ..registrations.models import Attendance as CheckIn, Registration
from ..timeutil import UTCDateTime
from .models import Recommendation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attendance:
    """"Acted on by 3 events, 112 attendees": past published events acting on a
    recommendation, and the people checked in at them (summed over the events)."""

    events: int = 0
    attendees: int = 0
    # How many of those events used check-in: none means "not recorded", not 0.
    recorded: int = 0

    def __add__(self, other: "Attendance") -> "Attendance":
        return Attendance(self.events + other.events, self.attendees + other.attendees,
                          self.recorded + other.recorded)


recommendation_attendance = Table(
    "recommendation_attendance",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    # Events that ended at or before this moment are counted here.
    Column("through_dt", UTCDateTime, nullable=False),
    Column("events", Integer, nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("recorded", Integer, nullable=False),
    # site_state.attendance_version when counted.
    Column("version", BigInteger, nullable=False),
)

_kept = recommendation_attendance.c
_VERSION = select(site_state.c.attendance_version).where(site_state.c.id == 1).scalar_subquery()
# The current version and what is kept for the recommendations `ids`: one row
# with NULLs when nothing is kept.
_KEPT = (select(_VERSION, _kept.recommendation_id, _kept.through_dt, _kept.events, _kept.attendees,
                _kept.recorded, _kept.version)
         .select_from(select(literal(1)).subquery())
         .outerjoin(recommendation_attendance,
                    _kept.recommendation_id.in_(bindparam("ids", expanding=True))))

# What a page counted and found worth keeping: written by `keep`.
TO_KEEP = "councils_attendance_to_keep"


def past_attendance(session: Session, recommendation_ids: list[int],
                    now: datetime) -> dict[int, Attendance]:
    """Past events acting on each recommendation and their attended count.

    An event counts once it has ended; drafts and cancelled events never do.
    Attendees are registrations checked in at the door (`attended_dt`); at a
    repeating event, each date a person was checked in at (`Attendance`).
    Both stay counted after the personal details are erased.

    Two statements for any number of recommendations and events: what is
    kept, and what ended since (or, where nothing stands, everything).
    """
    if not recommendation_ids:
        return {}
    rows = session.execute(_KEPT, {"ids": sorted(set(recommendation_ids))}).all()
    version = (rows[0][0] if rows else None) or 0
    kept = {row.recommendation_id: row for row in rows
            if row.recommendation_id is not None and row.version == version and row.through_dt <= now}
    to_keep = session.info.setdefault(TO_KEEP, {})
    if any(rec_id not in kept for rec_id in recommendation_ids):
        # Counted again from scratch, all of them in the one query.
        found = count_attendance(session, recommendation_ids, now)
        to_keep.update((rec_id, (now, figures, version)) for rec_id, figures in found.items())
        return found
    since = {rec_id: row.through_dt for rec_id, row in kept.items()}
    ended_since = count_attendance(session, recommendation_ids, now, since=since)
    result = {}
    for rec_id, counted in ended_since.items():
        row = kept[rec_id]
        result[rec_id] = Attendance(row.events, row.attendees, row.recorded) + counted
        if counted.events:  # an event ended since: keep the sum, not to read that range again
            to_keep[rec_id] = (now, result[rec_id], version)
    return result


def count_attendance(session: Session, recommendation_ids: list[int], until: datetime,
                     since: dict[int, datetime] | None = None) -> dict[int, Attendance]:
    """Count, in one query, the past events of each recommendation that ended
    by `until` — and, for a recommendation in `since`, after that moment."""
    if not recommendation_ids:
        return {}
    link = event_recommendations.c
    ended = [Event.status == EventStatus.PUBLISHED, Event.end_dt <= until]
    recommendation = link.recommendation_id
    after = None
    if since:
        earliest = min(since.values())
        # A range of ix_event_by_end, the few events that ended since, each
        # looked up in event_recommendation by its primary key. "+ 0" keeps
        # SQLite (no statistics) from reading every event of the
        # recommendations through their index instead.
        ended.append(Event.end_dt > earliest)
        recommendation = link.recommendation_id + 0
        if len(set(since.values())) > 1:
            after = case(*((recommendation == rec_id, moment) for rec_id, moment in since.items()),
                         else_=earliest)
    acting = recommendation.in_(recommendation_ids)
    # The check-ins at those events only: not every registration the site ever had.
    theirs = Registration.event_id.in_(
        select(link.event_id).join(Event, Event.id == link.event_id).where(acting, *ended))
    checked = union_all(
        select(Registration.event_id.label("event_id"))
        .join(Event, Event.id == Registration.event_id)
        .where(theirs, Registration.attended_dt.is_not(None), Event.recurrence_rule.is_(None)),
        select(Registration.event_id.label("event_id"))
        .join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(theirs),
    ).subquery()
    attended = (
        select(checked.c.event_id, func.count().label("n"))
        .group_by(checked.c.event_id)
        .subquery()
    )
    statement = (
        select(
            recommendation,
            func.count(Event.id),
            func.coalesce(func.sum(attended.c.n), 0),
            func.count(attended.c.event_id),
        )
        .select_from(Event)
        .join(event_recommendations, link.event_id == Event.id)
        .outerjoin(attended, attended.c.event_id == Event.id)
        .where(acting, *ended)
        .group_by(recommendation)
    )
    if after is not None:
        statement = statement.where(Event.end_dt > after)
    found = {rec_id: Attendance(int(events), int(people), int(recorded))
             for rec_id, events, people, recorded in session.execute(statement)}
    return {rec_id: found.get(rec_id, Attendance()) for rec_id in recommendation_ids}


def keep(session: Session) -> None:
    """Write what `past_attendance` counted for the next page, and commit.

    Called by a page after it is rendered (the commit expires what it loaded).
    A failure is logged and rolled back: the page was exact without it.
    """
    to_keep = session.info.pop(TO_KEEP, None)
    if not to_keep:
        return
    try:
        # In id order: two pages keeping the same rows never wait on each other crosswise.
        session.execute(_keep_statement(session.get_bind().dialect.name), [
            {"recommendation_id": rec_id, "through_dt": moment, "events": figures.events,
             "attendees": figures.attendees, "recorded": figures.recorded, "version": version}
            for rec_id, (moment, figures, version) in sorted(to_keep.items())])
        session.commit()
    except SQLAlchemyError:
        log.warning("past attendance not kept", exc_info=True)
        session.rollback()


@lru_cache(maxsize=None)
def _keep_statement(dialect: str):
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(recommendation_attendance)
    return statement.on_conflict_do_update(
        index_elements=[_kept.recommendation_id],
        set_={name: statement.excluded[name] for name in ("through_dt", "events", "attendees",
                                                          "recorded", "version")},
        # Never over figures counted at a newer version.
        where=_kept.version <= statement.excluded.version,
    )


# --- what makes kept figures stale -------------------------------------------------

_EVENT_FIELDS = ("status", "end_dt", "recurrence_rule", "recommendations")
_REGISTRATION_FIELDS = ("attended_dt", "event_id")
_TABLES = frozenset({Event.__table__, event_recommendations, Registration.__table__, CheckIn.__table__})


def _changes_attendance(obj, state: str) -> bool:
    table = getattr(obj, "__table__", None)
    if table is CheckIn.__table__:
        return True
    if table is Event.__table__:
        if state == "dirty":
            return _changed(obj, _EVENT_FIELDS)
        return state == "deleted" or bool(obj.recommendations)
    if table is Recommendation.__table__:  # its events, through the backref
        return state == "dirty" and _changed(obj, ("events",))
    if table is Registration.__table__:
        if state == "dirty":
            return _changed(obj, _REGISTRATION_FIELDS)
        return obj.attended_dt is not None
    return False


def _changed(obj, names) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def bump_attendance_version(connection) -> None:
    bumped = connection.execute(
        update(site_state).where(site_state.c.id == 1)
        .values(attendance_version=site_state.c.attendance_version + 1))
    if bumped.rowcount == 0:  # a database made with create_all() (the tests)
        connection.execute(insert(site_state).values(id=1, content_version=0, attendance_version=1))


@event.listens_for(Session, "before_flush")
def _note_change(session: Session, _context, _instances) -> None:
    if (any(_changes_attendance(obj, "new") for obj in session.new)
            or any(_changes_attendance(obj, "deleted") for obj in session.deleted)
            or any(_changes_attendance(obj, "dirty") for obj in session.dirty)):
        bump_attendance_version(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_change(state) -> None:
    """Bulk INSERT / UPDATE / DELETE statements bypass the flush: any on these
    tables makes every kept figure stale, to be safe."""
    if state.is_insert or state.is_update or state.is_delete:
        if getattr(state.statement, "table", None) in _TABLES:
            bump_attendance_version(state.session.connection())
