"""What the report says, computed from the site's own records.

What counts, so that a figure means the same on every page and export:

- An **event** is a top-level event (a community meeting with its sessions
  is one event; its sessions are counted apart). It belongs to the period
  when one of its dates starts inside it (local days, the site's zone). An
  event is **held** when it was published and that date has begun by `now`;
  later dates of the period are **scheduled**; a cancelled one is counted
  as cancelled and nowhere else.
- A **repeating event** counts once per date for events held and for
  attendance (check-in is date by date), and once for places and
  registrations: one registration covers every date.
- **Registrations** are a person's registration for an event (not their
  session picks, which are "session places"): confirmed or still on the
  waitlist after the event; cancelled ones apart.
- **Attended** is counted only for events where check-in was used (someone
  was checked in at the event or at one of its sessions); elsewhere it is
  "not recorded", never 0. The no-show rate compares, at those events, the
  confirmed places with the people checked in.
- A **returning participant** had registered for an earlier event that is
  not one of the period's (a monthly meeting running through the period
  does not make its own people returning).
- **Needs** and **new or returning participants** come from registrations
  whose details are still held: personal details are erased
  REGISTRATION_RETENTION_DAYS after an event, as the privacy notice
  promises, and the report says how many were.

Every count of people from 1 to 4 is shown as "fewer than 5" (`people`).
The figures come from a fixed number of aggregate queries, whatever the
number of events, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..councils.models import Recommendation, SubCouncil, Theme
from ..events.models import (Event, EventKind, EventStatus, event_recommendations,
                             event_themes)
from ..events.recurrence import occurrences_between
from ..i18n import base_language, site_languages
from ..registrations.models import Attendance, Registration, RegistrationStatus
from ..timeutil import local_day_bounds, local_today, to_local

# Counts of people below this are never shown (small-number suppression).
SMALL_NUMBER = 5


class PeopleCount(int):
    """A count of people, as the report may show it (see `people`): pages
    mark it so, and tests check no such count from 1 to 4 is ever shown."""


class Suppressed(PeopleCount):
    """A count of 1 to 4 people: shown as "fewer than 5", never as itself.

    Still an int, so sums and charts can be drawn from the suppressed
    table; `str()` is what any page, export or chart label shows.
    """

    def __str__(self) -> str:
        return str(_l("fewer than %(num)d", num=SMALL_NUMBER))

    __format__ = lambda self, spec: str(self)  # noqa: E731


def people(count: int | None):
    """A count of people as the report may show it."""
    if count is None:
        return None
    if 0 < count < SMALL_NUMBER:
        return Suppressed(count)
    return PeopleCount(count)


def is_suppressed(value) -> bool:
    return isinstance(value, Suppressed)


def rate(part: int, whole: int) -> float | None:
    """part/whole, or None when the whole is too small to say anything
    without revealing people (or zero)."""
    if whole < SMALL_NUMBER:
        return None
    return part / whole


# --- periods ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants the period begins and ends (exclusive)."""
        return local_day_bounds(self.start)[0], local_day_bounds(self.end)[1]

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


@dataclass(frozen=True)
class PeriodChoice:
    key: str
    label: str
    period: Period


def half_year(day: date) -> Period:
    """The partnership's reporting half-year holding `day`: September to
    February, or March to August (its report covers Sept 2010 – Feb 2011)."""
    if 3 <= day.month <= 8:
        return Period(date(day.year, 3, 1), date(day.year, 8, 31))
    first_year = day.year if day.month >= 9 else day.year - 1
    return Period(date(first_year, 9, 1), date(first_year + 1, 3, 1) - timedelta(days=1))


def last_six_months(today: date) -> Period:
    return Period(today - relativedelta(months=6) + timedelta(days=1), today)


def period_choices(now: datetime) -> list[PeriodChoice]:
    """The quick picks: the last six months (the default), the partnership's
    current and previous reporting half-years, the last twelve months."""
    today = local_today(now)
    current = half_year(today)
    previous = half_year(current.start - timedelta(days=1))
    return [
        PeriodChoice("last-6-months", str(_l("The last six months")), last_six_months(today)),
        PeriodChoice("this-half", str(_l("This reporting period")), current),
        PeriodChoice("last-half", str(_l("The previous reporting period")), previous),
        PeriodChoice("last-12-months", str(_l("The last twelve months")),
                     Period(today - relativedelta(years=1) + timedelta(days=1), today)),
    ]


