"""What the chair and admin area shows, and the few changes it makes itself.

Functions take the session, the acting user and `now`; they decide nothing
about permissions beyond scoping what they list to the user's Sub-councils
(`permissions.managed_council_ids`) — the routes check the rest.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from ..councils.models import Recommendation, RecommendationStatus, SubCouncil
from ..events.models import Event, EventStatus, ends_after, event_recommendations
from ..errors import RuleError
from ..events.services import apply_changes
from ..registrations.models import Registration, RegistrationStatus
from .permissions import managed_council_ids


class ManageError(RuleError):
    code = "manage_error"


@dataclass
class EventLine:
    """An event with its seat counts; a meeting with its sessions' lines."""

    event: Event
    confirmed: int = 0
    waitlisted: int = 0
    sessions: list["EventLine"] = field(default_factory=list)

    @property
    def capacity(self) -> int | None:
        return self.event.capacity

    @property
    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.event.capacity is not None and self.confirmed >= self.event.capacity


@dataclass
class Dashboard:
    councils: list[SubCouncil]
    is_admin: bool
    upcoming: list[EventLine]
    drafts: list[EventLine]
    # Per council (in council order): its open recommendations that no
    # upcoming published event acts on.
    unaddressed: list[tuple[SubCouncil, list[Recommendation]]]


def _seat_counts():
    """Confirmed and waitlisted registrations per event: one grouped subquery."""
    return (
        select(
            Registration.event_id.label("event_id"),
            func.count(case((Registration.status == RegistrationStatus.CONFIRMED, 1))).label("confirmed"),
            func.count(case((Registration.status == RegistrationStatus.WAITLISTED, 1))).label("waitlisted"),
        )
        .where(Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id)
        .subquery()
    )


def _event_lines(session: Session, council_ids: set[int] | None, *conditions) -> list[EventLine]:
    """Events matching `conditions` in the user's scope, with their seat counts,
    in one query; sessions under their meeting when it is listed too."""
    parent = aliased(Event)
    counts = _seat_counts()
    query = (
        select(
            Event,
            func.coalesce(counts.c.confirmed, 0),
            func.coalesce(counts.c.waitlisted, 0),
        )
        .outerjoin(parent, Event.parent_id == parent.id)
        .outerjoin(counts, counts.c.event_id == Event.id)
        # The meeting (for a session's line) and the council come with the
        # row: no query per event.
        .options(contains_eager(Event.parent.of_type(parent)), joinedload(Event.council))
        .where(*conditions)
        .order_by(Event.start_dt, Event.id)
    )
    if council_ids is not None:
        # A session is its meeting's: the meeting's council decides.
        owner = case((Event.parent_id.is_(None), Event.council_id), else_=parent.council_id)
        query = query.where(owner.in_(council_ids))
    lines = [
        EventLine(event, confirmed, waitlisted)
        for event, confirmed, waitlisted in session.execute(query).unique()
    ]
    by_id = {line.event.id: line for line in lines}
    top = []
    for line in lines:
        meeting = by_id.get(line.event.parent_id)
        if meeting is not None:
            meeting.sessions.append(line)
        else:
            top.append(line)
    return top


def _unaddressed_recommendations(
    session: Session, council_ids: set[int] | None, now: datetime
) -> list[Recommendation]:
    addressed = exists().where(
        event_recommendations.c.recommendation_id == Recommendation.id,
        event_recommendations.c.event_id == Event.id,
        Event.status == EventStatus.PUBLISHED,
        ends_after(now),
    )
    query = (
        select(Recommendation)
        .join(Recommendation.council)
        .options(contains_eager(Recommendation.council))
        .where(Recommendation.status != RecommendationStatus.DONE, ~addressed)
        .order_by(SubCouncil.position, SubCouncil.name, Recommendation.position, Recommendation.code)
    )
    if council_ids is not None:
        query = query.where(Recommendation.council_id.in_(council_ids))
    return list(session.scalars(query).unique())


def dashboard(session: Session, user, now: datetime) -> Dashboard:
    """The chair's (or admin's) overview: a fixed number of queries, however many events."""
    council_ids = managed_council_ids(user)
    if council_ids is None:
        councils = list(session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)))
    else:
        councils = [c for c in user.councils if c.id in council_ids]
    upcoming = _event_lines(
        session, council_ids,
        Event.status == EventStatus.PUBLISHED, ends_after(now),
    )
    drafts = _event_lines(
        session, council_ids,
        Event.status == EventStatus.DRAFT, ends_after(now),
    )
    recommendations = _unaddressed_recommendations(session, council_ids, now)
    grouped: dict[int, list[Recommendation]] = {}
    for recommendation in recommendations:
        grouped.setdefault(recommendation.council_id, []).append(recommendation)
    unaddressed = [(c, grouped[c.id]) for c in councils if c.id in grouped]
    return Dashboard(
        councils=councils,
        is_admin=council_ids is None,
        upcoming=upcoming,
        drafts=drafts,
        unaddressed=unaddressed,
    )


def event_overview(session: Session, event: Event) -> EventLine:
    """One event (a meeting with its sessions) with its seat counts, in one query."""
    lines = _event_lines(session, None, (Event.id == event.id) | (Event.parent_id == event.id))
    return next(line for line in lines if line.event.id == event.id)


def publish_event(event: Event, now: datetime) -> None:
    """A draft becomes public: on the listings, in the feeds, open for registration."""
    if event.status != EventStatus.DRAFT:
        raise ManageError(_l("Only a draft can be published."))
    if event.parent_id is not None and event.parent.status == EventStatus.DRAFT:
        raise ManageError(
            _l("Publish the community meeting first: its sessions are shown with it."))
    apply_changes(event, now, status=EventStatus.PUBLISHED)
    # A meeting's sessions are shown with it: its drafts go public with it
    # (a session made public alone would be refused above).
    for session in event.sessions:
        if session.status == EventStatus.DRAFT:
            apply_changes(session, now, status=EventStatus.PUBLISHED)

