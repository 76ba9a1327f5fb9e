"""Scheduling events: create, edit, duplicate, cancel, reschedule; recurrence.

Functions take the session, the acting user and `now`; they flush but never
commit (the view commits once). Each change writes its audit entry
(`audit.record`) and the registrants' mail (`registrations.notifications`,
through the outbox) in that same transaction, so a change, its trace and
its notices exist together or not at all.

Who may do what is decided by `permissions`; the services check it again
for the Sub-council and recommendations picked, since those come from the
form.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..councils.models import Recommendation, SubCouncil, Theme
from ..dbutil import serialise_sqlite
from ..events.models import Event, EventKind, EventStatus, Venue
from ..events.recurrence import MAX_OCCURRENCES, _rrule
from ..events.services import apply_changes
from ..registrations import notifications
from ..registrations import services as registrations
from ..registrations.models import Registration, RegistrationStatus
from ..reminders.models import ReminderSend
from ..reminders.services import moved_key
from ..timeutil import to_local
from . import audit
from .permissions import can_manage_council_id, managed_council_ids
from .services import ManageError


class FieldError(ManageError):
    """A rule about one field of the form: shown beside it."""

    def __init__(self, field_name: str, message):
        super().__init__(message)
        self.field = field_name


# The fields of `Event` the form edits directly (capacity, themes and
# recommendations have their own paths).
SIMPLE_FIELDS = (
    "slug", "kind", "title", "summary", "description", "language", "translations",
    "start_dt", "end_dt", "venue", "online_url", "council", "presenter", "languages",
    "accessibility_notes", "interpretation_notes", "childcare_notes",
    "registration_opens_dt", "registration_closes_dt", "reminder_offsets",
    "recurrence_rule", "recurrence_exdates", "status",
)
# What the audit log shows of an event (references as ids).
AUDITED = tuple(f"{name}_id" if name in ("venue", "council") else name
                for name in SIMPLE_FIELDS) + ("capacity", "theme_ids", "recommendation_ids")


@dataclass
class EventValues:
    """What the form hands over: model values, references as loaded rows."""

    kind: str
    title: str
    start_dt: datetime
    end_dt: datetime
    slug: str = ""
    summary: str = ""
    description: str = ""
    # The language the texts above are written in, and their translations
    # ({"ar": {"title": …}}; see `i18n.Localized`).
    language: str = "en"
    translations: dict = field(default_factory=dict)
    venue: Venue | None = None
    online_url: str | None = None
    council: SubCouncil | None = None
    presenter: str | None = None
    languages: list[str] = field(default_factory=lambda: ["en"])
    accessibility_notes: str = ""
    interpretation_notes: str = ""
    childcare_notes: str = ""
    capacity: int | None = None
    registration_opens_dt: datetime | None = None
    registration_closes_dt: datetime | None = None
    reminder_offsets: list[int] | None = None
    recurrence_rule: str | None = None
    recurrence_exdates: list[str] | None = None
    status: str = EventStatus.DRAFT
    themes: list[Theme] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)

    def __post_init__(self):
        self.translations = Event.clean_translations(self.translations, self.language)


def snapshot(event: Event) -> dict:
    """The audited fields of an event, as they are now."""
    values = {}
    for name in AUDITED:
        if name == "theme_ids":
            values[name] = sorted(t.id for t in event.themes)
        elif name == "recommendation_ids":
            values[name] = sorted(r.id for r in event.recommendations)
        else:
            values[name] = getattr(event, name)
    return values


def owner_council_id(event: Event) -> int | None:
    if event.parent_id is not None and event.parent is not None:
        return event.parent.council_id
    return event.council_id


# --- slugs ---------------------------------------------------------------------

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def slug_taken(session: Session, slug: str, except_id: int | None = None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if except_id is not None:
        query = query.where(Event.id != except_id)
    return session.scalar(query) is not None


def suggest_slug(session: Session, title: str, start_dt: datetime,
                 except_id: int | None = None) -> str:
    """"Journeys to Canada" on 7 March 2027 → journeys-to-canada-2027-03-07 (-2, -3… if taken)."""
    day = to_local(start_dt).date().isoformat()
    base = f"{slugify(title)[:100].strip('-') or 'event'}-{day}"
    slug, n = base, 1
    while slug_taken(session, slug, except_id):
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- recurrence ------------------------------------------------------------------

def check_rule(rule: str, start: datetime, exdates=()) -> list[datetime]:
    """The occurrences, or FieldError when the rule or a skipped date is wrong."""
    try:
        every = list(_rrule(rule, start))[: MAX_OCCURRENCES + 2]
    except (ValueError, TypeError):
        raise FieldError("repeat", _l("This repetition could not be understood."))
    if len(every) > MAX_OCCURRENCES:
        raise FieldError("repeat_count", _l(
            "An event can repeat at most %(max)d times.", max=MAX_OCCURRENCES))
    if len(every) < 2:
        raise FieldError("repeat_until", _l(
            "With this end, the event would not repeat: choose a later date or a count of 2 or more."))
    days = {moment.date().isoformat() for moment in every}
    wrong = [d for d in exdates or () if d not in days]
    if wrong:
        raise FieldError("skip_dates", _l(
            "%(dates)s is not one of the dates of this repetition.", dates=", ".join(wrong)))
    return [m for m in every if m.date().isoformat() not in set(exdates or ())]


# --- checks --------------------------------------------------------------------


def _check_scope(session: Session, actor, values: EventValues, event: Event | None) -> None:
    """A chair picks only their own Sub-councils and their recommendations."""
    is_session = event is not None and event.parent_id is not None
    if not is_session:
        council_id = values.council.id if values.council is not None else None
        if not can_manage_council_id(actor, council_id):
            raise FieldError("council", _l("You can only schedule events for your own Sub-councils."))
    allowed = managed_council_ids(actor)
    if allowed is not None:
        already = {r.id for r in event.recommendations} if event is not None else set()
        for recommendation in values.recommendations:
            if recommendation.council_id not in allowed and recommendation.id not in already:
                raise FieldError("recommendations", _l(
                    "You can only link recommendations of your own Sub-councils."))
        if event is not None:
            # Links an admin made to other councils' recommendations are not
            # offered to the chair, so not in the form: they stay.
            picked = {r.id for r in values.recommendations}
            values.recommendations = list(values.recommendations) + [
                r for r in event.recommendations
                if r.council_id not in allowed and r.id not in picked]


def _check_values(session: Session, values: EventValues, event: Event | None) -> None:
    if values.end_dt <= values.start_dt:
        raise FieldError("end_time", _l("The end must be after the start."))
    if values.capacity is not None and values.capacity < 0:
        raise FieldError("capacity", _l("The capacity cannot be negative."))
    if (values.registration_opens_dt and values.registration_closes_dt
            and values.registration_closes_dt <= values.registration_opens_dt):
        raise FieldError("registration_closes",
                         _l("Registration must close after it opens."))
    if values.slug and slug_taken(session, values.slug, event.id if event else None):
        raise FieldError("slug", _l("Another event already has this address. Please choose another."))
    if values.status == EventStatus.CANCELLED and (event is None or not event.is_cancelled):
        raise FieldError("status", _l("To cancel an event, use “Cancel this event”: registrants are told why."))
    if values.recurrence_rule:
        if event is not None and (event.parent_id is not None or event.sessions):
            raise FieldError("repeat", _l(
                "A community meeting with sessions, or a session, cannot repeat."))
        check_rule(values.recurrence_rule, values.start_dt, values.recurrence_exdates)


def session_warning(meeting: Event, start: datetime, end: datetime) -> str | None:
    """A session outside its meeting's times is allowed (a workshop the day
    before), but probably a typing mistake: say so."""
    if start < meeting.start_dt or end > meeting.end_dt:
        return gettext("This session is outside the times of its community meeting "
                       "(%(when)s). Check the date and times.",
                       when=_time_range(meeting))
    return None


def _time_range(event: Event) -> str:
    from ..templating import time_range

    return str(time_range(event.start_dt, event.end_dt))


# --- create, edit, duplicate ------------------------------------------------------


@dataclass
class Outcome:
    event: Event
    warnings: list[str] = field(default_factory=list)
    notified: int = 0
    promoted: int = 0


def create_event(session: Session, actor, values: EventValues, now: datetime,
                 parent: Event | None = None) -> Outcome:
    """A new event (or a session under `parent`), audited."""
    if parent is not None:
        values.council = values.council if values.council is not None else parent.council
    else:
        _check_scope(session, actor, values, None)
    if parent is not None:
        allowed = managed_council_ids(actor)
        if allowed is not None and any(r.council_id not in allowed for r in values.recommendations):
            raise FieldError("recommendations", _l(
                "You can only link recommendations of your own Sub-councils."))
    _check_values(session, values, None)
    slug = values.slug or suggest_slug(session, values.title, values.start_dt)
    event = Event(
        **{name: getattr(values, name) for name in SIMPLE_FIELDS if name != "slug"},
        slug=slug,
        capacity=values.capacity,
        themes=list(values.themes),
        recommendations=list(values.recommendations),
        parent=parent,
        created_dt=now,
        updated_dt=now,
    )
    session.add(event)
    session.flush()
    action = "event.create" if parent is None else "session.create"
    audit.record(session, actor=actor, action=action, target_type="event",
                 target_id=event.id, council_id=owner_council_id(event),
                 summary=f"{event.title} ({event.slug})", before=None,
                 after=audit.changed_fields({}, snapshot(event))[1], now=now)
    outcome = Outcome(event)
    if parent is not None:
        warning = session_warning(parent, event.start_dt, event.end_dt)
        if warning:
            outcome.warnings.append(warning)
    return outcome


def _lock(session: Session, event: Event) -> None:
    """Hold the event's row for the whole change: no registration slips in
    between the change and the notices (PostgreSQL row lock; SQLite writer)."""
    if session.get_bind().dialect.name == "sqlite":
        serialise_sqlite(session)
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def update_event(session: Session, actor, event: Event, values: EventValues,
                 now: datetime) -> Outcome:
    """Edit an event: capacity (refused below the confirmed count, a rise
    promotes), every other field through `apply_changes` (SEQUENCE bumped for
    calendars), registrants told of a new time. One audit entry."""
    _check_scope(session, actor, values, event)
    _check_values(session, values, event)
    _lock(session, event)
    before = snapshot(event)
    outcome = Outcome(event)

    if values.capacity != event.capacity:
        try:
            promoted = registrations.set_capacity(session, event, values.capacity, now)
        except registrations.CapacityBelowConfirmed as error:
            raise FieldError("capacity", error.message)
        outcome.promoted = len(promoted)
        event.updated_dt = now

    moved = (values.start_dt, values.end_dt) != (event.start_dt, event.end_dt)
    sequence = event.sequence
    changes = {name: getattr(values, name) for name in SIMPLE_FIELDS}
    changes["slug"] = values.slug or event.slug
    apply_changes(event, now, **changes)
    if (before["recurrence_rule"], before["recurrence_exdates"]) != (
            event.recurrence_rule, event.recurrence_exdates) and event.sequence == sequence:
        event.sequence = (event.sequence or 0) + 1  # calendars must re-read the rule
    theme_ids = sorted(t.id for t in values.themes)
    if theme_ids != before["theme_ids"]:
        event.themes = list(values.themes)
        event.updated_dt = now
    rec_ids = sorted(r.id for r in values.recommendations)
    if rec_ids != before["recommendation_ids"]:
        event.recommendations = list(values.recommendations)
        event.updated_dt = now
    session.flush()

    if moved and event.status == EventStatus.PUBLISHED:
        outcome.notified = _tell_rescheduled(session, event, now)
    if event.parent_id is not None:
        warning = session_warning(event.parent, event.start_dt, event.end_dt)
        if warning:
            outcome.warnings.append(warning)

    old, new = audit.changed_fields(before, snapshot(event))
    if old or new:
        if moved:
            action = "event.reschedule"
        elif before["status"] == EventStatus.DRAFT and event.status == EventStatus.PUBLISHED:
            action = "event.publish"
        else:
            action = "event.update"
        summary = f"{event.title} ({event.slug})"
        if outcome.notified:
            summary += f": {outcome.notified} registrants told"
        audit.record(session, actor=actor, action=action, target_type="event",
                     target_id=event.id, council_id=owner_council_id(event),
                     summary=summary, before=old, after=new, now=now)
    return outcome


def _active_registrations(session: Session, event: Event) -> list[Registration]:
    """Everyone holding a seat or a waitlist place at this event (a meeting's
    registrants, or a session's picks), in registration order."""
    return list(session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status.in_((RegistrationStatus.CONFIRMED,
                                        RegistrationStatus.WAITLISTED)))
        .order_by(Registration.registered_dt, Registration.id)
    ))


