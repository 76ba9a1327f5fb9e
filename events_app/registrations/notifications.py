"""The mail a registrant gets: written to the outbox in the caller's transaction.

Called by `registrations.services` for every change it makes, so that no
path (a page, the CLI, a chair's action) can change a registration without
the person hearing of it. Each message is rendered in the registrant's
preferred language from `templates/email/<kind>.txt` and `.html`.

A seat comes with a calendar invitation the person's calendar can update
later (RFC 6047): `METHOD:REQUEST` with the event's own UID and SEQUENCE,
the partnership as ORGANIZER and the person as ATTENDEE, inline (Outlook
reads only an inline `text/calendar` part) and as an `.ics` file. Losing a
seat sends `METHOD:CANCEL` for the same UID. A waitlist place has no
invitation: there is nothing to put in a calendar yet.
"""
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from icalendar import vCalAddress
from sqlalchemy.orm import Session

from ..events.models import Event
from ..events.recurrence import occurrences_between
from ..ical.builders import CalendarEvent, Method, build_calendar, property_line
from ..i18n import LocalizedText, current_language, pick_text
from ..ical.services import absolute_url
from ..mail.models import OutboxMessage
from ..mail.services import attachment, enqueue, one_line, render_message
from ..timeutil import site_zone
from .links import address_calendar_token_for, token_for
from .models import Registration


def organizer_address() -> str:
    """The partnership's own address (bare), from MAIL_DEFAULT_SENDER."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1] or "events@localhost"


def mail_language(registration: Registration) -> str:
    language = registration.preferred_language
    return language if language in current_app.config["LANGUAGES"] else "en"


def owner(registration: Registration) -> Registration:
    """The registration holding the person's link (a session pick's meeting registration)."""
    return registration.parent_registration or registration


def links(registration: Registration) -> dict[str, str]:
    site_url = current_app.config["SITE_URL"]
    link_id = owner(registration).link_id
    token = token_for(link_id)
    return {
        "registration_url": absolute_url(site_url, "registrations.detail", token=token),
        "cancel_url": absolute_url(site_url, "registrations.confirm_cancel", token=token),
        # Every seat of the address: only ever written into mail to it.
        "calendar_url": absolute_url(site_url, "ical.registrant_feed",
                                     token=address_calendar_token_for(link_id)),
    }


# An event's calendar without its attendee, per language and method: every
# registrant's invitation is the same but for one line. Kept briefly, like
# the page cache (a venue's address may change without the event's own row).
_CALENDARS: dict[tuple, tuple[float, str]] = {}
_CALENDAR_SECONDS = 60
_CALENDAR_ENTRIES = 256


def _event_calendar(event: Event, method: Method) -> str:
    site_url = current_app.config["SITE_URL"]
    key = (event.id, event.uid, event.sequence, event.updated_dt, str(method),
           current_language(), site_url, organizer_address())
    now = time.monotonic()
    cached = _CALENDARS.get(key)
    if cached is not None and now - cached[0] < _CALENDAR_SECONDS:
        return cached[1]
    text = build_calendar(
        [CalendarEvent.from_model(event)], site_url=site_url, zone=site_zone(),
        method=method, organizer=organizer_address(),
    ).decode("utf-8")
    if len(_CALENDARS) >= _CALENDAR_ENTRIES:
        _CALENDARS.clear()
    _CALENDARS[key] = (now, text)
    return text


def _attendee_line(registration: Registration) -> str:
    """The person's ATTENDEE property, as icalendar writes and folds it."""
    address = vCalAddress(f"mailto:{registration.email}")
    address.params.update({"CN": registration.name, "ROLE": "REQ-PARTICIPANT",
                           # Registered already: accepted, no reply wanted.
                           "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"})
    return property_line("ATTENDEE", address) + "\r\n"


def invitation(event: Event, registration: Registration, method: Method) -> str:
    """The event as an iTIP REQUEST or CANCEL for this person, in the current language."""
    calendar = _event_calendar(event, method)
    head, end, tail = calendar.rpartition("END:VEVENT\r\n")
    return head + _attendee_line(registration) + end + tail


