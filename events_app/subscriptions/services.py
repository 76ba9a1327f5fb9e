"""Subscribing to the weekly digest, and writing the weekly digests.

Every function takes the session and `now`. Those that change one
subscription flush and never commit: the caller (a page, a test) commits
once, and the mail they write is in the outbox exactly when the change is.
The digest runs (`send_subscriber_digests`, `send_chair_digests`) commit once
per recipient instead, as the mail worker does per message: a run that dies
half-way keeps what it wrote, and the next run writes only the rest.

Once per recipient and week, also with two runs at once: the run inserts
a `digest_send` row keyed (recipient, `week:<ISO week>`) with `INSERT … ON
CONFLICT DO NOTHING` in the transaction that writes the message. The second
of two concurrent runs waits for the first's row (PostgreSQL's unique index;
SQLite's write lock), finds it, and writes nothing.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import Role, User, user_councils
from ..councils.models import Recommendation, RecommendationStatus, SubCouncil, Theme
from ..events.models import Event, EventStatus, ends_after, event_recommendations
from ..events.recurrence import occurrences_between
from ..ical.services import absolute_url
from ..i18n import base_language
from ..mail.services import enqueue, refresh_statistics, render_message
from ..registrations.services import Seats, seats
from ..timeutil import local_to_utc, to_local
from .links import link_id_from, new_link_id, token_for
from .models import DigestSend, Subscription

# Asking again within this time re-sends no confirmation request: the form
# cannot be used to flood someone's mailbox.
RESEND_AFTER = timedelta(minutes=10)


def email_key(email: str) -> str:
    return email.strip().lower()


def mail_language(language: str | None) -> str:
    return language if language in current_app.config["LANGUAGES"] else "en"


def _site_url() -> str:
    return current_app.config["SITE_URL"]


def links(subscription: Subscription) -> dict[str, str]:
    token = token_for(subscription.link_id)
    return {
        "subscription_url": absolute_url(_site_url(), "subscriptions.detail", token=token),
        "confirm_url": absolute_url(_site_url(), "subscriptions.confirm_page", token=token),
        "unsubscribe_url": absolute_url(_site_url(), "subscriptions.confirm_unsubscribe",
                                        token=token),
        # What mail clients POST to for RFC 8058 one-click unsubscribe.
        "one_click_url": absolute_url(_site_url(), "subscriptions.unsubscribe", token=token),
    }


# --- choosing ---------------------------------------------------------------


def all_councils(session: Session) -> list[SubCouncil]:
    return list(session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.id)))


def all_themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def _councils(session: Session, ids: Iterable[int]) -> list[SubCouncil]:
    ids = set(ids)
    if not ids:
        return []
    return list(session.scalars(select(SubCouncil).where(SubCouncil.id.in_(ids))
                                .order_by(SubCouncil.position)))


def _themes(session: Session, ids: Iterable[int]) -> list[Theme]:
    ids = set(ids)
    if not ids:
        return []
    return list(session.scalars(select(Theme).where(Theme.id.in_(ids)).order_by(Theme.position)))


# --- one subscription ---------------------------------------------------------


def find_by_token(session: Session, token: str) -> Subscription | None:
    """The subscription a link's token belongs to, if the token is genuine."""
    link_id = link_id_from(token)
    if link_id is None:
        return None
    return session.scalars(select(Subscription).where(Subscription.link_id == link_id)).first()


def is_genuine(token: str) -> bool:
    """A token this site signed (its subscription may be gone since)."""
    return link_id_from(token) is not None


def find_by_email(session: Session, email: str) -> Subscription | None:
    return session.scalars(
        select(Subscription).where(Subscription.email_key == email_key(email))).first()