# --- the report ---------------------------------------------------------------


@dataclass
class Held:
    """One date of an event in the period (the event itself, when it does not repeat)."""
    event: Event
    start_dt: datetime


@dataclass
class EventLine:
    """An event of the period, as the report lists it."""
    event: Event
    dates: list[datetime]           # its dates held in the period
    scheduled: int = 0              # its dates still to come in the period
    sessions: int = 0               # its published sessions
    themes: set[int] = field(default_factory=set)           # its and its sessions'
    recommendations: set[int] = field(default_factory=set)  # its and its sessions'
    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    session_places: int = 0
    checked_in: bool = False
    expected: int = 0               # confirmed × dates checked in
    attended: int = 0               # people checked in (× dates, for a series)
    no_shows: int = 0               # confirmed places not checked in, where check-in was used

    @property
    def council_id(self) -> int | None:
        return self.event.council_id

    @property
    def registrations(self) -> int:
        return self.confirmed + self.waitlisted


@dataclass
class Figures:
    """The figures for a set of events, counts of people as shown (`people`)."""
    events_held: int = 0
    events_cancelled: int = 0
    events_scheduled: int = 0
    sessions_held: int = 0
    places_offered: int = 0
    events_without_limit: int = 0
    registrations: int | None = 0
    confirmed: int | None = 0
    waitlisted: int | None = 0
    cancelled_registrations: int | None = 0
    session_places: int | None = 0
    attended: int | None = None     # None: check-in not used (not recorded)
    expected: int = 0
    events_checked_in: int = 0
    no_show_rate: float | None = None
    interpretation: list[tuple[str, object]] = field(default_factory=list)
    childcare: int | None = 0
    accessibility: int | None = 0
    details_held: int | None = 0
    details_erased: int | None = 0
    participants: int | None = 0
    new_participants: int | None = 0
    returning_participants: int | None = 0


@dataclass
class RecommendationLine:
    recommendation: Recommendation
    events: list[Event]             # the events that acted on it in the period
    ever_acted_on: bool             # by any published event, at any time


@dataclass
class CouncilSection:
    council: SubCouncil | None      # None: partnership-wide events
    recommendations: list[RecommendationLine]
    events: list[EventLine]
    figures: Figures


@dataclass
class ThemeSection:
    theme: Theme | None             # None: events with no theme
    events: list[EventLine]


@dataclass
class Report:
    period: Period
    now: datetime
    councils: list[SubCouncil]      # the Sub-councils the report covers
    themes: list[Theme]             # the themes chosen (all when none)
    include_partnership: bool       # partnership-wide events (no Sub-council) included
    events: list[EventLine]
    figures: Figures
    by_kind: list[tuple[str, int]]
    by_month: list[tuple[date, dict[int | None, int], int]]  # month, {theme id: events}, total
    capacity_by_month: list[tuple[date, object, int]]  # month, confirmed places (people), places offered: events with a limit
    theme_sections: list[ThemeSection]
    council_sections: list[CouncilSection]
    languages_held: list[tuple[str, int]]
    presenters: list[tuple[str, int]]
    recommendations_acted_on: int
    recommendations_without_event: int
    recommendations_total: int
    totals: Figures | None = None   # the partnership's, for a chair


@dataclass(frozen=True)
class Scope:
    """What a report covers: Sub-council ids (None: all, partnership-wide
    events included) and theme ids (empty: all)."""
    council_ids: frozenset[int] | None = None
    theme_ids: frozenset[int] = frozenset()


def scope_for(user, asked_councils=(), asked_themes=()) -> Scope:
    """What `user` may see of what they asked for: an admin anything, a chair
    their own Sub-councils (never another's, whatever the address says)."""
    from ..manage.permissions import managed_council_ids

    allowed = managed_council_ids(user)
    asked = frozenset(int(c) for c in asked_councils)
    if allowed is None:
        councils = asked or None
    else:
        councils = frozenset(allowed) & asked if asked else frozenset(allowed)
    return Scope(councils, frozenset(int(t) for t in asked_themes))