def _tell_rescheduled(session: Session, event: Event, now: datetime) -> int:
    """The new time to every registrant: confirmed ones with the updated
    invitation, the waitlist with a plain notice. A "moved" reminder row for
    each confirmed one, so the reminders planner does not send its own
    "new time" notice as well."""
    told = 0
    for registration in _active_registrations(session, event):
        if registration.parent_registration_id is not None:
            # A session pick: the mail is about the session, to the person.
            notifications.event_rescheduled(session, registration, now)
            told += 1
            continue
        message = notifications.event_rescheduled(session, registration, now)
        told += 1
        if registration.status == RegistrationStatus.CONFIRMED:
            _record_moved(session, registration, event, message.id, now)
    return told


def _record_moved(session: Session, registration: Registration, event: Event,
                  message_id: int, now: datetime) -> None:
    """The reminders planner's once-only row for "the time changed" (key
    `moved:<new start>`), so that it does not send its own notice too."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(ReminderSend)
        .values(registration_id=registration.id, key=moved_key(event.start_dt),
                event_start_dt=event.start_dt, due_dt=now, created_dt=now,
                outbox_message_id=message_id)
        .on_conflict_do_nothing(index_elements=["registration_id", "key"])
    )


def duplicate_event(session: Session, actor, event: Event, now: datetime) -> Event:
    """A copy as a new draft (sessions copied as drafts too); no registrations."""
    def copy(source: Event, parent: Event | None) -> Event:
        values = {name: getattr(source, name) for name in SIMPLE_FIELDS if name != "slug"}
        values["status"] = EventStatus.DRAFT
        values["title"] = source.title
        clone = Event(
            **values,
            slug=suggest_slug(session, source.title + " copy", source.start_dt),
            capacity=source.capacity,
            themes=list(source.themes),
            recommendations=list(source.recommendations),
            parent=parent,
            created_dt=now,
            updated_dt=now,
        )
        session.add(clone)
        session.flush()
        return clone

    clone = copy(event, event.parent)
    for child in event.sessions:
        copy(child, clone)
    audit.record(session, actor=actor, action="event.duplicate", target_type="event",
                 target_id=clone.id, council_id=owner_council_id(clone),
                 summary=f"{clone.title} ({clone.slug}) from {event.slug}",
                 before={"source_id": event.id, "source_slug": event.slug},
                 after={"slug": clone.slug, "status": clone.status}, now=now)
    return clone


# --- cancel ------------------------------------------------------------------------

MAX_REASON = 1000


def cancel_event(session: Session, actor, event: Event, reason: str | dict[str, str],
                 now: datetime, language: str = "en") -> Outcome:
    """Cancel (with its sessions, each its own SEQUENCE bump) and tell every
    registrant, confirmed or waitlisted, why, in their language where the
    reason was given in it ({language: reason}; `language` is the one it was
    written in first); CANCEL for calendar entries."""
    reasons = {language: reason} if isinstance(reason, str) else dict(reason)
    reasons = {code: text.strip() for code, text in reasons.items() if (text or "").strip()}
    if not reasons.get(language):
        raise FieldError("reason", _l("Please say why: registrants read it."))
    if any(len(text) > MAX_REASON for text in reasons.values()):
        raise FieldError("reason", _l("Please use at most %(max)d characters.", max=MAX_REASON))
    reason = notifications.Texts(reasons, language)
    if event.is_cancelled:
        raise ManageError(_l("This event is already cancelled."))
    _lock(session, event)
    before_status = event.status
    was_public = event.status == EventStatus.PUBLISHED
    apply_changes(event, now, status=EventStatus.CANCELLED)
    cancelled_sessions = []
    for child in event.sessions:
        if child.status != EventStatus.CANCELLED:
            child_was_public = child.status == EventStatus.PUBLISHED
            apply_changes(child, now, status=EventStatus.CANCELLED)
            cancelled_sessions.append((child, child_was_public))
    session.flush()
    told = 0
    if was_public:
        # Meeting registrants get one mail (with CANCEL for the meeting and
        # their sessions); a session pick rides with its meeting registration.
        for registration in _active_registrations(session, event):
            notifications.event_cancelled(session, registration, reason, now)
            told += 1
    else:
        for child, child_was_public in cancelled_sessions:
            if child_was_public:
                for registration in _active_registrations(session, child):
                    notifications.event_cancelled(session, registration, reason, now)
                    told += 1
    audit.record(session, actor=actor, action="event.cancel", target_type="event",
                 target_id=event.id, council_id=owner_council_id(event),
                 summary=f"{event.title} ({event.slug}): {told} registrants told",
                 before={"status": before_status},
                 after={"status": EventStatus.CANCELLED, "reason": reasons,
                        "sessions_cancelled": [c.slug for c, _ in cancelled_sessions]},
                 now=now)
    return Outcome(event, notified=told)


def registrant_counts(session: Session, event: Event) -> tuple[int, int]:
    """Confirmed and waitlisted people (for the cancel confirmation page)."""
    rows = _active_registrations(session, event)
    confirmed = sum(1 for r in rows if r.status == RegistrationStatus.CONFIRMED)
    return confirmed, len(rows) - confirmed


# --- choices for the form --------------------------------------------------------


def council_choices(session: Session, actor) -> list[SubCouncil]:
    allowed = managed_council_ids(actor)
    query = select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)
    if allowed is not None:
        query = query.where(SubCouncil.id.in_(allowed or {-1}))
    return list(session.scalars(query))


def recommendation_choices(session: Session, actor) -> list[Recommendation]:
    allowed = managed_council_ids(actor)
    query = (select(Recommendation).join(Recommendation.council)
             .order_by(SubCouncil.position, SubCouncil.name, Recommendation.position,
                       Recommendation.code))
    if allowed is not None:
        query = query.where(Recommendation.council_id.in_(allowed or {-1}))
    return list(session.scalars(query))


def theme_choices(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.position, Theme.name)))


def venue_choices(session: Session) -> list[Venue]:
    return list(session.scalars(select(Venue).order_by(Venue.name)))


KINDS = tuple(EventKind)