def invitation_parts(registration: Registration, events: Iterable[Event],
                     method: Method, inline: bool = True) -> list[dict]:
    """The first event inline (what Outlook and Gmail show as the invitation);
    every event as its own `.ics` file (a meeting and each session with a seat).
    A reminder carries the files only: it is no new invitation."""
    parts = []
    for index, event in enumerate(events):
        ics = invitation(event, registration, method)
        if index == 0 and inline:
            parts.append(attachment(
                None, f"text/calendar; method={method}; charset=UTF-8", ics, inline=True))
        parts.append(attachment(f"{event.slug}.ics", "application/ics", ics))
    return parts


def _recommendations(registration: Registration) -> list[dict]:
    """What the event and the person's sessions act on: "This event acts on …",
    "“Journeys to work” acts on …"."""
    items, seen = [], set()
    sources = [(registration.event, None)]
    sources += [(p.event, p.event) for p in registration.session_registrations if p.is_active]
    for event, session_event in sources:
        for recommendation in event.recommendations:
            if recommendation.id not in seen:
                seen.add(recommendation.id)
                items.append({"recommendation": recommendation, "session": session_event})
    return items


def _send(session: Session, registration: Registration, template: str, now: datetime, *,
          method: Method | None = None, invite: Iterable[Event] = (), inline: bool = True,
          flush: bool = True, **context) -> OutboxMessage:
    language = mail_language(registration)
    # A repeating event is told by one of its dates (an `Occurrence`): the
    # one the reminder is for, else the next.
    event = context.pop("event", None) or _next_date(registration.event, now)
    context.setdefault("picks", [])
    context.setdefault("recommendations", _recommendations(registration))
    site_url = current_app.config["SITE_URL"]
    with force_locale(language):
        rendered = render_message(
            template,
            language,
            registration=registration,
            event=event,
            event_url=absolute_url(site_url, "events.detail", slug=event.slug),
            recommendation_url=lambda rec: absolute_url(
                site_url, "councils.recommendation", code=rec.code),
            **links(registration),
            **context,
        )
        parts = invitation_parts(registration, list(invite), method, inline) if method else []
    return enqueue(
        session,
        to=registration.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=parts,
        kind=template,
        now=now,
        registration_id=registration.id,
        flush=flush,
    )


def _next_date(event: Event, now: datetime):
    if not event.recurrence_rule:
        return event
    dates = occurrences_between(event, now)
    return dates[0] if dates else event


def _picks(registration: Registration, positions: dict[int, int | None]) -> list[dict]:
    return [
        {"event": pick.event, "status": pick.status, "position": positions.get(pick.id)}
        for pick in registration.session_registrations
        if pick.is_active
    ]


def registered(session: Session, registration: Registration,
               positions: dict[int, int | None], now: datetime) -> None:
    """A new registration: a confirmation with the invitation(s), or a waitlist notice."""
    seats = [registration.event] if registration.is_confirmed else []
    seats += [p.event for p in registration.session_registrations if p.is_confirmed]
    _send(
        session, registration,
        "confirmation" if registration.is_confirmed else "waitlisted",
        now,
        method=Method.REQUEST if seats else None,
        invite=seats,
        position=positions.get(registration.id),
        picks=_picks(registration, positions),
        # Written with the registration at commit (or by the next query's
        # autoflush): a flush of its own cost every registration ~0.3 ms.
        flush=False,
    )


def already_registered(session: Session, registration: Registration,
                       positions: dict[int, int | None], now: datetime) -> None:
    """Someone registered again with this address: the link goes to the address,
    never to whoever filled in the form."""
    _send(session, registration, "already_registered", now,
          position=positions.get(registration.id), picks=_picks(registration, positions))


def promoted(session: Session, registrations: Iterable[Registration], now: datetime) -> None:
    """A seat came free: the invitation for the event (or session) they now have a seat at."""
    for registration in registrations:
        _send(session, registration, "promoted", now,
              method=Method.REQUEST, invite=[registration.event])


def cancelled(session: Session, registration: Registration, had_seats: list[Event],
              now: datetime) -> None:
    """The registration (and its session picks) is cancelled: CANCEL what was in
    the person's calendar."""
    _send(session, registration, "cancelled", now,
          method=Method.CANCEL if had_seats else None, invite=had_seats, had_seats=had_seats)


