"""Registering, cancelling and promoting: the transactional core.

Every function takes the session and `now`, flushes, and never commits: the
caller commits once (and rolls back on a `RegistrationError`, which on SQLite
also releases the write lock). Every change writes its mail to the outbox
(`notifications`) in that same transaction: the person hears of exactly the
changes that happened, whoever made them.

Capacity is never exceeded: every decision confirmed / waitlisted is taken
while holding the rows of the events concerned — PostgreSQL `SELECT … FOR
UPDATE`, in id order so that two transactions never wait for each other in a
circle; on SQLite, which locks the whole database, the transaction is made a
writer (`BEGIN IMMEDIATE`) before it reads a single count (see
`dbutil.serialise_sqlite`).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import LazyString, format_datetime, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..dbutil import serialise_sqlite
from ..errors import RuleError
from ..events.models import Event, EventStatus
from ..i18n import current_language
from ..pagecache import record_seats
from . import notifications
from .links import address_calendar_link_id_from, link_id_from, new_link_id, token_for
from .models import Registration, RegistrationStatus


class RegistrationError(RuleError):
    code = "registration_error"
    message = _l("Registration is not open for this event.")


class RegistrationNotOpen(RegistrationError):
    """A draft, or a session (people register for its meeting)."""

    code = "not_open"


class EventCancelled(RegistrationError):
    code = "event_cancelled"
    message = _l("This event has been cancelled.")


class RegistrationClosed(RegistrationError):
    code = "closed"
    message = _l("Registration for this event has closed.")


class RegistrationNotYetOpen(RegistrationError):
    code = "not_yet_open"

    def __init__(self, opens: datetime):
        def message() -> str:
            return gettext("Registration opens on %(when)s.",
                           when=format_datetime(opens, "full"))

        super().__init__(LazyString(message), opens=opens)


class ConsentRequired(RegistrationError):
    code = "consent_required"
    message = _l("Please agree to the privacy notice to register.")


class CancellationClosed(RegistrationError):
    code = "cancellation_closed"
    message = _l("This event has already started: the registration can no longer be cancelled.")


class InvalidSessionPick(RegistrationError):
    code = "invalid_session"
    message = _l("Please pick sessions of this meeting only.")


class OverlappingSessions(RegistrationError):
    code = "overlapping_sessions"

    def __init__(self, first: Event, second: Event):
        # Titles are read now (the rows may be gone from the session when the
        # message is shown) and put in the reader's language when shown.
        rows = [(e.language, e.title, dict(e.translations or {})) for e in (first, second)]

        def message() -> str:
            language = current_language()
            first_title, second_title = (
                (translations.get(language) or {}).get("title") or title
                for _original, title, translations in rows)
            return gettext(
                "“%(first)s” and “%(second)s” take place at the same time: please pick one.",
                first=first_title,
                second=second_title,
            )

        super().__init__(LazyString(message), first=first.id, second=second.id)


class CapacityBelowConfirmed(RegistrationError):
    code = "capacity_below_confirmed"

    def __init__(self, confirmed: int):
        super().__init__(
            _l(
                "The capacity cannot be lower than the %(count)s people already confirmed.",
                count=confirmed,
            ),
            confirmed=confirmed,
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def registration_window(event: Event) -> tuple[datetime | None, datetime]:
    """When registration opens (None: as soon as the event is published) and closes.

    It closes when the event starts unless a chair set another time, and
    never later than the event's end. Registering for a repeating event is
    for all its dates: it stays open until the last one starts.
    """
    last_start = event.last_end_dt - (event.end_dt - event.start_dt)
    closes = event.registration_closes_dt or last_start
    return event.registration_opens_dt, min(closes, event.last_end_dt)


def check_open(event: Event, now: datetime, *, at_the_door: bool = False) -> None:
    """Raise the reason why nobody can register for `event` now, if there is one.

    `at_the_door`: staff adding a walk-in, who may do so after registration
    closed and while the event runs, but not once it has ended.
    """
    if event.status == EventStatus.CANCELLED:
        raise EventCancelled()
    if event.status != EventStatus.PUBLISHED or event.parent_id is not None:
        raise RegistrationNotOpen()
    if at_the_door:
        if event.last_end_dt <= now:
            raise RegistrationClosed()
        return
    opens, closes = registration_window(event)
    if closes <= now:
        raise RegistrationClosed()
    if opens is not None and now < opens:
        raise RegistrationNotYetOpen(opens)


def is_open(event: Event, now: datetime) -> bool:
    try:
        check_open(event, now)
    except RegistrationError:
        return False
    return True


# What a seat decision reads of an event: read again under the lock.
_LOCKED_COLUMNS = ("status", "capacity", "parent_id", "start_dt", "end_dt",
                   "registration_opens_dt", "registration_closes_dt")


# The statements of every registration, built once (building one costs
# about as much as SQLite takes to run it).
_LOCK = (
    select(Event.id, *(getattr(Event, name) for name in _LOCKED_COLUMNS))
    .where(Event.id.in_(bindparam("ids", expanding=True)))
    .order_by(Event.id)
    .with_for_update()
)
_CONFIRMED = (
    select(func.count())
    .select_from(Registration)
    .where(Registration.event_id == bindparam("event_id"),
           Registration.status == RegistrationStatus.CONFIRMED)
)
# What a new registration is decided on, read in one statement once its
# event is locked: the confirmed seats, the people waitlisted before now, and
# the address's active registration if it has one. Every row of the event was
# written under the same lock, by a transaction that committed before this
# one took it, so each has a smaller id than the row about to be written:
# "waitlisted before it" is then simply "registered at or before now".
_STANDING = select(
    _CONFIRMED.scalar_subquery(),
    select(func.count())
    .select_from(Registration)
    .where(Registration.event_id == bindparam("event_id"),
           Registration.status == RegistrationStatus.WAITLISTED,
           Registration.registered_dt <= bindparam("now"))
    .scalar_subquery(),
    select(Registration.id)
    .where(
        Registration.event_id == bindparam("event_id"),
        Registration.email_key == bindparam("email_key"),
        Registration.status != RegistrationStatus.CANCELLED,
    )
    .limit(1)
    .scalar_subquery(),
)


# Waitlisted before this one: earlier, or at the same moment with a smaller id.
_AHEAD = (
    select(func.count())
    .select_from(Registration)
    .where(
        Registration.event_id == bindparam("event_id"),
        Registration.status == RegistrationStatus.WAITLISTED,
        or_(
            Registration.registered_dt < bindparam("registered_dt"),  # the column's type
            and_(
                Registration.registered_dt == bindparam("registered_dt"),
                Registration.id < bindparam("id"),
            ),
        ),
    )
)


def _lock_events(session: Session, event_ids: Iterable[int]) -> dict[int, Event]:
    """Lock these events' rows (in id order); their deciding columns as they are now.

    Only those columns are read (not the whole wide row, nor its loaded
    relationships again): each loaded `Event` gets them as committed values.
    """
    if session.get_bind().dialect.name == "sqlite":
        serialise_sqlite(session)
    rows = session.execute(_LOCK, {"ids": sorted(set(event_ids))}).all()
    events = {}
    for row in rows:
        event = session.get(Event, row.id)
        for name in _LOCKED_COLUMNS:
            set_committed_value(event, name, getattr(row, name))
        events[row.id] = event
    return events


def _confirmed_count(session: Session, event_id: int) -> int:
    return session.scalar(_CONFIRMED, {"event_id": event_id}) or 0


def _has_seat(session: Session, event: Event) -> bool:
    return event.capacity is None or _confirmed_count(session, event.id) < event.capacity


def _set_status(registration: Registration, status: str, now: datetime) -> None:
    registration.status = status
    registration.status_changed_dt = now
    if status == RegistrationStatus.CANCELLED:
        registration.cancelled_dt = now


def _validate_picks(event: Event, session_ids: Iterable[int]) -> list[Event]:
    """The picked sessions, in time order; refuses strangers and overlaps."""
    wanted = set(session_ids)
    if not wanted:
        return []
    available = {s.id: s for s in event.sessions if s.status == EventStatus.PUBLISHED}
    if not wanted <= available.keys():
        raise InvalidSessionPick()
    picks = sorted((available[i] for i in wanted), key=lambda s: (s.start_dt, s.id))
    for index, first in enumerate(picks):
        for second in picks[index + 1:]:
            if second.start_dt >= first.end_dt:
                break
            raise OverlappingSessions(first, second)
    return picks


@dataclass
class _Standing:
    confirmed: int
    waitlisted_before: int
    active_id: int | None


def _standing(session: Session, event: Event, email_key: str, now: datetime) -> _Standing:
    row = session.execute(_STANDING, {"event_id": event.id, "email_key": email_key, "now": now}).one()
    return _Standing(row[0] or 0, row[1] or 0, row[2])


def register(
    session: Session,
    event: Event,
    *,
    name: str,
    email: str,
    consent: bool,
    now: datetime,
    phone: str | None = None,
    preferred_language: str = "en",
    interpretation_language: str | None = None,
    accessibility_needs: str | None = None,
    childcare_needs: str | None = None,
    session_ids: Iterable[int] = (),
    at_the_door: bool = False,
) -> tuple[Registration, str | None, bool]:
    """Register a person, confirmed if a seat is free, else on the waitlist.

    `at_the_door=True` is a walk-in added by staff: accepted until the event
    ends (see `check_open`), with the same capacity and waitlist rules.

    Returns `(registration, token, created)`. The token for the person's link
    is returned once, when the registration is created; the same e-mail
    registering again gets its active registration back, with no token and
    `created` False. Each picked session of a community meeting is a child
    registration with its own status against that session's capacity.
    """
    if not consent:
        raise ConsentRequired()
    # Refused before any lock is taken, so a bad request never waits for seats.
    check_open(event, now, at_the_door=at_the_door)
    picks = _validate_picks(event, session_ids)

    locked = _lock_events(session, [event.id, *(s.id for s in picks)])
    # The event as it is now that nobody else can change it.
    event = locked[event.id]
    check_open(event, now, at_the_door=at_the_door)
    for pick in picks:
        if locked[pick.id].status != EventStatus.PUBLISHED or locked[pick.id].parent_id != event.id:
            raise InvalidSessionPick()

    email_key = normalise_email(email)
    standing = _standing(session, event, email_key, now)
    if standing.active_id is not None:
        existing = session.get(Registration, standing.active_id)
        notifications.already_registered(session, existing, _positions(session, existing), now)
        return existing, None, False

    link_id = new_link_id()
    person = dict(
        name=name.strip(),
        email=email.strip(),
        email_key=email_key,
        phone=phone or None,
        preferred_language=preferred_language,
        interpretation_language=interpretation_language or None,
        accessibility_needs=accessibility_needs or None,
        childcare_needs=childcare_needs or None,
        consent_dt=now,
        registered_dt=now,
        status_changed_dt=now,
    )

    def status_for(target: Event) -> str:
        if _has_seat(session, target):
            return RegistrationStatus.CONFIRMED
        return RegistrationStatus.WAITLISTED

    seated = event.capacity is None or standing.confirmed < event.capacity
    registration = Registration(
        event=event, link_id=link_id, **person,
        status=RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITLISTED,
    )
    session.add(registration)
    session.flush()
    children = []
    for pick in picks:
        pick_event = locked[pick.id]
        # A cancelled pick of an earlier registration may remain; an active
        # one cannot (the meeting registration would have been found above).
        children.append(Registration(event=pick_event, parent_registration_id=registration.id,
                                     status=status_for(pick_event), **person))
    session.add_all(children)
    session.flush()
    # The picks are known: linked without the collections being loaded.
    set_committed_value(registration, "session_registrations", children)
    for child in children:
        set_committed_value(child, "parent_registration", registration)
    positions = _positions(session, registration, known={registration.id: standing.waitlisted_before + 1})
    notifications.registered(session, registration, positions, now)
    return registration, token_for(link_id), True


def _positions(session: Session, registration: Registration,
               known: dict[int, int] | None = None) -> dict[int, int | None]:
    """Waitlist positions of a registration and its session picks, by id
    (those `known` already are not counted again)."""
    known = known or {}
    rows = [registration, *registration.session_registrations]
    return {row.id: known[row.id] if row.id in known else waitlist_position(session, row)
            for row in rows if row.is_waitlisted}


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """1 for the next person to get a seat; None unless waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = session.scalar(_AHEAD, {"event_id": registration.event_id,
                                    "registered_dt": registration.registered_dt,
                                    "id": registration.id}) or 0
    return ahead + 1