def _candidates(period: Period, scope: Scope):
    """SQL: top-level events, published or cancelled, that may have a date in
    the period (a repeating event started before it may)."""
    start, end = period.bounds()
    conditions = [
        Event.parent_id.is_(None),
        Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
        Event.start_dt < end,
        or_(Event.start_dt >= start,
            and_(Event.series_end_dt.is_not(None), Event.series_end_dt > start)),
    ]
    if scope.council_ids is not None:
        conditions.append(Event.council_id.in_(scope.council_ids))
    if scope.theme_ids:
        # The event's own themes or those of one of its (non-draft) sessions.
        linked = aliased(Event)
        conditions.append(exists().where(
            event_themes.c.theme_id.in_(scope.theme_ids),
            linked.id == event_themes.c.event_id,
            linked.status != EventStatus.DRAFT,
            or_(linked.id == Event.id, linked.parent_id == Event.id)))
    return conditions


def _candidate_ids(period: Period, scope: Scope):
    """The candidates' ids as a subquery, never correlated to a query about
    events it sits in (which would silently change what it selects)."""
    return select(Event.id).where(*_candidates(period, scope)).correlate(None).scalar_subquery()


def _dates_in(event: Event, start: datetime, end: datetime) -> list[datetime]:
    if not event.recurrence_rule:
        return [event.start_dt] if start <= event.start_dt < end else []
    return [o.start_dt for o in occurrences_between(event, start, end) if o.start_dt >= start]


def _event_lines(session: Session, period: Period, scope: Scope, now: datetime) -> tuple[list[EventLine], int]:
    """The period's events with their dates, sessions, themes and
    recommendations (four queries); and how many were cancelled."""
    start, end = period.bounds()
    conditions = _candidates(period, scope)
    events = session.scalars(select(Event).where(*conditions).order_by(Event.start_dt, Event.id)).all()
    candidate_ids = _candidate_ids(period, scope)

    sessions = Counter()
    session_parent = {}
    for session_id, parent_id, status in session.execute(
            select(Event.id, Event.parent_id, Event.status).where(Event.parent_id.in_(candidate_ids))):
        session_parent[session_id] = parent_id
        if status == EventStatus.PUBLISHED:
            sessions[parent_id] += 1

    linked = or_(Event.id.in_(candidate_ids), Event.parent_id.in_(candidate_ids))
    themes, recommendations = defaultdict(set), defaultdict(set)
    for table, column, found in ((event_themes, event_themes.c.theme_id, themes),
                                 (event_recommendations, event_recommendations.c.recommendation_id,
                                  recommendations)):
        rows = session.execute(
            select(table.c.event_id, column).join(Event, Event.id == table.c.event_id)
            .where(linked, Event.status != EventStatus.DRAFT))
        for event_id, linked_id in rows:
            found[session_parent.get(event_id, event_id)].add(linked_id)

    lines, cancelled = [], 0
    for event in events:
        dates = _dates_in(event, start, end)
        if not dates:
            continue
        if scope.theme_ids and not (themes[event.id] & scope.theme_ids):
            continue
        if event.status == EventStatus.CANCELLED:
            cancelled += len(dates)
            continue
        held = [d for d in dates if d <= now]
        lines.append(EventLine(event, held, scheduled=len(dates) - len(held),
                               sessions=sessions[event.id], themes=themes[event.id],
                               recommendations=recommendations[event.id]))
    return lines, cancelled


