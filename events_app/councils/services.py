"""Sub-councils and their recommendations, for the public pages."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..events.models import Event
from ..events.services import events_for_recommendations, upcoming_events_for_council
from .models import Recommendation, SubCouncil


@dataclass
class CouncilPage:
    council: SubCouncil
    recommendations: list[Recommendation]
    events_by_recommendation: dict[int, list[Event]]
    upcoming: list[Event]


@dataclass
class RecommendationPage:
    recommendation: Recommendation
    upcoming: list[Event] = field(default_factory=list)
    past: list[Event] = field(default_factory=list)


def list_councils(session: Session) -> list[tuple[SubCouncil, int]]:
    """Every Sub-council with the number of its recommendations."""
    counts = (
        select(Recommendation.council_id, func.count().label("n"))
        .group_by(Recommendation.council_id)
        .subquery()
    )
    rows = session.execute(
        select(SubCouncil, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.council_id == SubCouncil.id)
        .order_by(SubCouncil.position, SubCouncil.name)
    ).all()
    return [(council, count) for council, count in rows]


def council_page(session: Session, slug: str, now: datetime) -> CouncilPage | None:
    council = session.scalars(select(SubCouncil).where(SubCouncil.slug == slug)).first()
    if council is None:
        return None
    recommendations = list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.council_id == council.id)
            .options(selectinload(Recommendation.themes))
            .order_by(Recommendation.position, Recommendation.code)
        ).all()
    )
    return CouncilPage(
        council=council,
        recommendations=recommendations,
        events_by_recommendation=events_for_recommendations(
            session, [r.id for r in recommendations]
        ),
        upcoming=upcoming_events_for_council(session, council, now),
    )


def recommendation_page(session: Session, code: str, now: datetime) -> RecommendationPage | None:
    recommendation = session.scalars(
        select(Recommendation)
        .where(func.upper(Recommendation.code) == code.upper())
        .options(selectinload(Recommendation.themes))
    ).first()
    if recommendation is None:
        return None
    page = RecommendationPage(recommendation)
    for event in events_for_recommendations(session, [recommendation.id])[recommendation.id]:
        (page.upcoming if event.end_dt > now else page.past).append(event)
    page.past.reverse()  # most recent first
    return page