def _promote(session: Session, event: Event, now: datetime) -> list[Registration]:
    """Give free seats of a locked event to the waitlist, first come first served."""
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.registered_dt, Registration.id)
    )
    if event.capacity is not None:
        free = event.capacity - _confirmed_count(session, event.id)
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(session.scalars(query))
    for registration in promoted:
        _set_status(registration, RegistrationStatus.CONFIRMED, now)
    session.flush()
    return promoted


def cancel(session: Session, registration: Registration, now: datetime) -> list[Registration]:
    """Cancel a registration and its session picks; promote into the freed seats.

    Cancelling twice does nothing the second time. Returns the registrations
    promoted from a waitlist (to be told they now have a seat).
    """
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    if registration.event.start_dt <= now:
        raise CancellationClosed()
    picks = [r for r in registration.session_registrations if r.is_active]
    locked = _lock_events(session, [registration.event_id, *(r.event_id for r in picks)])
    # Reloaded under the lock: a concurrent cancel may have been first.
    rows = session.scalars(
        select(Registration)
        .where(
            or_(
                Registration.id == registration.id,
                Registration.parent_registration_id == registration.id,
            )
        )
        .order_by(Registration.id)
        .execution_options(populate_existing=True)
    ).all()
    promoted: list[Registration] = []
    had_seats: list[Event] = []
    changed = False
    for item in rows:
        if item.status == RegistrationStatus.CANCELLED:
            continue
        changed = True
        had_seat = item.status == RegistrationStatus.CONFIRMED
        _set_status(item, RegistrationStatus.CANCELLED, now)
        session.flush()
        if had_seat:
            had_seats.append(item.event)
            if item.event_id in locked:
                promoted += _promote(session, locked[item.event_id], now)
    if changed:  # a concurrent cancel may have done it all already
        notifications.cancelled(session, registration, had_seats, now)
    notifications.promoted(session, promoted, now)
    return promoted


