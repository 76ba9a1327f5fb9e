"""Reminders: planned from the clock, written to the outbox once per (registration, slot).

A slot is an offset before the event's start (by default 2 days and 2
hours, `REMINDER_OFFSETS`; an event may have its own, 0 to 3 of them).
Whole days are counted on the wall clock of `SITE_TIMEZONE` and the rest in
real time: 2 days before a Monday 10:00 event is Saturday 10:00 there, also
across a daylight-saving change; 2 hours before it is 08:00.

`plan_due` writes every reminder whose slot has come, for confirmed
registrants of published events that have not started, who had their seat
before the slot: each one a `ReminderSend` row and its outbox message in one
transaction. The row's `(registration_id, key)` is unique, so two planners
at once (or one killed half-way and run again) write each reminder once;
rows are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL so that two
planners share the work instead of queueing on it. The outbox worker then
sends each message once.

A reschedule moves the slots that have not been sent; for a person who was
already reminded of the old time, one "the time changed" notice goes instead
(key `moved:<new start>`), with the updated invitation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from ..dbutil import serialise_sqlite
from ..events.models import Event, EventStatus
from ..events.recurrence import Occurrence, occurrences_between
from ..mail.services import refresh_statistics
from ..registrations import notifications
from ..registrations.models import Registration, RegistrationStatus
from ..timeutil import site_zone, to_local
from .models import JobRun, ReminderSend

MIN_OFFSET = 15  # minutes
MAX_OFFSET = 14 * 24 * 60
MAX_SLOTS = 3
JOB = "reminders"

_UNIT = {"m": 1, "h": 60, "d": 24 * 60}


class OffsetError(ValueError):
    pass


def parse_offsets(text: str) -> list[int]:
    """"2d,2h" → [2880, 120] (minutes, largest first); "" → [] (no reminders)."""
    offsets = set()
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = re.fullmatch(r"(\d+)\s*([mhd])", part.lower())
        if not match:
            raise OffsetError(f"not an offset like 2d, 2h or 30m: {part!r}")
        offsets.add(int(match.group(1)) * _UNIT[match.group(2)])
    return check_offsets(offsets)


def check_offsets(offsets) -> list[int]:
    offsets = sorted(set(offsets), reverse=True)
    if len(offsets) > MAX_SLOTS:
        raise OffsetError(f"at most {MAX_SLOTS} reminders per event")
    for minutes in offsets:
        if not MIN_OFFSET <= minutes <= MAX_OFFSET:
            raise OffsetError("a reminder goes from 15 minutes to 14 days before the start")
    return offsets


def default_offsets() -> list[int]:
    return parse_offsets(current_app.config["REMINDER_OFFSETS"])


def offsets_for(event: Event) -> list[int]:
    if event.reminder_offsets is None:
        return default_offsets()
    return check_offsets(event.reminder_offsets)


def slot_time(start: datetime, minutes: int, zone=None) -> datetime:
    """When the reminder `minutes` before `start` is due (UTC)."""
    days, rest = divmod(minutes, 24 * 60)
    moved = start
    if days:
        zone = zone or site_zone()
        # The same wall-clock time `days` earlier (the earlier one if that
        # time happens twice, the later one if the clock skipped it).
        wall = start.astimezone(zone).replace(tzinfo=None) - timedelta(days=days)
        moved = wall.replace(tzinfo=zone)
    return moved.astimezone(timezone.utc) - timedelta(minutes=rest)


def slot_key(minutes: int, event: Event | Occurrence | None = None) -> str:
    """`slot:<minutes>`; for a date of a repeating event, `slot:<minutes>@<local date>`."""
    if event is not None and event.recurrence_rule:
        return f"slot:{minutes}@{to_local(event.start_dt):%Y-%m-%d}"
    return f"slot:{minutes}"


def moved_key(start: datetime) -> str:
    return f"moved:{start.astimezone(timezone.utc):%Y-%m-%dT%H:%MZ}"


# --- planning ----------------------------------------------------------------


@dataclass
class PlanReport:
    reminders: int = 0
    moved_notices: int = 0

    def __str__(self) -> str:
        return f"{self.reminders} reminders and {self.moved_notices} time-changed notices written"


def _upcoming_events(session: Session, now: datetime) -> list[Event | Occurrence]:
    """Published events that have not started and whose first slot may have
    come; for a repeating event, each such date of it (an `Occurrence`)."""
    horizon = now + timedelta(minutes=MAX_OFFSET) + timedelta(days=1)  # DST slack
    found = []
    for event in session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.parent_id.is_(None),
               Event.start_dt <= horizon,
               or_(Event.start_dt > now, Event.series_end_dt > now))
        .order_by(Event.start_dt, Event.id)
    ):
        if event.recurrence_rule:
            found.extend(o for o in occurrences_between(event, now, horizon) if o.start_dt > now)
        else:
            found.append(event)
    return found


def _claim(session: Session, query):
    """Lock the rows a batch will write for; other planners skip them."""
    if session.get_bind().dialect.name == "sqlite":
        serialise_sqlite(session)
        return session.scalars(query).all()
    return session.scalars(query.with_for_update(skip_locked=True, of=Registration)).all()


def _record_batch(session: Session, rows: list[Registration], key: str, event: Event,
                  due: datetime, now: datetime) -> dict[int, int]:
    """Insert the once-only rows of a batch in one statement; returns
    {registration id: row id} for those this run wrote (not another run)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    written = session.execute(
        insert(ReminderSend)
        .values([{"registration_id": r.id, "key": key, "event_start_dt": event.start_dt,
                  "due_dt": due, "created_dt": now} for r in rows])
        .on_conflict_do_nothing(index_elements=["registration_id", "key"])
        .returning(ReminderSend.registration_id, ReminderSend.id)
    ).all()
    return dict(written)


