"""The people registered for an event, as its chairs see and change them.

Lists (the page, the CSV, the door) are read in one query each, however
many people registered. Changes staff make on someone's behalf go through
`registrations.services` (so capacity, the waitlist and the registrant's
mail hold as for a change the person makes) and add an audit entry in the
same transaction. Every function takes the session, the acting user and
`now`, flushes, and never commits: the route commits once.

Audit entries name the registration by its id, never the person: the audit
log is kept longer than personal details are (`flask registrations purge`).
"""
import csv
import io
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from ..events.models import Event, EventStatus
from ..mail.models import OutboxMessage, OutboxStatus
from ..registrations import notifications
from ..registrations import services as registrations
from ..events.recurrence import occurrences_between
from ..registrations.models import Attendance, Registration, RegistrationStatus
from ..timeutil import to_local
from . import audit
from .permissions import owning_council_id
from .services import ManageError

SEARCH_LENGTH = 200

# A walk-in without an e-mail address gets one that can never receive mail
# (RFC 2606 reserves `.invalid`): the model needs an address, and the
# one-registration-per-address rule must not join two such people.
WALK_IN_DOMAIN = "walk-in.invalid"


def is_placeholder_email(email: str) -> bool:
    return email.lower().endswith("@" + WALK_IN_DOMAIN)


@dataclass
class Counts:
    capacity: int | None = None
    confirmed: int = 0
    waitlisted: int = 0
    attended: int = 0
    cancelled: int = 0


@dataclass
class RegistrantRow:
    registration: Registration
    # 1 for the next person to get a seat; None unless waitlisted.
    position: int | None = None
    # A meeting registration's session picks (cancelled ones included).
    picks: list["RegistrantRow"] = field(default_factory=list)

    @property
    def has_placeholder_email(self) -> bool:
        return is_placeholder_email(self.registration.email)


@dataclass
class RegistrantList:
    event: Event
    # RegistrantRows: a list, or (`stream=True`) an iterator read as it goes.
    rows: Iterable[RegistrantRow]
    counts: Counts
    # For a community meeting: each session with its counts, in time order.
    sessions: list[tuple[Event, Counts]]
    query: str = ""
    # How many rows there are, cancelled ones included.
    total: int = 0


# Rows read from the database at a time while a list streams: memory stays
# flat however many people registered.
STREAM_BATCH = 500


def _status_order(registration):
    return case(
        (registration.status == RegistrationStatus.CONFIRMED, 0),
        (registration.status == RegistrationStatus.WAITLISTED, 1),
        else_=2,
    )


def _matching(query: str):
    """Name or e-mail containing the words typed, ignoring case; % and _ are plain characters."""
    needle = query.strip().lower()
    return or_(
        func.lower(Registration.name).contains(needle, autoescape=True),
        Registration.email_key.contains(needle, autoescape=True),
    )


def _rows(session: Session, event: Event, query: str = "", active_only: bool = False
          ) -> Iterator[RegistrantRow]:
    """The event's registrations (a meeting's with their session picks) in one
    query, read STREAM_BATCH at a time.

    Each person comes with their picks straight after them (the rows are
    ordered by the person's status, time and id, then picks after the
    person), so a row is complete when the next person's begins. Waitlist
    positions are numbered over everyone on the event's (or the session's)
    waitlist before the search narrows the list, so a person keeps the number
    they have.
    """
    parent = aliased(Registration)
    ranked = (
        select(
            Registration.id.label("id"),
            func.row_number().over(
                partition_by=(Registration.event_id, Registration.status),
                order_by=(Registration.registered_dt, Registration.id),
            ).label("position"),
        )
        .outerjoin(parent, Registration.parent_registration_id == parent.id)
        # The event's own registrations, and the picks of a meeting's registrations.
        .where(or_(Registration.event_id == event.id, parent.event_id == event.id))
        .subquery()
    )
    person = aliased(Registration)  # the pick's person, or the row itself
    is_pick = Registration.event_id != event.id
    statement = (
        select(Registration, ranked.c.position)
        .join(ranked, ranked.c.id == Registration.id)
        .join(person, person.id == case((is_pick, Registration.parent_registration_id),
                                        else_=Registration.id))
        .order_by(_status_order(person), person.registered_dt, person.id,
                  case((is_pick, 1), else_=0))
        .execution_options(yield_per=STREAM_BATCH)
    )
    if query.strip():
        # A pick carries its person's name and address: it matches with them.
        statement = statement.where(_matching(query))
    if active_only:
        statement = statement.where(Registration.status != RegistrationStatus.CANCELLED)
    current: RegistrantRow | None = None
    sessions: dict[int, Event] = {}  # held, so each is loaded once while the rows stream
    for registration, position in session.execute(statement):
        row = RegistrantRow(registration, position if registration.is_waitlisted else None)
        if registration.event_id == event.id:
            if current is not None:
                yield _with_sorted_picks(current)
            current = row
        elif current is not None and registration.parent_registration_id == current.registration.id:
            sessions.setdefault(registration.event_id, registration.event)
            current.picks.append(row)
        # else: a pick whose person is not listed (cancelled, or not matching).
    if current is not None:
        yield _with_sorted_picks(current)


