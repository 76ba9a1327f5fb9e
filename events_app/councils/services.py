"""Sub-councils and their recommendations, for the public pages."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from ..events.models import Event
from ..events.services import (
    events_for_recommendations, recommendation_events, upcoming_events_for_council,
)
from ..reports.models import PublishedReport
from .attendance import Attendance, past_attendance
from .models import Recommendation, SubCouncil


# However many events act on a recommendation, a page lists a bounded number:
# the latest few on the Sub-council's page, the next and the latest on the
# recommendation's own page, each with how many there are in all.
COUNCIL_PAGE_EVENTS = 5
RECOMMENDATION_EVENTS = 20


@dataclass
class CouncilPage:
    council: SubCouncil
    recommendations: list[Recommendation]
    # The latest few events acting on each (`Acted`: events, total, more).
    events_by_recommendation: dict
    upcoming: list[Event]
    # Per recommendation: past events acting on it and their attendance.
    attendance: dict[int, "Attendance"] = field(default_factory=dict)
    # A report is published at /achievements: the page links it.
    achievements: bool = False


@dataclass
class RecommendationPage:
    recommendation: Recommendation
    upcoming: list[Event] = field(default_factory=list)
    past: list[Event] = field(default_factory=list)
    attendance: "Attendance | None" = None
    # How many there are in all (the page shows the first RECOMMENDATION_EVENTS).
    upcoming_total: int = 0
    past_total: int = 0
    # More than the total (COUNTED_AT_MOST), which was counted no further.
    upcoming_capped: bool = False
    past_capped: bool = False


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
            session, [r.id for r in recommendations], limit=COUNCIL_PAGE_EVENTS
        ),
        upcoming=upcoming_events_for_council(session, council, now),
        attendance=past_attendance(session, [r.id for r in recommendations], now),
        achievements=session.scalar(select(exists().where(PublishedReport.id.is_not(None)))),
    )


def recommendation_page(session: Session, code: str, now: datetime) -> RecommendationPage | None:
    recommendation = session.scalars(
        select(Recommendation)
        .where(func.upper(Recommendation.code) == code.upper())
        .options(selectinload(Recommendation.themes))
    ).first()
    if recommendation is None:
        return None
    upcoming, past = recommendation_events(session, recommendation.id, now, RECOMMENDATION_EVENTS)
    page = RecommendationPage(recommendation, upcoming=upcoming.events, past=past.events,
                              upcoming_total=upcoming.total, past_total=past.total,
                              upcoming_capped=upcoming.capped, past_capped=past.capped)
    page.attendance = past_attendance(session, [recommendation.id], now)[recommendation.id]
    return page
