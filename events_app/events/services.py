"""Finding events: the queries behind the public pages, feeds and CLI.

Every function takes the session and `now`; none reads the clock itself.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from ..councils.models import Recommendation, SubCouncil, Theme
from ..timeutil import local_day_bounds, local_to_utc, local_today, to_local
from .models import Event, EventKind, EventStatus, event_recommendations, event_themes

# Shown to the public: published events, and cancelled ones so that people who
# planned to come learn of the cancellation.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


@dataclass
class EventFilter:
    council: str | None = None
    theme: str | None = None
    kind: str | None = None
    from_date: date | None = None


def page_count(total: int, per_page: int) -> int:
    """Pages needed for `total` items; an empty listing still has one page."""
    return max(1, -(-total // per_page))


@dataclass
class Page:
    """One page of a list (events, audit entries) and where it stands."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _listing_options():
    # One query per relationship for the whole page, never one per row.
    return (
        selectinload(Event.council),
        selectinload(Event.venue),
        selectinload(Event.themes),
        selectinload(Event.sessions),
    )


def _matches(criteria):
    """An event matches if it, or one of its public sessions, meets the criterion."""
    session_alias = aliased(Event)
    return or_(
        criteria(Event),
        exists().where(
            session_alias.parent_id == Event.id,
            session_alias.status.in_(PUBLIC_STATUSES),
            criteria(session_alias),
        ),
    )


def _filter_conditions(filters: EventFilter, now: datetime) -> list:
    conditions = [Event.parent_id.is_(None), Event.status.in_(PUBLIC_STATUSES)]
    if filters.from_date:
        # Only the start of the day: the end of 9999-12-31 is past datetime.max.
        day_start = local_to_utc(datetime.combine(filters.from_date, time.min))
        conditions.append(Event.end_dt > day_start)
    else:
        conditions.append(Event.end_dt > now)
    if filters.kind:
        conditions.append(_matches(lambda e: e.kind == filters.kind))
    if filters.council:
        council_id = (
            select(SubCouncil.id).where(SubCouncil.slug == filters.council).scalar_subquery()
        )
        conditions.append(_matches(lambda e: e.council_id == council_id))
    if filters.theme:
        theme_id = select(Theme.id).where(Theme.slug == filters.theme).scalar_subquery()
        conditions.append(
            _matches(
                lambda e: exists().where(
                    event_themes.c.event_id == e.id, event_themes.c.theme_id == theme_id
                )
            )
        )
    return conditions


def find_events(
    session: Session, now: datetime, filters: EventFilter, page: int = 1, per_page: int = 20
) -> Page:
    """Upcoming public events (top level; sessions under their meeting), paginated."""
    conditions = _filter_conditions(filters, now)
    total = session.scalar(select(func.count()).select_from(Event).where(*conditions)) or 0
    # Past the last page, the last page: ?page=99999999999999999999 must not
    # reach the database (an OFFSET beyond 64 bits fails on both).
    page = min(max(1, page), page_count(total, per_page))
    items = session.scalars(
        select(Event)
        .where(*conditions)
        .options(*_listing_options())
        .order_by(Event.start_dt, Event.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def events_by_day(
    session: Session, now: datetime, days: int, at_least: int = 6
) -> list[tuple[date, list[Event]]]:
    """The coming days' public events grouped by local day, for the home page.

    When the next `days` days are quiet, the next `at_least` events are shown
    anyway so the page never looks empty while something is planned.
    """
    base = select(Event).where(
        Event.parent_id.is_(None), Event.status.in_(PUBLIC_STATUSES), Event.end_dt > now
    )
    horizon = local_day_bounds(local_today(now) + timedelta(days=days))[0]
    events = session.scalars(
        base.where(Event.start_dt < horizon)
        .options(*_listing_options())
        .order_by(Event.start_dt, Event.id)
    ).all()
    if len(events) < at_least:
        events = session.scalars(
            base.options(*_listing_options()).order_by(Event.start_dt, Event.id).limit(at_least)
        ).all()
    grouped: dict[date, list[Event]] = {}
    for event in events:
        grouped.setdefault(to_local(event.start_dt).date(), []).append(event)
    return list(grouped.items())


def upcoming_community_meetings(session: Session, now: datetime, limit: int = 3) -> list[Event]:
    """The next community meetings, however far off: the home page features them."""
    return list(
        session.scalars(
            select(Event)
            .where(
                Event.parent_id.is_(None),
                Event.kind == EventKind.COMMUNITY_MEETING,
                Event.status.in_(PUBLIC_STATUSES),
                Event.end_dt > now,
            )
            .options(*_listing_options())
            .order_by(Event.start_dt, Event.id)
            .limit(limit)
        ).all()
    )


def get_public_event(session: Session, slug: str) -> Event | None:
    """One published or cancelled event with everything its page shows."""
    return session.scalars(
        select(Event)
        .where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Event.council),
            selectinload(Event.venue),
            selectinload(Event.themes),
            selectinload(Event.recommendations).selectinload(Recommendation.themes),
            selectinload(Event.parent),
            selectinload(Event.sessions).options(
                selectinload(Event.venue),
                selectinload(Event.recommendations),
            ),
        )
    ).first()