def _with_sorted_picks(row: RegistrantRow) -> RegistrantRow:
    row.picks.sort(key=lambda p: (p.registration.event.start_dt, p.registration.event_id))
    return row


def _total(session: Session, event: Event, query: str, active_only: bool, counts: Counts) -> int:
    if not query:
        return counts.confirmed + counts.waitlisted + (0 if active_only else counts.cancelled)
    statement = (select(func.count()).select_from(Registration)
                 .where(Registration.event_id == event.id, _matching(query)))
    if active_only:
        statement = statement.where(Registration.status != RegistrationStatus.CANCELLED)
    return session.scalar(statement)


def counts(session: Session, events: list[Event]) -> dict[int, Counts]:
    """Confirmed, waitlisted, attended (among those not cancelled) and
    cancelled per event, in one query."""
    ids = [e.id for e in events]
    found = {}
    if ids:
        active = Registration.status != RegistrationStatus.CANCELLED
        rows = session.execute(
            select(
                Registration.event_id,
                func.count(case((Registration.status == RegistrationStatus.CONFIRMED, 1))),
                func.count(case((Registration.status == RegistrationStatus.WAITLISTED, 1))),
                func.count(case((and_(active, Registration.attended_dt.is_not(None)), 1))),
                func.count(case((Registration.status == RegistrationStatus.CANCELLED, 1))),
            )
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id)
        )
        found = {event_id: tuple(figures) for event_id, *figures in rows}
    return {e.id: Counts(e.capacity, *found.get(e.id, (0, 0, 0, 0))) for e in events}


def registrant_list(session: Session, event: Event, query: str = "",
                    active_only: bool = False, stream: bool = False) -> RegistrantList:
    """What the registrants page, the CSV and the check-in page show.

    With `stream`, `rows` is an iterator that reads the registrations as it
    is consumed (the page and the CSV of an event with thousands of people);
    otherwise a list.
    """
    query = (query or "").strip()[:SEARCH_LENGTH]
    sessions = list(event.sessions)
    by_event = counts(session, [event, *sessions])
    rows = _rows(session, event, query, active_only)
    mine = by_event[event.id]
    return RegistrantList(
        event=event,
        rows=rows if stream else list(rows),
        counts=mine,
        sessions=[(s, by_event[s.id]) for s in sessions],
        query=query,
        total=_total(session, event, query, active_only, mine),
    )


def registration_of(session: Session, event: Event, registration_id: int) -> Registration | None:
    """A registration for this very event (a session's page: its picks), else None."""
    return session.scalars(
        select(Registration).where(Registration.id == registration_id,
                                   Registration.event_id == event.id)
    ).first()


def pick_of(session: Session, event: Event, pick_id: int) -> Registration | None:
    """A session pick reached through its meeting (or through the session itself), else None."""
    parent = aliased(Registration)
    return session.scalars(
        select(Registration)
        .join(parent, Registration.parent_registration_id == parent.id)
        .where(Registration.id == pick_id,
               or_(parent.event_id == event.id, Registration.event_id == event.id))
    ).first()


# --- CSV -------------------------------------------------------------------

# Excel runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _local(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


# Not "Confirmed" / "Cancelled": those msgids are a column heading and an
# event's status, which French words differently from a registration's.
STATUS_NAMES = {
    RegistrationStatus.CONFIRMED: _l("Place confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waitlist"),
    RegistrationStatus.CANCELLED: _l("Place cancelled"),
}


def status_name(status: str) -> str:
    return str(STATUS_NAMES[RegistrationStatus(status)])