def set_capacity(
    session: Session, event: Event, capacity: int | None, now: datetime
) -> list[Registration]:
    """Change an event's capacity (None: unlimited); a rise promotes from the waitlist.

    Lowering it below the people already confirmed is refused: nobody loses
    a confirmed seat because of an edit.
    """
    if capacity is not None and capacity < 0:
        raise ValueError("capacity must not be negative")
    event = _lock_events(session, [event.id])[event.id]
    confirmed = _confirmed_count(session, event.id)
    if capacity is not None and capacity < confirmed:
        raise CapacityBelowConfirmed(confirmed)
    event.capacity = capacity
    session.flush()
    promoted = _promote(session, event, now)
    notifications.promoted(session, promoted, now)
    return promoted


def find_by_token(session: Session, token: str) -> Registration | None:
    """The registration a link's token belongs to, if the token is genuine."""
    link_id = link_id_from(token)
    if link_id is None:
        return None
    return session.scalars(select(Registration).where(Registration.link_id == link_id)).first()


def link_token(registration: Registration) -> str:
    """The token of the person's link, for any mail about this registration
    or one of its session picks."""
    owner = registration.parent_registration or registration
    return token_for(owner.link_id)


@dataclass(frozen=True)
class Seats:
    """How full an event is, for its page."""

    capacity: int | None
    confirmed: int
    waitlisted: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity


