"""Finding events: the queries behind the public pages, feeds and CLI.

Every function takes the session and `now`; none reads the clock itself.
"""
import heapq
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import String, and_, bindparam, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from ..councils.models import Recommendation, SubCouncil, Theme
from ..dbutil import event_length, less_length
from ..timeutil import UTCDateTime, local_day_bounds, local_to_utc, local_today, to_local
from .models import Event, EventKind, EventStatus, ends_after, event_recommendations, event_themes, held_in
from .recurrence import occurrences_between

# Shown to the public: published events, and cancelled ones so that people who
# planned to come learn of the cancellation.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


@dataclass
class EventFilter:
    council: str | None = None
    theme: str | None = None
    kind: str | None = None
    from_date: date | None = None
    # Held in, or interpreted into (ISO 639: "ar", "zh").
    language: str | None = None
    # Words to find in the title, summary or description (`search_words`).
    words: tuple[str, ...] = ()


# At most this many words, each at most this long, are searched for.
SEARCH_WORDS, SEARCH_WORD_LENGTH = 8, 60


def search_words(text: str | None) -> tuple[str, ...]:
    """The words of a search box, lower-cased, without repeats."""
    words = [w[:SEARCH_WORD_LENGTH] for w in (text or "").lower().split()]
    return tuple(dict.fromkeys(words))[:SEARCH_WORDS]