def _registration_counts(session: Session, period: Period, scope: Scope,
                         lines: list[EventLine]) -> dict:
    """Per event: registrations by status, attendance, needs (three queries)."""
    by_id = {line.event.id: line for line in lines if line.dates}
    candidate_ids = _candidate_ids(period, scope)
    active = Registration.status != RegistrationStatus.CANCELLED
    # Checked in at the meeting's door, or at one of their workshops: the
    # registrations with a checked-in pick, as one set joined once (a
    # subquery per row costs PostgreSQL ten times as much at 50,000 rows).
    pick = aliased(Registration)
    session_event = aliased(Event)
    checked_picks = (
        select(pick.parent_registration_id.label("registration_id"))
        .join(session_event, session_event.id == pick.event_id)
        .where(session_event.parent_id.in_(candidate_ids), pick.attended_dt.is_not(None),
               pick.status != RegistrationStatus.CANCELLED)
        .distinct().subquery("checked_picks"))
    attended = or_(Registration.attended_dt.is_not(None), checked_picks.c.registration_id.is_not(None))
    held_details = and_(active, Registration.erased_dt.is_(None))
    needs = {"erased": 0, "held": 0, "childcare": 0, "accessibility": 0}
    rows = session.execute(
        select(
            Registration.event_id,
            func.count(case((Registration.status == RegistrationStatus.CONFIRMED, 1))),
            func.count(case((Registration.status == RegistrationStatus.WAITLISTED, 1))),
            func.count(case((Registration.status == RegistrationStatus.CANCELLED, 1))),
            func.count(case((and_(active, attended), 1))),
            func.count(case((and_(Registration.status == RegistrationStatus.CONFIRMED, attended), 1))),
            func.count(case((and_(active, Registration.erased_dt.is_not(None)), 1))),
            func.count(case((held_details, 1))),
            func.count(case((and_(held_details, func.length(func.coalesce(
                Registration.childcare_needs, "")) > 0), 1))),
            func.count(case((and_(held_details, func.length(func.coalesce(
                Registration.accessibility_needs, "")) > 0), 1))),
        )
        .outerjoin(checked_picks, checked_picks.c.registration_id == Registration.id)
        .where(Registration.event_id.in_(candidate_ids),
               Registration.parent_registration_id.is_(None))
        .group_by(Registration.event_id))
    attended_once = {}
    for (event_id, confirmed, waitlisted, cancelled, came, confirmed_came, erased, held,
         childcare, accessibility) in rows:
        line = by_id.get(event_id)
        if line is None:
            continue
        line.confirmed, line.waitlisted, line.cancelled = confirmed, waitlisted, cancelled
        attended_once[event_id] = (came, confirmed_came)
        needs["erased"] += erased
        needs["held"] += held
        needs["childcare"] += childcare
        needs["accessibility"] += accessibility

    # Session places taken, per meeting.
    session_event = aliased(Event)
    for parent_id, taken in session.execute(
            select(session_event.parent_id, func.count())
            .select_from(Registration).join(session_event, session_event.id == Registration.event_id)
            .where(session_event.parent_id.in_(candidate_ids),
                   Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(session_event.parent_id)):
        if parent_id in by_id:
            by_id[parent_id].session_places = taken

    # Repeating events are checked in date by date.
    days_checked = defaultdict(dict)
    first, last = period.start, period.end
    for event_id, day, count in session.execute(
            select(Registration.event_id, Attendance.day, func.count())
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(Registration.event_id.in_(candidate_ids), active,
                   Attendance.day >= first, Attendance.day <= last)
            .group_by(Registration.event_id, Attendance.day)):
        days_checked[event_id][day] = count

    for event_id, line in by_id.items():
        if line.event.recurrence_rule:
            held_days = {to_local(d).date() for d in line.dates}
            counted = {day: n for day, n in days_checked[event_id].items() if day in held_days}
            line.checked_in = bool(counted)
            line.attended = sum(counted.values())
            line.expected = line.confirmed * len(counted)
            line.no_shows = max(line.expected - line.attended, 0)
        else:
            came, confirmed_came = attended_once.get(event_id, (0, 0))
            line.checked_in = came > 0
            line.attended = came
            line.expected = line.confirmed if came else 0
            line.no_shows = line.expected - confirmed_came if came else 0
    return needs


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Language names as people type them, in the site's languages and in
    English, lower-cased → ISO 639 code ("arabic", "arabe", "árabe" → "ar")."""
    names = {}
    for language in ("en", *site_languages()):
        try:
            locale = Locale.parse(language)
        except (ValueError, TypeError):
            continue
        for code, name in locale.languages.items():
            if "_" not in code:
                names.setdefault(name.lower(), code)
    return names


def language_code_of(typed: str) -> str | None:
    """The ISO 639 code a typed interpretation language means, if known."""
    text = typed.strip().lower()
    if not text:
        return None
    try:
        if Locale.parse(text.replace("-", "_")):
            return base_language(text)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - babel raises several kinds
        pass
    return _language_names().get(text)


def _interpretation(session: Session, period: Period, scope: Scope, held_ids: set[int]) -> Counter:
    """Interpretation asked for, by language (a code, or the text as typed)."""
    candidate_ids = _candidate_ids(period, scope)
    typed = func.lower(func.trim(Registration.interpretation_language))
    found = Counter()
    for event_id, language, count in session.execute(
            select(Registration.event_id, typed, func.count())
            .where(Registration.event_id.in_(candidate_ids),
                   Registration.parent_registration_id.is_(None),
                   Registration.status != RegistrationStatus.CANCELLED,
                   Registration.interpretation_language.is_not(None),
                   func.length(typed) > 0)
            .group_by(Registration.event_id, typed)):
        if event_id in held_ids:
            found[language_code_of(language) or language] += count
    return found


def _participants(session: Session, period: Period, scope: Scope, now: datetime) -> tuple[int, int]:
    """How many people (by address, details still held) registered for an
    event held in the period, and how many of them had registered before
    for an event that began before the period and is not one of its events
    (a repeating event running through the period does not make its own
    people returning). Counted in SQL: no address leaves the database.

    Two sets of addresses joined once (not a subquery per registration):
    the period's people, and the addresses seen at earlier events.
    """
    start, _end = period.bounds()
    held = and_(*_candidates(period, scope), Event.status == EventStatus.PUBLISHED,
                Event.start_dt <= now)
    active = and_(Registration.parent_registration_id.is_(None),
                  Registration.status != RegistrationStatus.CANCELLED)
    period_people = (
        select(Registration.email_key.label("key"))
        .join(Event, Event.id == Registration.event_id)
        .where(held, active, Registration.erased_dt.is_(None))
        .distinct().subquery("period_people"))
    held_ids = select(Event.id).where(held).correlate(None)
    earlier = aliased(Registration)
    earlier_event = aliased(Event)
    seen_before = (
        select(earlier.email_key.label("key"))
        .join(earlier_event, earlier_event.id == earlier.event_id)
        .where(earlier_event.start_dt < start, earlier_event.id.not_in(held_ids),
               earlier.parent_registration_id.is_(None),
               earlier.status != RegistrationStatus.CANCELLED)
        .distinct().subquery("seen_before"))
    row = session.execute(
        select(func.count(), func.count(seen_before.c.key))
        .select_from(period_people.outerjoin(seen_before, seen_before.c.key == period_people.c.key))
    ).one()
    return row[0], row[1]


def _figures(lines: list[EventLine], cancelled: int, needs: dict, interpretation: Counter,
             participants: tuple[int, int]) -> Figures:
    held = [line for line in lines if line.dates]
    checked = [line for line in held if line.checked_in]
    confirmed = sum(line.confirmed for line in held)
    expected = sum(line.expected for line in checked)
    attended = sum(line.attended for line in checked)
    no_shows = sum(line.no_shows for line in checked)
    total, returning = participants
    return Figures(
        events_held=sum(len(line.dates) for line in held),
        events_cancelled=cancelled,
        events_scheduled=sum(line.scheduled for line in lines),
        sessions_held=sum(line.sessions for line in held),
        places_offered=sum(line.event.capacity or 0 for line in held),
        events_without_limit=sum(1 for line in held if line.event.capacity is None),
        registrations=people(confirmed + sum(line.waitlisted for line in held)),
        confirmed=people(confirmed),
        waitlisted=people(sum(line.waitlisted for line in held)),
        cancelled_registrations=people(sum(line.cancelled for line in held)),
        session_places=people(sum(line.session_places for line in held)),
        attended=people(attended) if checked else None,
        expected=expected,
        events_checked_in=len(checked),
        no_show_rate=rate(no_shows, expected) if checked else None,
        interpretation=[(language, people(count)) for language, count
                        in sorted(interpretation.items(), key=lambda item: (-item[1], item[0]))],
        childcare=people(needs["childcare"]),
        accessibility=people(needs["accessibility"]),
        details_held=people(needs["held"]),
        details_erased=people(needs["erased"]),
        participants=people(total),
        new_participants=people(total - returning),
        returning_participants=people(returning),
    )


def _figures_for(session: Session, period: Period, scope: Scope, now: datetime):
    lines, cancelled = _event_lines(session, period, scope, now)
    needs = _registration_counts(session, period, scope, lines)
    held_ids = {line.event.id for line in lines if line.dates}
    interpretation = _interpretation(session, period, scope, held_ids)
    participants = _participants(session, period, scope, now)
    return lines, cancelled, needs, interpretation, participants


def _month(day: date) -> date:
    return day.replace(day=1)


def _months(period: Period) -> list[date]:
    months, month = [], _month(period.start)
    while month <= period.end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def council_figures(lines: list[EventLine]) -> Figures:
    """A Sub-council's own figures (its events alone; needs and participants
    are for the whole report)."""
    return _figures(lines, 0, {"childcare": 0, "accessibility": 0, "held": 0, "erased": 0},
                    Counter(), (0, 0))


def build_report(session: Session, period: Period, scope: Scope, now: datetime, *,
                 partnership_totals: bool = False) -> Report:
    """The report for `period` over `scope`; with `partnership_totals`, the
    partnership-wide figures beside it (what a chair sees of the others)."""
    lines, cancelled, needs, interpretation, participants = _figures_for(session, period, scope, now)
    held = [line for line in lines if line.dates]
    figures = _figures(lines, cancelled, needs, interpretation, participants)

    all_themes = session.scalars(select(Theme).order_by(Theme.position, Theme.name)).all()
    themes = [t for t in all_themes if not scope.theme_ids or t.id in scope.theme_ids]
    council_query = select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)
    if scope.council_ids is not None:
        council_query = council_query.where(SubCouncil.id.in_(scope.council_ids))
    councils = session.scalars(council_query).all()
    council_ids = [c.id for c in councils]

    # Recommendations of the councils covered, and whether any published
    # event (or session) ever acted on them.
    recommendations = session.scalars(
        select(Recommendation).where(Recommendation.council_id.in_(council_ids))
        .options(selectinload(Recommendation.themes))
        .order_by(Recommendation.position, Recommendation.code)).all()
    ever = set(session.scalars(
        select(event_recommendations.c.recommendation_id)
        .join(Event, Event.id == event_recommendations.c.event_id)
        .where(Event.status == EventStatus.PUBLISHED).distinct()))
    acted_by = defaultdict(list)
    for line in held:
        for recommendation_id in line.recommendations:
            acted_by[recommendation_id].append(line.event)
    if scope.theme_ids:
        # Under the themes chosen, or acted on by an event under them.
        recommendations = [r for r in recommendations
                           if {t.id for t in r.themes} & scope.theme_ids or r.id in acted_by]

    by_council = defaultdict(list)
    for line in lines:
        by_council[line.council_id].append(line)
    council_sections = [
        CouncilSection(council,
                       [RecommendationLine(r, acted_by.get(r.id, []), r.id in ever)
                        for r in recommendations if r.council_id == council.id],
                       by_council.get(council.id, []),
                       council_figures([line for line in by_council.get(council.id, [])]))
        for council in councils
    ]
    include_partnership = scope.council_ids is None
    if include_partnership and by_council.get(None):
        council_sections.append(CouncilSection(None, [], by_council[None],
                                               council_figures(by_council[None])))

    by_theme = defaultdict(list)
    for line in lines:
        for theme_id in line.themes or {None}:
            by_theme[theme_id].append(line)
    theme_sections = [ThemeSection(theme, by_theme.get(theme.id, [])) for theme in themes]
    if not scope.theme_ids and by_theme.get(None):
        theme_sections.append(ThemeSection(None, by_theme[None]))

    months = {month: Counter() for month in _months(period)}
    for line in held:
        for start in line.dates:
            month = _month(to_local(start).date())
            for theme_id in line.themes or {None}:
                months.setdefault(month, Counter())[theme_id] += 1
    by_month = [(month, dict(counts), sum(
        len([d for d in line.dates if _month(to_local(d).date()) == month]) for line in held))
        for month, counts in sorted(months.items())]

    # Events with a limit on places: their places and confirmed places, in
    # the month of the first date in the period (a registration covers
    # every date).
    taken, offered = Counter(), Counter()
    for line in held:
        if line.event.capacity is None:
            continue
        month = _month(to_local(line.dates[0]).date())
        taken[month] += line.confirmed
        offered[month] += line.event.capacity or 0
    capacity_by_month = [(month, people(taken[month]), offered[month]) for month, _c, _t in by_month]

    kinds = Counter()
    languages = Counter()
    presenters = Counter()
    for line in held:
        kinds[line.event.kind] += len(line.dates)
        for code in dict.fromkeys(base_language(c) for c in line.event.languages or []):
            languages[code] += len(line.dates)
        if line.event.presenter and line.event.presenter.strip():
            presenters[line.event.presenter.strip()] += len(line.dates)
    by_kind = [(kind, kinds[kind]) for kind in EventKind if kinds[kind]]

    acted = {r.id for r in recommendations if acted_by.get(r.id)}
    report = Report(
        period=period, now=now, councils=list(councils), themes=themes,
        include_partnership=include_partnership, events=lines, figures=figures,
        by_kind=by_kind, by_month=by_month, capacity_by_month=capacity_by_month,
        theme_sections=theme_sections,
        council_sections=council_sections,
        languages_held=sorted(languages.items(), key=lambda item: (-item[1], item[0])),
        presenters=sorted(presenters.items(), key=lambda item: (-item[1], item[0].lower())),
        recommendations_acted_on=len(acted),
        recommendations_without_event=sum(1 for r in recommendations if r.id not in ever),
        recommendations_total=len(recommendations),
    )
    if partnership_totals:
        all_lines, all_cancelled, all_needs, all_interpretation, all_participants = _figures_for(
            session, period, Scope(), now)
        report.totals = _figures(all_lines, all_cancelled, all_needs, all_interpretation,
                                 all_participants)
    return report


# --- the public summary (/achievements) ------------------------------------------


def published_reports(session: Session) -> list:
    """The published periods, newest first."""
    from .models import PublishedReport

    return session.scalars(select(PublishedReport).order_by(
        PublishedReport.end_date.desc(), PublishedReport.start_date.desc())).all()


def published_report(session: Session, period: Period):
    from .models import PublishedReport

    return session.scalars(select(PublishedReport).where(
        PublishedReport.start_date == period.start, PublishedReport.end_date == period.end)).first()


def publish(session: Session, period: Period, *, actor, now: datetime):
    """Publish the report of `period` at /achievements (once: publishing it
    again changes nothing); audited. The caller commits."""
    from ..manage import audit
    from .models import PublishedReport

    found = published_report(session, period)
    if found is not None:
        return found
    found = PublishedReport(start_date=period.start, end_date=period.end, published_dt=now,
                            published_by_id=getattr(actor, "id", None))
    session.add(found)
    session.flush()
    audit.record(session, actor=actor, action="report.publish", target_type="report",
                 target_id=found.id, council_id=None,
                 summary=f"{period.start.isoformat()} – {period.end.isoformat()}",
                 after={"start": period.start.isoformat(), "end": period.end.isoformat()}, now=now)
    return found


def withdraw(session: Session, published, *, actor, now: datetime) -> None:
    """Take a published period off /achievements; audited. The caller commits."""
    from ..manage import audit

    audit.record(session, actor=actor, action="report.withdraw", target_type="report",
                 target_id=published.id, council_id=None,
                 summary=f"{published.start_date.isoformat()} – {published.end_date.isoformat()}",
                 before={"start": published.start_date.isoformat(),
                         "end": published.end_date.isoformat()}, now=now)
    session.delete(published)