def subscribe(session: Session, *, email: str, language: str, council_ids: Iterable[int] = (),
              theme_ids: Iterable[int] = (), is_language_only: bool = False, consent: bool,
              now: datetime) -> Subscription:
    """Someone asked for the digest at `email`. Flushes, never commits.

    - a new address: a subscription waiting for confirmation, and the
      confirmation request to the address;
    - an address waiting for confirmation: its choices replaced by these,
      and the request sent again (at most every `RESEND_AFTER`);
    - a confirmed address: nothing changes (whoever typed the address may
      not be its owner); the owner gets the link to change their choices.

    Whoever filled in the form is told the same in every case.
    """
    if not consent:
        raise ValueError("consent is required")
    subscription = find_by_email(session, email)
    if subscription is not None and subscription.is_confirmed:
        if _may_resend(subscription, now):
            subscription.confirm_sent_dt = now
            _send(session, subscription, "subscription_exists", now)
        session.flush()
        return subscription
    if subscription is None:
        subscription = Subscription(
            email=email.strip(), email_key=email_key(email), link_id=new_link_id(),
            created_dt=now)
        session.add(subscription)
    subscription.email = email.strip()
    subscription.language = mail_language(language)
    subscription.is_language_only = is_language_only
    subscription.consent_dt = now
    subscription.councils = _councils(session, council_ids)
    subscription.themes = _themes(session, theme_ids)
    session.flush()
    if _may_resend(subscription, now):
        subscription.confirm_sent_dt = now
        _send(session, subscription, "subscription_confirm", now)
    return subscription


def _may_resend(subscription: Subscription, now: datetime) -> bool:
    sent = subscription.confirm_sent_dt
    return sent is None or now - sent >= RESEND_AFTER


def confirm(session: Session, subscription: Subscription, now: datetime) -> bool:
    """The address's owner followed the link: digests from the next run on."""
    if subscription.is_confirmed:
        return False
    subscription.confirmed_dt = now
    session.flush()
    return True


def update_choices(session: Session, subscription: Subscription, *, language: str,
                   council_ids: Iterable[int], theme_ids: Iterable[int],
                   is_language_only: bool = False) -> None:
    subscription.language = mail_language(language)
    subscription.is_language_only = is_language_only
    subscription.councils = _councils(session, council_ids)
    subscription.themes = _themes(session, theme_ids)
    session.flush()


def unsubscribe(session: Session, subscription: Subscription) -> None:
    """Delete the subscription, its choices and its digest records: nothing
    of the address stays (but mail already in the outbox)."""
    session.delete(subscription)
    session.flush()


def purge_unconfirmed(session: Session, now: datetime, days: int) -> int:
    """Forget addresses never confirmed within `days`: someone else may have typed them."""
    result = session.execute(
        delete(Subscription).where(
            Subscription.confirmed_dt.is_(None),
            Subscription.created_dt < now - timedelta(days=days),
        )
    )
    return result.rowcount or 0


def _send(session: Session, subscription: Subscription, template: str, now: datetime,
          **context) -> None:
    language = mail_language(subscription.language)
    with force_locale(language):
        rendered = render_message(template, language, subscription=subscription,
                                  **links(subscription), **context)
    enqueue(session, to=subscription.email, subject=rendered.subject, text=rendered.text,
            html=rendered.html, kind=template, now=now)


# --- the week -----------------------------------------------------------------


@dataclass(frozen=True)
class DigestWeek:
    key: str  # "week:2026-W48"
    label: str  # "2026-W48"
    due_dt: datetime  # UTC: digests of this week go out from then on
    window_start: datetime
    window_end: datetime

    def is_due(self, now: datetime) -> bool:
        return now >= self.due_dt


def digest_week(now: datetime) -> DigestWeek:
    """The ISO week (in SITE_TIMEZONE) containing `now`, when its digests are due
    (DIGEST_WEEKDAY at DIGEST_HOUR, local time) and the events they cover:
    those starting from `now` until DIGEST_DAYS_AHEAD local days later."""
    config = current_app.config
    local = to_local(now)
    year, week, weekday = local.isocalendar()
    monday = local.date() - timedelta(days=weekday - 1)
    due_day = monday + timedelta(days=int(config["DIGEST_WEEKDAY"]) - 1)
    due_dt = local_to_utc(datetime.combine(due_day, time(int(config["DIGEST_HOUR"]))))
    horizon_day = local.date() + timedelta(days=int(config["DIGEST_DAYS_AHEAD"]) + 1)
    window_end = local_to_utc(datetime.combine(horizon_day, time.min))
    label = f"{year}-W{week:02d}"
    return DigestWeek(key=f"week:{label}", label=label, due_dt=due_dt,
                      window_start=now, window_end=window_end)