def seats(session: Session, events: Iterable[Event]) -> dict[int, Seats]:
    """Confirmed and waitlisted counts of these events, in one query.

    A page being rendered for the page cache notes that it shows these
    events' places (`pagecache.record_seats`): a registration for one of them
    makes it stale, one for any other event does not.
    """
    events = list(events)
    counts: dict[tuple[int, str], int] = {}
    record_seats(session, [e.id for e in events])
    if events:
        rows = session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(
                Registration.event_id.in_([e.id for e in events]),
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .group_by(Registration.event_id, Registration.status)
        )
        counts = {(event_id, status): count for event_id, status, count in rows}
    return {
        e.id: Seats(
            e.capacity,
            counts.get((e.id, RegistrationStatus.CONFIRMED), 0),
            counts.get((e.id, RegistrationStatus.WAITLISTED), 0),
        )
        for e in events
    }


def find_calendar(session: Session, token: str) -> tuple[Registration, bool] | None:
    """The registration behind a personal calendar's token, and whether the
    calendar spans every registration of its address.

    A registration's own token (the one its page and the redirect after
    registering show) gives that registration's events only; the address
    calendar's token, sent only by mail to the address, gives them all.
    """
    link_id = address_calendar_link_id_from(token)
    every_registration = link_id is not None
    if link_id is None:
        link_id = link_id_from(token)
    if link_id is None:
        return None
    registration = session.scalars(select(Registration).where(Registration.link_id == link_id)).first()
    return None if registration is None else (registration, every_registration)