def _pick_text(pick: RegistrantRow) -> str:
    registration = pick.registration
    text = f"{registration.event.localized('title')} ({status_name(registration.status)}"
    if pick.position is not None:
        text += f" {pick.position}"
    return text + ")"


def registrants_csv(listing: RegistrantList) -> Iterator[bytes]:
    """One row per registration, its session picks in one cell; times in the
    site's zone. UTF-8 with a byte-order mark: Excel then reads accented and
    Arabic names correctly. Yielded in pieces of about CSV_CHUNK bytes as the
    rows are read, so the whole file is never in memory."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([
        gettext("Name"), gettext("E-mail"), gettext("Phone"), gettext("Status"),
        gettext("Waitlist position"), gettext("Sessions"), gettext("Language for e-mails"),
        gettext("Interpretation"), gettext("Accessibility needs"), gettext("Childcare"),
        gettext("Registered at"), gettext("Attended at"), gettext("Cancelled at"),
    ])
    for row in listing.rows:
        r = row.registration
        writer.writerow([csv_cell(v) for v in (
            r.name, "" if row.has_placeholder_email else r.email, r.phone,
            status_name(r.status), row.position, "; ".join(_pick_text(p) for p in row.picks),
            r.preferred_language, r.interpretation_language, r.accessibility_needs,
            r.childcare_needs, _local(r.registered_dt), _local(r.attended_dt),
            _local(r.cancelled_dt),
        )])
        if out.tell() >= CSV_CHUNK:
            yield _drain(out)
    yield _drain(out)


CSV_CHUNK = 64 * 1024


def _drain(out: io.StringIO) -> bytes:
    data = out.getvalue().encode("utf-8")
    out.seek(0)
    out.truncate()
    return data


# --- changes on someone's behalf --------------------------------------------


def _record(session: Session, registration: Registration, *, actor, action: str, summary: str,
            now: datetime, before: dict | None = None, after: dict | None = None) -> None:
    audit.record(
        session, actor=actor, action=action, target_type="registration",
        target_id=registration.id, council_id=owning_council_id(registration.event),
        summary=summary, before=before, after=after, now=now,
    )


def cancel_on_behalf(session: Session, registration: Registration, *, actor,
                     now: datetime) -> list[Registration]:
    """Cancel as the person would: the waitlist moves up and everyone is told."""
    before = registration.status
    promoted = registrations.cancel(session, registration, now)
    if before != RegistrationStatus.CANCELLED:
        _record(session, registration, actor=actor, action="registration.cancel",
                summary=f"Registration {registration.id} for {registration.event.slug} "
                        f"cancelled by staff; {len(promoted)} promoted from the waitlist",
                before={"status": before}, after={"status": RegistrationStatus.CANCELLED},
                now=now)
    return promoted


# --- check-in -------------------------------------------------------------------
# A one-off event's check-in is `Registration.attended_dt`. A repeating event
# is checked in date by date (`Attendance`, one row per person and local
# date); `attended_dt` then holds the latest of them.


def check_in_days(event: Event, now: datetime) -> list[date]:
    """The local dates a repeating event can be checked in for: those that have
    begun (the first date, before any has); [] for a one-off event."""
    if not event.recurrence_rule:
        return []
    dates = occurrences_between(event, event.start_dt)
    days = [to_local(d.start_dt).date() for d in dates if d.start_dt <= now]
    return days or [to_local(d.start_dt).date() for d in dates[:1]]


@dataclass(frozen=True)
class CheckInWindow:
    """When people can be checked in for one date of an event: from
    CHECK_IN_OPENS_MINUTES before it starts until CHECK_IN_CLOSES_MINUTES
    after it ends (0: the end)."""
    opens: datetime
    closes: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens <= now <= self.closes


def check_in_window(event: Event, day: date | None, *, opens_minutes: int,
                    closes_minutes: int) -> CheckInWindow | None:
    """The window of `event` (of its date `day`, when it repeats); None for
    a date that is not one of the event's."""
    start, end = event.start_dt, event.end_dt
    if event.recurrence_rule:
        dates = [d for d in occurrences_between(event, event.start_dt)
                 if to_local(d.start_dt).date() == day]
        if not dates:
            return None
        start, end = dates[0].start_dt, dates[0].end_dt
    return CheckInWindow(start - timedelta(minutes=opens_minutes), end + timedelta(minutes=closes_minutes))


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a form or the query string; None if it is not one."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def check_in_day(days: list[date], requested: str | None) -> date | None:
    """The date the check-in page is for, among `check_in_days`: the one
    asked for, else the latest (today's, on a meeting day)."""
    wanted = parse_day(requested)
    if wanted in days:
        return wanted
    return days[-1] if days else None