def _claim(session: Session, *, kind: str, recipient: str, key: str, now: datetime,
           subscription_id: int | None = None) -> int | None:
    """Insert the (recipient, key) record unless it exists; its id, or None if
    another run has it (then that run sends, and this one must not)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(DigestSend)
        .values(kind=kind, recipient=recipient, key=key, subscription_id=subscription_id,
                created_dt=now)
        .on_conflict_do_nothing(index_elements=["recipient", "key"])
        .returning(DigestSend.id)
    )
    return session.execute(statement).scalar()


def _already_sent(session: Session, key: str) -> set[str]:
    return set(session.scalars(select(DigestSend.recipient).where(DigestSend.key == key)))


def _record(session: Session, send_id: int, message_id: int) -> None:
    session.execute(
        DigestSend.__table__.update().where(DigestSend.id == send_id)
        .values(outbox_message_id=message_id))


@dataclass
class DigestReport:
    sent: int = 0
    empty: int = 0  # nothing to tell: no mail
    already: int = 0  # sent by an earlier (or a concurrent) run
    no_address: list[str] = field(default_factory=list)  # councils nobody receives

    def __str__(self) -> str:
        return (f"sent {self.sent}, nothing to tell {self.empty}, "
                f"already sent {self.already}")


# --- the subscribers' digest ---------------------------------------------------


@dataclass
class DigestItem:
    """An event as the digest shows it, and what it matches."""

    event: Event
    seats: Seats
    recommendations: list[Recommendation]
    council_ids: set[int]
    theme_ids: set[int]
    # ISO 639 codes of the languages it (or a session) is held or interpreted in.
    languages: set[str] = field(default_factory=set)

    def matches(self, subscription: Subscription) -> bool:
        if subscription.is_language_only and base_language(subscription.language) not in self.languages:
            return False
        councils = {c.id for c in subscription.councils}
        themes = {t.id for t in subscription.themes}
        if not councils and not themes:
            return True
        # Any Sub-council or theme picked: people tick what interests them.
        return bool(councils & self.council_ids or themes & self.theme_ids)


def _public_sessions(event: Event) -> list[Event]:
    return [s for s in event.sessions if s.status == EventStatus.PUBLISHED]


def upcoming_items(session: Session, start: datetime, end: datetime) -> list[DigestItem]:
    """Published events (meetings with their sessions) starting in [start, end),
    with their places and what they act on, in a handful of queries; each
    date of a repeating event in the window is an item of its own."""
    found = list(session.scalars(
        select(Event)
        .where(Event.parent_id.is_(None), Event.status == EventStatus.PUBLISHED,
               Event.start_dt < end,
               or_(Event.start_dt >= start, Event.series_end_dt > start))
        # Everything the digest shows of each event, for all of them at once.
        .options(
            selectinload(Event.venue), selectinload(Event.council), selectinload(Event.themes),
            selectinload(Event.recommendations),
            selectinload(Event.sessions).options(
                selectinload(Event.themes), selectinload(Event.recommendations)),
        )
        .order_by(Event.start_dt, Event.id)
    ))
    events = []
    for event in found:
        if event.recurrence_rule:
            events.extend(o for o in occurrences_between(event, start, end) if o.start_dt >= start)
        elif event.start_dt >= start:
            events.append(event)
    events.sort(key=lambda e: (e.start_dt, e.id))
    counts = seats(session, found)
    items = []
    for event in events:
        parts = [event, *_public_sessions(event)]
        recommendations, seen = [], set()
        for part in parts:
            for recommendation in part.recommendations:
                if recommendation.id not in seen:
                    seen.add(recommendation.id)
                    recommendations.append(recommendation)
        council_ids = {p.council_id for p in parts if p.council_id}
        council_ids |= {r.council_id for r in recommendations}
        theme_ids = {t.id for p in parts for t in p.themes}
        languages = {base_language(code) for p in parts for code in (p.languages or [])}
        items.append(DigestItem(event, counts[event.id], recommendations, council_ids, theme_ids,
                                languages))
    return items


def send_subscriber_digests(session: Session, now: datetime) -> DigestReport:
    """This week's digest to every confirmed subscription that has not had it.

    Commits once per subscription. A subscription with nothing upcoming that
    matches its choices gets no mail (and is not marked: should a matching
    event be published later in the week, a later run sends it).
    """
    with _run_session(session) as session:
        report = _send_subscriber_digests(session, now)
        refresh_statistics(session, report.sent)
        return report


def _run_session(session: Session) -> Session:
    """A session of the run's own on the same database, whose objects stay
    loaded across the per-recipient commits (the events are read once)."""
    return Session(bind=session.get_bind(), expire_on_commit=False)


def _send_subscriber_digests(session: Session, now: datetime) -> DigestReport:
    week = digest_week(now)
    report = DigestReport()
    items = upcoming_items(session, week.window_start, week.window_end)
    done = _already_sent(session, week.key)
    subscriptions = list(session.scalars(
        select(Subscription).where(Subscription.confirmed_dt.is_not(None))
        .order_by(Subscription.id)))
    session.commit()  # reading done: hold no lock while writing one by one
    for subscription in subscriptions:
        recipient = f"subscription:{subscription.id}"
        if recipient in done:
            report.already += 1
            continue
        matching = [item for item in items if item.matches(subscription)]
        if not matching:
            report.empty += 1
            continue
        send_id = _claim(session, kind="subscriber", recipient=recipient, key=week.key,
                         now=now, subscription_id=subscription.id)
        if send_id is None:
            session.rollback()
            report.already += 1
            continue
        language = mail_language(subscription.language)
        urls = links(subscription)
        with force_locale(language):
            rendered = render_message(
                "digest", language, subscription=subscription, items=matching, week=week,
                days=int(current_app.config["DIGEST_DAYS_AHEAD"]),
                event_url=lambda event: absolute_url(_site_url(), "events.detail",
                                                     slug=event.slug),
                recommendation_url=lambda rec: absolute_url(
                    _site_url(), "councils.recommendation", code=rec.code),
                **urls,
            )
        message = enqueue(
            session, to=subscription.email, subject=rendered.subject, text=rendered.text,
            html=rendered.html, kind="digest", now=now,
            headers={
                "List-Unsubscribe": f"<{urls['one_click_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        _record(session, send_id, message.id)
        session.commit()
        report.sent += 1
    return report


# --- the chairs' digest --------------------------------------------------------


@dataclass
class CouncilReport:
    council: SubCouncil
    # Open (or in progress) recommendations no upcoming published event acts on.
    unaddressed: list[Recommendation] = field(default_factory=list)
    # Soon, and few people registered so far.
    quiet: list[tuple[Event, Seats]] = field(default_factory=list)
    # Full, with a long waitlist: worth a second session.
    waitlisted: list[tuple[Event, Seats]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.unaddressed or self.quiet or self.waitlisted)


def _event_councils(event: Event) -> set[int]:
    """The Sub-councils an event concerns: its organiser (or its meeting's),
    and those whose recommendations it acts on."""
    ids = {event.council_id} if event.council_id else set()
    if event.parent is not None and event.parent.council_id:
        ids.add(event.parent.council_id)
    ids |= {r.council_id for r in event.recommendations}
    return ids


def council_reports(session: Session, now: datetime) -> dict[int, CouncilReport]:
    """What each Sub-council's chairs should hear about this week."""
    config = current_app.config
    reports = {c.id: CouncilReport(c) for c in all_councils(session)}

    addressed = exists().where(
        event_recommendations.c.recommendation_id == Recommendation.id,
        event_recommendations.c.event_id == Event.id,
        Event.status == EventStatus.PUBLISHED,
        ends_after(now),
    )
    for recommendation in session.scalars(
        select(Recommendation)
        .where(Recommendation.status != RecommendationStatus.DONE, ~addressed)
        .order_by(Recommendation.position, Recommendation.code)
    ):
        reports[recommendation.council_id].unaddressed.append(recommendation)

    # Every upcoming published event or session with a capacity: the few
    # that matter are picked below by their counts.
    events = list(session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.start_dt > now,
               Event.capacity.is_not(None), Event.capacity > 0)
        .options(selectinload(Event.parent), selectinload(Event.recommendations))
        .order_by(Event.start_dt, Event.id)
    ))
    counts = seats(session, events)
    soon = now + timedelta(days=int(config["DIGEST_DAYS_AHEAD"]))
    ratio = float(config["DIGEST_LOW_REGISTRATION_RATIO"])
    long_waitlist = int(config["DIGEST_LONG_WAITLIST"])
    for event in events:
        count = counts[event.id]
        lists = []
        if event.start_dt < soon and count.confirmed < event.capacity * ratio:
            lists.append("quiet")
        if count.full and count.waitlisted >= long_waitlist:
            lists.append("waitlisted")
        for council_id in _event_councils(event):
            if council_id in reports:
                for name in lists:
                    getattr(reports[council_id], name).append((event, count))
    return reports