def _has_word(event, word: str):
    """SQL: `word` is in the event's title, summary or description, in the
    language it was written in or in any of its translations.

    Translations are a JSON map per row whose text keeps non-ASCII letters
    as JSON escapes ("\\u0627"), so the word is looked for in that form there
    too. LIKE with its wildcards escaped: a "%" typed is a "%" searched.
    Case is ignored where the database folds it (SQLite: ASCII letters).
    """
    escaped = json.dumps(word)[1:-1]
    texts = [func.lower(event.title), func.lower(event.summary), func.lower(event.description)]
    found = [text.contains(word, autoescape=True) for text in texts]
    found.append(func.lower(cast(event.translations, String)).contains(escaped, autoescape=True))
    return or_(*found)


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
    # There are more than `total`: only the first `total` can be paged through.
    capped: bool = False

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
    # What an event card shows (not its themes: the API asks for those), never
    # a query per row: the council and venue in the same row (one each, no
    # multiplied rows), the sessions in one more query for the whole page.
    return (
        joinedload(Event.council),
        joinedload(Event.venue),
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


def _filter_conditions(filters: EventFilter) -> list:
    """What the listing's filters ask for, apart from time (see `_listing_after`)."""
    conditions = [Event.parent_id.is_(None), Event.status.in_(PUBLIC_STATUSES)]
    if filters.kind:
        conditions.append(_matches(lambda e: e.kind == filters.kind))
    if filters.council:
        council_id = (
            select(SubCouncil.id).where(SubCouncil.slug == filters.council).scalar_subquery()
        )
        conditions.append(_matches(lambda e: e.council_id == council_id))
    if filters.language:
        conditions.append(_matches(lambda e: held_in(e, filters.language)))
    for word in filters.words:
        # Every word, each in the meeting or in one of its sessions.
        conditions.append(_matches(lambda e, word=word: _has_word(e, word)))
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


def _listing_after(filters: EventFilter, now: datetime) -> datetime:
    """Events that end after this are listed: now, or the start of the day asked for."""
    if filters.from_date:
        # Only the start of the day: the end of 9999-12-31 is past datetime.max.
        return local_to_utc(datetime.combine(filters.from_date, time.min))
    return now


# --- repeating events ---------------------------------------------------------
# A repeating event is one row (its first date and its rule); listings show
# each of its dates as an `Occurrence`, merged by start with the others.
# The series are few (a Sub-council's monthly meeting), so they are read
# whole and expanded here; one-off events stay paged by the database.


def _one_off(conditions: list, after, by_start: bool = True) -> list:
    """Events that do not repeat, meet `conditions` and end after `after`.

    Walked by start (`by_start`), they are looked for from `after` less the
    longest such event (`earliest_start`), not from the first event the site
    ever had: years of past events are not read to list the next twenty.
    Counted, they are read by end from `after` (ix_event_one_off_end holds
    all a count asks): no bound on start, which would draw SQLite to the
    index by start and each event's row.
    """
    found = [*conditions, Event.recurrence_rule.is_(None), Event.end_dt > after]
    return [*found, Event.start_dt > earliest_start(after)] if by_start else found


# How long the longest event that does not repeat lasts: the last entry of
# ix_event_one_off_length, read in the statement that needs it.
_LONGEST = (select(func.max(event_length(Event.end_dt, Event.start_dt)))
            .where(Event.recurrence_rule.is_(None)).scalar_subquery())


def earliest_start(after):
    """SQL: before this moment, no event that does not repeat and ends after
    `after` (a moment or a bound parameter) started."""
    if isinstance(after, datetime):
        after = literal(after, UTCDateTime())
    return less_length(after, _LONGEST)


def _dates(session: Session, conditions: list, after: datetime, before: datetime | None = None,
           options=()) -> list:
    """The dates of the public repeating events meeting `conditions`, in order."""
    query = select(Event).where(*conditions, Event.recurrence_rule.is_not(None),
                                Event.series_end_dt > after)
    if before is not None:
        query = query.where(Event.start_dt < before)
    found = []
    for event in session.scalars(query.options(*options)):
        dates = occurrences_between(event, after, before)
        # A cancelled series says so once, at its next date, not at each.
        found.extend(dates[:1] if event.is_cancelled else dates)
    return sorted(found, key=_order)


def _order(event) -> tuple:
    return (event.start_dt, event.id)


def upcoming(session: Session, conditions: list, after: datetime, before: datetime | None = None,
             limit: int | None = None, options=(), past: tuple[datetime, int] | None = None) -> list:
    """Events meeting `conditions` that end after `after` (and start before
    `before`), each date of a repeating event as its own item, by start.

    `past`: a (start, id) already listed (a cursor): only what comes after it.
    """
    query = select(Event).where(*_one_off(conditions, after))
    if before is not None:
        query = query.where(Event.start_dt < before)
    if past is not None:
        query = query.where(or_(Event.start_dt > past[0],
                                and_(Event.start_dt == past[0], Event.id > past[1])))
    query = query.options(*options).order_by(Event.start_dt, Event.id)
    if limit is not None:
        query = query.limit(limit)
    dates = _dates(session, conditions, after, before, options)
    if past is not None:
        dates = [item for item in dates if _order(item) > past]
    items = list(heapq.merge(session.scalars(query).all(), dates, key=_order))
    return items[:limit] if limit is not None else items


# The most events `/events` lists for one search: past them, a day to start
# from ("from") or a filter narrows it.
LISTED_AT_MOST = 1000


def find_events(
    session: Session, now: datetime, filters: EventFilter, page: int = 1, per_page: int = 20
) -> Page:
    """Upcoming public events (top level; sessions under their meeting), paginated."""
    conditions = _filter_conditions(filters)
    after = _listing_after(filters, now)
    one_off = _one_off(conditions, after)
    dates = _dates(session, conditions, after, options=_listing_options())
    # Counted no further than LISTED_AT_MOST: the count then costs the same
    # at 1,000 events as at 100,000 (a filter makes it walk the events in
    # order until it has found enough).
    counted = (select(literal(1)).where(*_one_off(conditions, after, by_start=False))
               .limit(LISTED_AT_MOST + 1).subquery())
    total = (session.scalar(select(func.count()).select_from(counted)) or 0) + len(dates)
    capped = total > LISTED_AT_MOST
    total = min(total, LISTED_AT_MOST)
    # Past the last page, the last page: ?page=99999999999999999999 must not
    # reach the database (an OFFSET beyond 64 bits fails on both).
    page = min(max(1, page), page_count(total, per_page))
    offset = (page - 1) * per_page
    # The last page of a capped list ends with the last one counted.
    size = max(0, min(per_page, total - offset)) if capped else per_page
    ordered = select(Event).where(*one_off).order_by(Event.start_dt, Event.id)
    if not dates:
        items = session.scalars(
            ordered.options(*_listing_options()).limit(size).offset(offset)).all()
        return Page(items=list(items), page=page, per_page=per_page, total=total, capped=capped)
    # Which one-off events fall on this page depends on the dates before it:
    # merge the keys of the one-off events up to its end with the dates.
    keys = session.execute(
        select(Event.start_dt, Event.id).where(*one_off).order_by(Event.start_dt, Event.id)
        .limit(offset + size)).all()
    merged = heapq.merge(((start, event_id, None) for start, event_id in keys),
                         ((item.start_dt, item.id, item) for item in dates),
                         key=lambda item: item[:2])
    window = list(islice(merged, offset, offset + size))
    wanted = [event_id for _start, event_id, item in window if item is None]
    loaded = {}
    if wanted:
        loaded = {event.id: event for event in session.scalars(
            select(Event).where(Event.id.in_(wanted)).options(*_listing_options()))}
    items = [item if item is not None else loaded[event_id] for _start, event_id, item in window]
    return Page(items=items, page=page, per_page=per_page, total=total, capped=capped)


def events_after(session: Session, filters: EventFilter, after: datetime,
                 before: datetime | None, past: tuple[datetime, int] | None, limit: int) -> list:
    """Public events (top level) meeting `filters` that end after `after` and
    start before `before`, by start, from just after the cursor `past`: a
    page of the public API, with what its items show (themes and recommendations too)."""
    return upcoming(session, _filter_conditions(filters), after, before, limit=limit,
                    past=past, options=(*_listing_options(), selectinload(Event.themes),
                                        selectinload(Event.recommendations)))


def events_by_day(
    session: Session, now: datetime, days: int, at_least: int = 6, at_most: int = 30
) -> list[tuple[date, list[Event]]]:
    """The coming days' public events grouped by local day, for the home page.

    When the next `days` days are quiet, the next `at_least` events are shown
    anyway so the page never looks empty while something is planned; when
    they are busy, the first `at_most` (the page links to all of them).
    """
    public = [Event.parent_id.is_(None), Event.status.in_(PUBLIC_STATUSES)]
    horizon = local_day_bounds(local_today(now) + timedelta(days=days))[0]
    events = upcoming(session, public, now, before=horizon, limit=at_most, options=_listing_options())
    if len(events) < at_least:
        events = upcoming(session, public, now, limit=at_least, options=_listing_options())
    grouped: dict[date, list[Event]] = {}
    for event in events:
        grouped.setdefault(to_local(event.start_dt).date(), []).append(event)
    return list(grouped.items())


def upcoming_community_meetings(session: Session, now: datetime, limit: int = 3) -> list[Event]:
    """The next community meetings, however far off: the home page features them."""
    return upcoming(
        session,
        [Event.parent_id.is_(None), Event.kind == EventKind.COMMUNITY_MEETING,
         Event.status.in_(PUBLIC_STATUSES)],
        now, limit=limit, options=_listing_options(),
    )


def get_public_event(session: Session, slug: str) -> Event | None:
    """One published or cancelled event with everything its page shows: its
    Sub-council, venue and meeting in the same row (one each), its lists in
    one statement per list."""
    return session.scalars(
        select(Event)
        .where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
        .options(
            joinedload(Event.council),
            joinedload(Event.venue),
            joinedload(Event.parent),
            selectinload(Event.themes),
            selectinload(Event.recommendations).selectinload(Recommendation.themes),
            selectinload(Event.sessions).options(
                selectinload(Event.venue),
                selectinload(Event.recommendations),
            ),
        )
    ).first()


# Built once: building the statement cost a registration about 0.3 ms. The
# recommendations come in a second statement: joined to the event (through
# the link table, a nested outer join), SQLite reads every link of every
# event first, 4 ms at 1,000 events and growing with them.
_FOR_REGISTRATION = (
    select(Event)
    .where(Event.slug == bindparam("slug"), Event.status.in_(PUBLIC_STATUSES))
    .options(
        joinedload(Event.venue),
        selectinload(Event.recommendations).joinedload(Recommendation.council),
    )
)


def get_event_for_registration(session: Session, slug: str) -> Event | None:
    """A public event with what registering for it reads and mails (not its page).

    Its sessions are loaded when asked for: only a community meeting has any.
    Its themes and Sub-council too: only the invitation's calendar shows
    them, and that is built once a minute per event and language
    (`registrations.notifications`), not for every registration.
    """
    return session.scalars(_FOR_REGISTRATION, {"slug": slug}).first()


# How far the events acting on a recommendation are counted: past it, a
# page says "more than 100". Counting every one costs as many reads as there
# are (11,000 for one recommendation at 100,000 events); counting to 100
# costs the same at 1,000 events as at 100,000.
COUNTED_AT_MOST = 100


@dataclass
class Acted:
    """Events acting on a recommendation: some of them, and how many in all
    (`capped`: more than `total`, which is then COUNTED_AT_MOST)."""

    events: list
    total: int
    capped: bool = False

    @property
    def more(self) -> int:
        return self.total - len(self.events)


def _public_acting_on(recommendation_id: int):
    """Public events acting on the recommendation, as a condition on `Event`.

    EXISTS, not a join: the database then walks the events in the order
    asked for (by start) and stops at the limit, instead of reading every
    event of the recommendation to sort them.
    """
    link = event_recommendations.c
    return and_(Event.status.in_(PUBLIC_STATUSES),
                exists().where(link.event_id == Event.id, link.recommendation_id == recommendation_id))


def _counted(recommendation_id: int, *conditions):
    """How many public events act on the recommendation (and meet
    `conditions`), counted no further than COUNTED_AT_MOST + 1.

    With conditions on time (upcoming, past), the events are walked in that
    range of their end and each looked up in event_recommendation by its
    key: "+ 0" keeps SQLite (no statistics) from walking every event of the
    recommendation instead, most of which may be on the other side of now.
    """
    link = event_recommendations.c
    acting = link.recommendation_id + 0 if conditions else link.recommendation_id
    some = (select(literal(1)).select_from(Event)
            .join(event_recommendations, link.event_id == Event.id)
            .where(acting == recommendation_id, Event.status.in_(PUBLIC_STATUSES), *conditions)
            .limit(COUNTED_AT_MOST + 1).subquery())
    return select(func.count()).select_from(some).scalar_subquery()


def _acted(events: list, counted: int) -> Acted:
    counted = counted or 0
    return Acted(events, min(counted, COUNTED_AT_MOST), counted > COUNTED_AT_MOST)


def events_for_recommendations(
    session: Session, recommendation_ids: list[int], limit: int = 5
) -> dict[int, Acted]:
    """The `limit` latest public events acting on each recommendation (oldest
    of them first) and how many there are: two queries however many
    recommendations and events there are."""
    if not recommendation_ids:
        return {}
    latest = union_all(*(
        select(select(literal(rec_id).label("recommendation_id"), Event.id.label("event_id"))
               .where(_public_acting_on(rec_id))
               .order_by(Event.start_dt.desc(), Event.id.desc()).limit(limit).subquery())
        for rec_id in recommendation_ids
    )).subquery()
    rows = session.execute(
        select(latest.c.recommendation_id, Event)
        .join(Event, Event.id == latest.c.event_id)
        .options(joinedload(Event.parent))  # in the same query
        .order_by(Event.start_dt, Event.id)
    ).all()
    totals = session.execute(select(*(_counted(rec_id) for rec_id in recommendation_ids))).one()
    found = {rec_id: _acted([], total) for rec_id, total in zip(recommendation_ids, totals)}
    for rec_id, event in rows:
        found[rec_id].events.append(event)
    return found


def recommendation_events(session: Session, recommendation_id: int, now: datetime,
                          limit: int = 20) -> tuple[Acted, Acted]:
    """A recommendation's upcoming events (soonest first) and past ones (latest
    first), at most `limit` of each, with how many there are of each."""
    acting = _public_acting_on(recommendation_id)
    still_on = ends_after(now)
    # Still on: not over yet, or over but repeating past now. Two counts, each
    # a range of one index (SQLite would gather the whole of "either" first).
    running = Event.series_end_dt.is_not(None), Event.series_end_dt > now
    over = Event.end_dt <= now, or_(Event.series_end_dt.is_(None), Event.series_end_dt <= now)
    not_over, repeating, past_total = session.execute(select(
        _counted(recommendation_id, Event.end_dt > now),
        _counted(recommendation_id, Event.end_dt <= now, *running),
        _counted(recommendation_id, *over))).one()
    upcoming_total = (not_over or 0) + (repeating or 0)
    with_meeting = joinedload(Event.parent)  # in the same query
    # The next by start: those that do not repeat (walked from now less the
    # longest of them) merged with the series still running (few: all of
    # them, from ix_event_series_end, sorted here; ordered in SQL, SQLite
    # would walk every event by start to find them).
    upcoming = heapq.merge(
        session.scalars(select(Event).where(acting, *_one_off([], now)).options(with_meeting)
                        .order_by(Event.start_dt, Event.id).limit(limit)).all(),
        sorted(session.scalars(select(Event).where(acting, Event.recurrence_rule.is_not(None), *running)
                               .options(with_meeting)).all(), key=_order),
        key=_order)
    past = session.scalars(
        # What is over began before now: the walk back starts there.
        select(Event).where(acting, ~still_on, Event.start_dt <= now).options(with_meeting)
        .order_by(Event.start_dt.desc(), Event.id.desc()).limit(limit)).all()
    return _acted(list(islice(upcoming, limit)), upcoming_total), _acted(list(past), past_total)


def upcoming_events_for_council(
    session: Session, council: SubCouncil, now: datetime, limit: int = 20
) -> list[Event]:
    """Events the council organises or that act on one of its recommendations.

    The second is a subquery asked of each event walked (by start, up to
    `limit`), not EXISTS: PostgreSQL would turn EXISTS under OR into a hash
    of every event acting on the council's recommendations (30,000 at
    100,000 events) before it walked the first.
    """
    addresses_council = (
        select(literal(1))
        .select_from(event_recommendations)
        .join(Recommendation, Recommendation.id == event_recommendations.c.recommendation_id)
        .where(event_recommendations.c.event_id == Event.id, Recommendation.council_id == council.id)
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    return upcoming(
        session,
        [Event.status.in_(PUBLIC_STATUSES), or_(Event.council_id == council.id, addresses_council)],
        now, limit=limit,
        # Shown as event cards (council, sessions) named with their meeting (in the
        # same row: one statement whether or not a session is among them).
        options=(*_listing_options(), joinedload(Event.parent)),
    )


# A change to any of these makes calendars that hold the event update it.
CALENDAR_FIELDS = frozenset(
    {"title", "translations", "start_dt", "end_dt", "venue_id", "venue", "online_url", "status"}
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