def attendance(session: Session, event: Event, day: date | None,
               listing: "RegistrantList") -> tuple[dict[int, datetime], int]:
    """Who is checked in ({registration id: when}) among the listed rows, and
    how many of the event's active registrations are, for `day` (a repeating
    event) or at all (a one-off event)."""
    if day is None:
        shown = {row.registration.id: row.registration.attended_dt
                 for row in listing.rows if row.registration.attended_dt is not None}
        return shown, listing.counts.attended
    rows = session.execute(
        select(Attendance.registration_id, Attendance.attended_dt)
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Registration.event_id == event.id, Attendance.day == day,
               Registration.status != RegistrationStatus.CANCELLED)
    ).all()
    checked = dict(rows)
    listed = {row.registration.id for row in listing.rows}
    return {rid: when for rid, when in checked.items() if rid in listed}, len(checked)


def set_attended(session: Session, registration: Registration, attended: bool, *, actor,
                 now: datetime, day: date | None = None, window: CheckInWindow | None = None,
                 admit: bool = False) -> bool:
    """Mark the person attended (or undo it); at a repeating event, at the
    date `day`. Doing it twice changes nothing; returns whether anything changed.

    Marking needs the date's check-in `window` to be open and a confirmed
    place: someone on the waitlist is let in only explicitly (`admit`),
    which gives them a place, as a walk-in would get one. Undoing a mark is
    always possible.
    """
    if attended and registration.is_cancelled:
        raise ManageError(_l("This registration is cancelled: it cannot be marked attended."))
    repeating = bool(registration.event.recurrence_rule)
    if repeating and (day is None or day not in check_in_days(registration.event, now)):
        raise ManageError(_l("Please choose one of the event's dates that has come."))
    if attended and (window is None or not window.is_open(now)):
        raise ManageError(_l("Check-in is open from shortly before the event starts until it ends."))
    if attended and registration.is_waitlisted:
        if not admit:
            raise ManageError(_l("This person is on the waitlist: let them in explicitly, "
                                 "which gives them a place, or ask them to wait."))
        _admit(session, registration, actor=actor, now=now)
    before = registration.attended_dt
    if repeating:
        row = session.get(Attendance, (registration.id, day))
        if (row is not None) == attended:
            return False
        if attended:
            session.add(Attendance(registration_id=registration.id, day=day, attended_dt=now))
        else:
            session.delete(row)
        session.flush()
        registration.attended_dt = session.scalar(
            select(func.max(Attendance.attended_dt))
            .where(Attendance.registration_id == registration.id))
        at = f" on {day.isoformat()}"
    else:
        if (registration.attended_dt is not None) == attended:
            return False
        registration.attended_dt = now if attended else None
        at = ""
    session.flush()
    _record(session, registration,
            actor=actor, action="registration.check_in" if attended else "registration.check_in_undo",
            summary=f"Registration {registration.id} for {registration.event.slug}{at} "
                    + ("marked attended" if attended else "no longer marked attended"),
            before={"attended_dt": before, **({"day": day} if at else {})},
            after={"attended_dt": registration.attended_dt}, now=now)
    return True


def _admit(session: Session, registration: Registration, *, actor, now: datetime) -> None:
    """Someone on the waitlist is let in at the door: they get a place (the
    room decides, even above the capacity), and the audit log says who did it."""
    registration.status = RegistrationStatus.CONFIRMED
    registration.status_changed_dt = now
    session.flush()
    _record(session, registration, actor=actor, action="registration.admit",
            summary=f"Registration {registration.id} for {registration.event.slug} "
                    "let in from the waitlist at the door",
            before={"status": RegistrationStatus.WAITLISTED},
            after={"status": RegistrationStatus.CONFIRMED}, now=now)