def chair_recipients(session: Session) -> list[tuple[str, str, str, list[SubCouncil]]]:
    """(recipient key, address, language, councils): each active chair with the
    councils they chair, then each council without an active chair that has a
    `digest_email`."""
    language = mail_language(current_app.config.get("BABEL_DEFAULT_LOCALE"))
    chairs = list(session.scalars(
        select(User)
        .where(User.role == Role.CHAIR, User.is_active.is_(True),
               exists().where(user_councils.c.user_id == User.id))
        .order_by(User.id)))
    recipients, chaired = [], set()
    for user in chairs:
        chaired |= user.council_ids
        recipients.append((f"user:{user.id}", user.email,
                           mail_language(getattr(user, "language", None) or language),
                           list(user.councils)))
    for council in all_councils(session):
        if council.id not in chaired and council.digest_email:
            recipients.append((f"council:{council.id}", council.digest_email, language,
                               [council]))
    return recipients


def send_chair_digests(session: Session, now: datetime) -> DigestReport:
    """This week's digest to every chair (or Sub-council digest address) that has
    not had it; commits once per recipient; nothing to tell, no mail."""
    with _run_session(session) as session:
        return _send_chair_digests(session, now)


def _send_chair_digests(session: Session, now: datetime) -> DigestReport:
    week = digest_week(now)
    report = DigestReport()
    reports = council_reports(session, now)
    done = _already_sent(session, week.key)
    recipients = chair_recipients(session)
    covered = {c.id for *_rest, councils in recipients for c in councils}
    report.no_address = [r.council.slug for r in reports.values()
                         if r.council.id not in covered and not r.is_empty]
    session.commit()
    for recipient, address, language, councils in recipients:
        if recipient in done:
            report.already += 1
            continue
        sections = [reports[c.id] for c in councils if c.id in reports
                    and not reports[c.id].is_empty]
        if not sections:
            report.empty += 1
            continue
        send_id = _claim(session, kind="chair", recipient=recipient, key=week.key, now=now)
        if send_id is None:
            session.rollback()
            report.already += 1
            continue
        with force_locale(language):
            rendered = render_message(
                "chair_digest", language, sections=sections, week=week,
                council_names=[section.council.localized("name") for section in sections],
                days=int(current_app.config["DIGEST_DAYS_AHEAD"]),
                long_waitlist=int(current_app.config["DIGEST_LONG_WAITLIST"]),
                event_url=lambda event: absolute_url(_site_url(), "events.detail",
                                                     slug=(event.parent or event).slug),
                manage_url=_manage_url,
                recommendation_url=lambda rec: absolute_url(
                    _site_url(), "councils.recommendation", code=rec.code),
            )
        message = enqueue(session, to=address, subject=rendered.subject, text=rendered.text,
                          html=rendered.html, kind="chair_digest", now=now)
        _record(session, send_id, message.id)
        session.commit()
        report.sent += 1
    return report


def _manage_url(event: Event) -> str | None:
    """The event's page in the chairs' area (None if that area has none)."""
    from werkzeug.routing import BuildError

    try:
        return absolute_url(_site_url(), "manage.event", slug=event.slug)
    except BuildError:
        return None