def moved(session: Session, old_pick: Registration, new_pick: Registration, had_seat: bool,
          now: datetime) -> None:
    """Staff moved a session pick: say so (from which session to which), with
    CANCEL for the old session if it held a seat. The new pick's own
    confirmation or waitlist notice follows, with its invitation."""
    _send(session, old_pick.parent_registration, "moved", now, event=old_pick.event,
          target=new_pick.event, had_seat=had_seat,
          method=Method.CANCEL if had_seat else None, invite=[old_pick.event] if had_seat else [])


def _seats(registration: Registration) -> list[Event]:
    seats = [registration.event] if registration.is_confirmed else []
    return seats + [p.event for p in registration.session_registrations if p.is_confirmed]


def _positions(session: Session, registration: Registration) -> dict[int, int | None]:
    from .services import waitlist_position  # the services import this module

    return {p.id: waitlist_position(session, p)
            for p in registration.session_registrations if p.is_waitlisted}


def reminder(session: Session, registration: Registration, now: datetime,
             event: Event | None = None) -> OutboxMessage:
    """The reminder of one slot: what, when, where, why it matters, how to free the seat.

    `event`: the date of a repeating event the reminder is for (an `Occurrence`).
    """
    return _send(session, registration, "reminder", now, method=Method.REQUEST, event=event,
                 invite=_seats(registration), inline=False, flush=False,
                 picks=_picks(registration, _positions(session, registration)))


def time_changed(session: Session, registration: Registration, now: datetime) -> OutboxMessage:
    """The event moved after the person was reminded of the old time."""
    return _send(session, registration, "time_changed", now, method=Method.REQUEST,
                 invite=_seats(registration), flush=False,
                 picks=_picks(registration, _positions(session, registration)))


# --- a chair cancels or moves the event (manage.event_services) ---------------


@dataclass(frozen=True)
class Texts:
    """What a chair wrote to registrants, in the languages they wrote it in
    ({language: text}, `original` the first): each person reads their own."""

    texts: dict[str, str]
    original: str

    def for_reader(self, registration: Registration) -> LocalizedText:
        return pick_text(self.texts, mail_language(registration), self.original)


def event_cancelled(session: Session, registration: Registration, reason: "str | Texts",
                    now: datetime) -> OutboxMessage:
    """The event is cancelled: the reason, and CANCEL for what was in the
    person's calendar (their seats; a waitlist place had no invitation)."""
    had_seats = _seats(registration)
    if isinstance(reason, Texts):
        reason = reason.for_reader(registration)
    return _send(session, registration, "event_cancelled", now,
                 method=Method.CANCEL if had_seats else None, invite=had_seats,
                 reason=reason, had_seats=had_seats,
                 events_url=absolute_url(current_app.config["SITE_URL"], "events.index"))


def event_rescheduled(session: Session, registration: Registration,
                      now: datetime) -> OutboxMessage:
    """The event moved: a confirmed person gets the updated REQUEST (same UID,
    higher SEQUENCE), a waitlisted one a plain notice of the new time."""
    seats = _seats(registration)
    return _send(session, registration, "event_rescheduled", now,
                 method=Method.REQUEST if seats else None, invite=seats,
                 has_seat=bool(seats),
                 picks=_picks(registration, _positions(session, registration)))


def staff_message(session: Session, registration: Registration, subject: "str | Texts",
                  body: "str | Texts", now: datetime) -> OutboxMessage:
    """A chair's message to the registrants of an event, as they typed it (in
    the person's language where they wrote one); the greeting and the link to
    the person's registration in the person's language."""
    if isinstance(subject, Texts):
        subject = subject.for_reader(registration)
    if isinstance(body, Texts):
        body = body.for_reader(registration)
    subject = one_line(subject)  # it is the mail's subject
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return _send(session, registration, "staff_message", now,
                 message_lang=getattr(body, "lang", None), message_subject=subject, message_body=body.replace("\r\n", "\n").strip(),
                 message_paragraphs=[p.split("\n") for p in paragraphs])