def add_walk_in(session: Session, event: Event, *, actor, now: datetime, name: str,
                email: str | None, consent: bool, attended: bool = False,
                window: CheckInWindow | None = None, day: date | None = None,
                **details) -> Registration:
    """Register someone who came to the door or phoned, through the same
    `register` as the public form: capacity and the waitlist hold.

    Without an e-mail address the person gets a `walk-in-<random>@walk-in.invalid`
    placeholder, and the messages `register` wrote for it are marked failed at
    once (there is nobody to send them to).
    """
    placeholder = not (email or "").strip()
    if placeholder:
        email = f"walk-in-{secrets.token_hex(6)}@{WALK_IN_DOMAIN}"
    elif session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id,
            Registration.email_key == registrations.normalise_email(email),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ):
        # Told here, before `register` would mail the person their link again.
        raise ManageError(_l("Someone is already registered with this e-mail address: "
                             "search for them in the list."))
    try:
        registration, _token, created = registrations.register(
            session, event, name=name, email=email, consent=consent, now=now,
            at_the_door=True, **details)
    except registrations.RegistrationClosed as error:
        raise ManageError(_l(
            "This event has ended, so no one can be added to it."
        )) from error
    except registrations.RegistrationError as error:
        raise ManageError(error.message) from error
    if not created:  # the same address, registered a moment ago by someone else
        raise ManageError(_l("Someone is already registered with this e-mail address: "
                             "search for them in the list."))
    if placeholder:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.to_address == email,
                   OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.FAILED,
                    last_error="walk-in without an e-mail address: nothing to send")
            .execution_options(synchronize_session=False)
        )
    _record(session, registration, actor=actor, action="registration.walk_in",
            summary=f"Walk-in registration {registration.id} added to {event.slug} "
                    f"({registration.status}{', no e-mail address' if placeholder else ''})",
            after={"status": registration.status,
                   "sessions": {p.event_id: p.status for p in registration.session_registrations}},
            now=now)
    if attended:
        # At the door, within the check-in `window` (of `day`, at a repeating
        # event); someone the waitlist would keep out is let in: they are here.
        set_attended(session, registration, True, actor=actor, now=now, window=window, day=day,
                     admit=True)
    return registration


def move_pick(session: Session, pick: Registration, to_session: Event, *, actor,
              now: datetime) -> Registration:
    """Move a person from one session of a meeting to another (a seat or a
    place on that session's waitlist); the freed seat goes to its waitlist."""
    from_slug = pick.event.slug
    before = pick.status
    try:
        moved = registrations.move_pick(session, pick, to_session, now)
    except registrations.RegistrationError as error:
        raise ManageError(error.message) from error
    _record(session, moved, actor=actor, action="registration.move",
            summary=f"Session pick {pick.id} moved by staff from {from_slug} to "
                    f"{to_session.slug} (now {moved.id}, {moved.status})",
            before={"registration": pick.id, "session": pick.event_id, "status": before},
            after={"registration": moved.id, "session": moved.event_id, "status": moved.status},
            now=now)
    return moved


AUDIENCES = ("confirmed", "waitlisted", "all")


def message_registrants(session: Session, event: Event, *, actor, now: datetime,
                        subject: "str | notifications.Texts", body: "str | notifications.Texts",
                        audience: str) -> int:
    """Write one message per registrant (as typed, with their registration link;
    in their language where the chair wrote one) to the outbox; returns how
    many. Walk-ins without an address are skipped."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    statuses = {
        "confirmed": [RegistrationStatus.CONFIRMED],
        "waitlisted": [RegistrationStatus.WAITLISTED],
        "all": [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
    }[audience]
    recipients = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status.in_(statuses),
               Registration.erased_dt.is_(None),
               ~Registration.email_key.endswith("@" + WALK_IN_DOMAIN))
        .order_by(Registration.id)
    ).all()
    for registration in recipients:
        notifications.staff_message(session, registration, subject, body, now)
    audit.record(
        session, actor=actor, action="event.message", target_type="event", target_id=event.id,
        council_id=owning_council_id(event),
        summary=f"Message to {len(recipients)} registrants ({audience}) of {event.slug}: {first(subject)}",
        after={"audience": audience, "recipients": len(recipients),
               "subject": subject.texts if isinstance(subject, notifications.Texts) else subject},
        now=now,
    )
    return len(recipients)


def first(text: "str | notifications.Texts") -> str:
    """The text as it was first written."""
    return text.texts[text.original] if isinstance(text, notifications.Texts) else text


def session_choices(event: Event) -> list[Event]:
    """The sessions someone can be moved into: the meeting's published ones."""
    meeting = event.parent or event
    return [s for s in meeting.sessions if s.status == EventStatus.PUBLISHED]