def record_sent(session: Session, registration: Registration, key: str, event: Event,
                due: datetime, now: datetime, outbox_message_id: int | None = None) -> bool:
    """Record that `registration` was told what `key` stands for, unless some
    run already did; True when this call wrote it. For notices sent outside
    the planner (a chair's reschedule notice: `moved_key(new start)`), so the
    planner does not send a second one."""
    ours = _record_batch(session, [registration], key, event, due, now)
    if registration.id in ours and outbox_message_id is not None:
        session.execute(update(ReminderSend), [
            {"id": ours[registration.id], "outbox_message_id": outbox_message_id}])
    return registration.id in ours


def _not_yet(key: str):
    return ~exists().where(ReminderSend.registration_id == Registration.id, ReminderSend.key == key)


def _seated(event: Event):
    """Confirmed meeting- or event-level registrations (session picks ride along)."""
    return and_(
        Registration.event_id == event.id,
        Registration.parent_registration_id.is_(None),
        Registration.status == RegistrationStatus.CONFIRMED,
    )


def _write(session: Session, event: Event, key: str, condition, message, due: datetime,
           now: datetime, batch_size: int) -> int:
    """Write `message(session, registration, now)` once under `key` for every
    registration matching `condition`, a batch per transaction."""
    written = 0
    while True:
        rows = _claim(session, (
            select(Registration)
            .where(_seated(event), condition, _not_yet(key))
            .options(selectinload(Registration.session_registrations))
            .order_by(Registration.id)
            .limit(batch_size)
        ))
        if rows:
            ours = _record_batch(session, rows, key, event, due, now)
            sent = [(ours[r.id], message(session, r, now)) for r in rows if r.id in ours]
            session.flush()  # the messages, all at once
            if sent:
                session.execute(update(ReminderSend), [
                    {"id": row_id, "outbox_message_id": outbox.id} for row_id, outbox in sent])
            written += len(sent)
        session.commit()
        if len(rows) < batch_size:
            return written


def _write_slot(session: Session, event: Event | Occurrence, minutes: int, due: datetime,
                now: datetime, batch_size: int) -> int:
    def message(session, registration, now):
        return notifications.reminder(session, registration, now, event=event)

    # Only people who had their seat before the slot came.
    return _write(session, event, slot_key(minutes, event), Registration.status_changed_dt < due,
                  message, due, now, batch_size)


def _write_moved(session: Session, event: Event, now: datetime, batch_size: int) -> int:
    """People reminded of an earlier time get one notice of the new one."""
    reminded_of_other_time = exists().where(
        ReminderSend.registration_id == Registration.id,
        ReminderSend.key.like("slot:%"),
        ReminderSend.event_start_dt != event.start_dt,
    )
    return _write(session, event, moved_key(event.start_dt), reminded_of_other_time,
                  notifications.time_changed, now, now, batch_size)


def record_run(session: Session, now: datetime) -> None:
    """Remember the latest run (an upsert: two planners may finish together)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(JobRun).values(name=JOB, last_run_dt=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["name"],
        set_={"last_run_dt": case(
            (JobRun.last_run_dt < statement.excluded.last_run_dt, statement.excluded.last_run_dt),
            else_=JobRun.last_run_dt,
        )},
    ))
    session.commit()


def plan_due(session: Session, now: datetime, batch_size: int = 200) -> PlanReport:
    """Write every reminder (and time-changed notice) that is due at `now`.

    Commits per batch: a run that dies keeps what it wrote, and the next run
    writes the rest (never the same reminder twice).
    """
    session.commit()
    report = PlanReport()
    for event in _upcoming_events(session, now):
        if not event.recurrence_rule:  # a series' dates differ by design
            report.moved_notices += _write_moved(session, event, now, batch_size)
        for minutes in offsets_for(event):
            due = slot_time(event.start_dt, minutes)
            if due <= now:
                report.reminders += _write_slot(session, event, minutes, due, now, batch_size)
    refresh_statistics(session, report.reminders + report.moved_notices)
    record_run(session, now)
    return report


# --- how late ----------------------------------------------------------------


@dataclass
class Status:
    last_run: datetime | None
    due: int  # reminders whose slot has come and that are not written yet
    oldest_due: datetime | None
    shortest_slot: timedelta

    def late_by(self, now: datetime) -> timedelta | None:
        """How long since the planner last ran, past the shortest slot; None if on time."""
        if self.last_run is None:
            return None if not self.due else now - self.oldest_due
        late = now - self.last_run - self.shortest_slot
        return late if late > timedelta(0) else None


def status(session: Session, now: datetime) -> Status:
    due, oldest = 0, None
    for event in _upcoming_events(session, now):
        for minutes in offsets_for(event):
            slot = slot_time(event.start_dt, minutes)
            if slot > now:
                continue
            count = session.scalar(
                select(func.count()).select_from(Registration)
                .where(_seated(event), Registration.status_changed_dt < slot,
                       _not_yet(slot_key(minutes, event)))
            ) or 0
            if count:
                due += count
                oldest = slot if oldest is None else min(oldest, slot)
    run = session.get(JobRun, JOB)
    offsets = default_offsets()
    shortest = timedelta(minutes=min(offsets)) if offsets else timedelta(days=1)
    return Status(run.last_run_dt if run else None, due, oldest, shortest)