def events_with_seats(session: Session, registration: Registration, now: datetime,
                      every_registration: bool = False, days_back: int = 31) -> list[Event]:
    """The events and sessions with a confirmed seat, from a month ago on, in
    time order (a personal calendar feed): of this registration and its
    session picks, or, with `every_registration`, of every registration with
    the same address."""
    if every_registration:
        held_by = Registration.email_key == registration.email_key
    else:
        held_by = or_(Registration.id == registration.id,
                      Registration.parent_registration_id == registration.id)
    seats_held = select(Registration.event_id).where(
        held_by, Registration.status == RegistrationStatus.CONFIRMED)
    return list(session.scalars(
        select(Event)
        .where(
            Event.id.in_(seats_held),
            Event.status != EventStatus.DRAFT,
            Event.end_dt >= now - timedelta(days=days_back),
        )
        .order_by(Event.start_dt, Event.id)
    ))


ERASED = "erased"


def erase_personal_data(session: Session, now: datetime, retention: timedelta,
                        batch_size: int = 500) -> int:
    """Erase the personal details of registrations for events that ended more
    than `retention` ago; return how many were erased. Commits per batch.

    What remains says how many registered, in which status (and, later,
    attended): the privacy notice's promise.
    """
    ended = select(Event.id).where(Event.end_dt < now - retention)
    total = 0
    while True:
        rows = session.scalars(
            select(Registration)
            .where(Registration.erased_dt.is_(None), Registration.event_id.in_(ended))
            .order_by(Registration.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return total
        for row in rows:
            row.name = ERASED
            row.email = ERASED
            row.email_key = f"{ERASED}-{row.id}"  # keeps one-active-per-address unique
            row.phone = None
            row.interpretation_language = None
            row.accessibility_needs = None
            row.childcare_needs = None
            row.link_id = None  # the link stops working
            row.erased_dt = now
        session.commit()
        total += len(rows)


def move_pick(session: Session, pick: Registration, to_session: Event,
              now: datetime) -> Registration:
    """Move a person's session pick to another session of the same meeting, in
    one transaction: the old pick is cancelled (its seat goes to that session's
    waitlist) and a new pick takes a seat in `to_session`, or a place at the
    end of its waitlist. Returns the new pick; the person is told of both.

    Both sessions are locked (in id order) before any count is read, as for
    registering; a pick that would overlap another of the person's picks, or
    a session they already hold, is refused.
    """
    meeting_registration = pick.parent_registration
    if meeting_registration is None or not pick.is_active:
        raise InvalidSessionPick()
    if to_session.id == pick.event_id:
        return pick
    locked = _lock_events(session, [pick.event_id, to_session.id])
    target = locked[to_session.id]
    if (target.status != EventStatus.PUBLISHED
            or target.parent_id != meeting_registration.event_id or target.end_dt <= now):
        raise InvalidSessionPick()
    # The person's picks as they are now that nobody else can change the seats.
    rows = session.scalars(
        select(Registration)
        .where(Registration.parent_registration_id == meeting_registration.id)
        .order_by(Registration.id)
        .execution_options(populate_existing=True)
    ).all()
    current = next((r for r in rows if r.id == pick.id), None)
    if current is None or not current.is_active:
        raise InvalidSessionPick()
    others = [r for r in rows if r.is_active and r.id != current.id]
    for other in others:
        if other.event_id == target.id:
            raise InvalidSessionPick()
        if other.event.start_dt < target.end_dt and target.start_dt < other.event.end_dt:
            raise OverlappingSessions(other.event, target)

    had_seat = current.is_confirmed
    _set_status(current, RegistrationStatus.CANCELLED, now)
    session.flush()
    promoted = _promote(session, locked[current.event_id], now) if had_seat else []
    moved = Registration(
        event=target,
        parent_registration_id=meeting_registration.id,
        status=RegistrationStatus.CONFIRMED if _has_seat(session, target)
        else RegistrationStatus.WAITLISTED,
        name=current.name, email=current.email, email_key=current.email_key,
        phone=current.phone, preferred_language=current.preferred_language,
        interpretation_language=current.interpretation_language,
        accessibility_needs=current.accessibility_needs,
        childcare_needs=current.childcare_needs,
        consent_dt=current.consent_dt, registered_dt=now, status_changed_dt=now,
    )
    session.add(moved)
    session.flush()
    set_committed_value(moved, "parent_registration", meeting_registration)
    set_committed_value(moved, "session_registrations", [])
    notifications.moved(session, current, moved, had_seat, now)
    notifications.registered(session, moved, _positions(session, moved), now)
    notifications.promoted(session, promoted, now)
    return moved