def get_event_for_registration(session: Session, slug: str) -> Event | None:
    """A public event with what registering for it reads and mails (not its page).

    Its sessions are loaded when asked for: only a community meeting has any.
    """
    return session.scalars(
        select(Event)
        .where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
        .options(
            joinedload(Event.council),
            joinedload(Event.venue),
            selectinload(Event.themes),
            selectinload(Event.recommendations).joinedload(Recommendation.council),
        )
    ).first()


def events_for_recommendations(
    session: Session, recommendation_ids: list[int]
) -> dict[int, list[Event]]:
    """Public events addressing each recommendation, oldest first, in one query."""
    if not recommendation_ids:
        return {}
    rows = session.execute(
        select(event_recommendations.c.recommendation_id, Event)
        .join(Event, Event.id == event_recommendations.c.event_id)
        .where(
            event_recommendations.c.recommendation_id.in_(recommendation_ids),
            Event.status.in_(PUBLIC_STATUSES),
        )
        .options(selectinload(Event.parent))
        .order_by(Event.start_dt, Event.id)
    ).all()
    found: dict[int, list[Event]] = {rec_id: [] for rec_id in recommendation_ids}
    for rec_id, event in rows:
        found[rec_id].append(event)
    return found


def upcoming_events_for_council(
    session: Session, council: SubCouncil, now: datetime, limit: int = 20
) -> list[Event]:
    """Events the council organises or that act on one of its recommendations."""
    addresses_council = exists().where(
        event_recommendations.c.event_id == Event.id,
        event_recommendations.c.recommendation_id == Recommendation.id,
        Recommendation.council_id == council.id,
    )
    return list(
        session.scalars(
            select(Event)
            .where(
                Event.status.in_(PUBLIC_STATUSES),
                Event.end_dt > now,
                or_(Event.council_id == council.id, addresses_council),
            )
            # Shown as event cards (council, sessions) named with their meeting.
            .options(*_listing_options(), selectinload(Event.parent))
            .order_by(Event.start_dt, Event.id)
            .limit(limit)
        ).all()
    )


# A change to any of these makes calendars that hold the event update it.
CALENDAR_FIELDS = frozenset(
    {"title", "title_fr", "start_dt", "end_dt", "venue_id", "venue", "online_url", "status"}
)


def apply_changes(event: Event, now: datetime, **values) -> bool:
    """Set fields on an event; bump SEQUENCE when calendars must notice.

    Returns whether anything changed. Only changed values are written, so
    calling it again with the same values leaves the event untouched.
    """
    changed = {
        name for name, value in values.items() if getattr(event, name) != value
    }
    for name in changed:
        setattr(event, name, values[name])
    if changed and event.id is not None:
        if changed & CALENDAR_FIELDS:
            event.sequence = (event.sequence or 0) + 1
        event.updated_dt = now
    return bool(changed)
