"""The public API's answers, built from the events, councils and
recommendations services in a fixed number of queries.

Every function takes the session, `now`, the language asked for and the
site's address (`Links`) as arguments; none reads the request or the clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from ..councils.models import Recommendation as RecommendationModel
from ..councils.models import SubCouncil, Theme as ThemeModel
from ..councils.services import list_councils
from ..events import recurrence
from ..events import services as events
from ..events.models import Event, render_markdown
from ..i18n import LocalizedText, html_lang
from ..registrations import services as registrations
from ..timeutil import local_day_bounds, local_to_utc
from . import schemas

NEXT_DATES = 10
# The latest events acting on a recommendation that an answer lists.
RECOMMENDATION_EVENTS = 20


class BadQuery(ValueError):
    """A query the API cannot answer: `errors` says why, per parameter."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class UnknownFilter(BadQuery):
    """A well-formed filter naming no Sub-council or theme there is (a 404)."""


@dataclass
class Links:
    """Absolute addresses on the site (SITE_URL), in the language asked for."""

    site_url: str
    language: str

    def __post_init__(self):
        self._adapter = current_app.url_map.bind("localhost")

    def url(self, endpoint: str, **values) -> str:
        return self.site_url + self._adapter.build(endpoint, values)

    def page(self, endpoint: str, **values) -> str:
        """A page for people, in the language the texts are in."""
        return self.url(endpoint, lang=self.language, **values)


# --- pieces -------------------------------------------------------------------


def text(value: LocalizedText) -> schemas.Text:
    return schemas.Text(text=str(value), lang=html_lang(value.lang))


def optional_text(value: LocalizedText) -> schemas.Text | None:
    return text(value) if value else None


def moment(value: datetime, zone: ZoneInfo) -> schemas.Moment:
    return schemas.Moment(utc=value.astimezone(timezone.utc), local=value.astimezone(zone))


def _council_ref(council: SubCouncil | None, language: str, links: Links) -> schemas.CouncilRef | None:
    if council is None:
        return None
    return schemas.CouncilRef(slug=council.slug, name=text(council.localized("name", language)),
                              events_url=links.url("api.events", council=council.slug))


def _theme_ref(theme: ThemeModel, language: str) -> schemas.ThemeRef:
    return schemas.ThemeRef(slug=theme.slug, name=text(theme.localized("name", language)))


def _recommendation_ref(rec: RecommendationModel, language: str, links: Links) -> schemas.RecommendationRef:
    return schemas.RecommendationRef(
        code=rec.code, title=text(rec.localized("title", language)), council=rec.council.slug,
        url=links.page("councils.recommendation", code=rec.code),
        api_url=links.url("api.recommendation", code=rec.code))


def _venue(event: Event, language: str) -> schemas.Venue | None:
    venue = event.where_venue
    if venue is None:
        return None
    return schemas.Venue(
        slug=venue.slug, name=text(venue.localized("name", language)), address=venue.address,
        directions=optional_text(venue.localized("directions", language)),
        accessibility=optional_text(venue.localized("accessibility_notes", language)),
        map_url=venue.map_url or None)


def _registration(event: Event, now: datetime, zone: ZoneInfo, links: Links) -> schemas.Registration:
    if event.parent_id is not None:
        return schemas.Registration(state="through-meeting", opens_at=None, closes_at=None,
                                    url=links.page("events.detail", slug=event.parent.slug) + "#register")
    opens, closes = registrations.registration_window(event)
    try:
        registrations.check_open(event, now)
        state = "open"
    except registrations.EventCancelled:
        state = "cancelled"
    except registrations.RegistrationNotYetOpen:
        state = "not-yet-open"
    except registrations.RegistrationError:
        state = "closed"
    return schemas.Registration(
        state=state, opens_at=moment(opens, zone) if opens else None,
        closes_at=moment(closes, zone), url=links.page("events.detail", slug=event.slug) + "#register")


def _places(seats: registrations.Seats | None, capacity: int | None) -> schemas.Places:
    if seats is None:
        return schemas.Places(capacity=capacity, left=capacity, waitlist=False)
    return schemas.Places(capacity=seats.capacity, left=seats.left, waitlist=seats.full)


def _event_fields(event, seats, now: datetime, language: str, zone: ZoneInfo, links: Links) -> dict:
    """What every kind of item says of an event (or of one date of a repeating one)."""
    return dict(
        slug=event.slug,
        kind=event.kind,
        kind_label=str(event.kind_label),
        status=event.status,
        title=text(event.localized("title", language)),
        summary=optional_text(event.localized("summary", language)),
        starts=moment(event.start_dt, zone),
        ends=moment(event.end_dt, zone),
        repeats=bool(event.recurrence_rule),
        council=_council_ref(event.council, language, links),
        themes=[_theme_ref(theme, language) for theme in event.themes],
        languages=list(event.languages or []),
        venue=_venue(event, language),
        online_url=event.where_online_url or None,
        presenter=event.presenter or None,
        places=_places(seats.get(event.id), event.capacity),
        registration=_registration(event, now, zone, links),
        recommendations=[_recommendation_ref(rec, language, links) for rec in event.recommendations],
        url=links.page("events.detail", slug=event.slug),
        ics_url=links.page("ical.event_file", slug=event.slug),
        api_url=links.url("api.event", slug=event.slug),
        updated=event.updated_dt.astimezone(timezone.utc),
    )


# --- events -------------------------------------------------------------------


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = datetime.resolution
_LAST_MICROS = (datetime.max.replace(tzinfo=timezone.utc) - _EPOCH) // _MICROSECOND
# Ids are INTEGER columns: a larger id in a cursor means "after every id".
_LAST_ID = 2**31 - 1


def encode_cursor(item) -> str:
    """Where a page ended: the last item's start (µs since 1970, UTC) and id."""
    return f"{(item.start_dt.astimezone(timezone.utc) - _EPOCH) // _MICROSECOND}-{item.id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """A cursor's (start, id); one beyond every event reads as the end of time."""
    micros, event_id = (int(part) for part in cursor.split("-"))
    return _EPOCH + min(micros, _LAST_MICROS) * _MICROSECOND, min(event_id, _LAST_ID)


def _known(session: DbSession, model, slug: str | None, name: str, errors: dict) -> None:
    if slug and session.scalar(select(model.id).where(model.slug == slug)) is None:
        errors[name] = f"there is no {name} {slug!r}"


def _check_known(session: DbSession, council: str | None, theme: str | None = None) -> None:
    errors: dict[str, str] = {}
    _known(session, SubCouncil, council, "council", errors)
    _known(session, ThemeModel, theme, "theme", errors)
    if errors:
        raise UnknownFilter(errors)


def event_list(session: DbSession, query: schemas.EventQuery, now: datetime, language: str,
               zone: ZoneInfo, links: Links, next_url) -> schemas.EventList:
    """A page of public events (top level) by start; `next_url(cursor)` makes the next page's address."""
    past = decode_cursor(query.cursor) if query.cursor else None
    _check_known(session, query.council, query.theme)
    filters = events.EventFilter(council=query.council, theme=query.theme, kind=query.kind,
                                 language=query.language, words=events.search_words(query.q))
    after = _day_start(query.from_, zone) if query.from_ else now
    # The end of `to`; the last day there is has no end to compute: no bound.
    before = local_day_bounds(query.to, zone)[1] if query.to and query.to < date.max else None
    found = events.events_after(session, filters, after, before, past, query.limit + 1)
    page, more = found[:query.limit], len(found) > query.limit
    seats = registrations.seats(session, page)
    items = [schemas.EventSummary(**_event_fields(item, seats, now, language, zone, links),
                                  sessions=len(item.public_sessions)) for item in page]
    return schemas.EventList(items=items, next=next_url(encode_cursor(page[-1])) if more else None,
                             language=html_lang(language))


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return local_to_utc(datetime.combine(day, time.min), zone)


def event_detail(session: DbSession, slug: str, now: datetime, language: str, zone: ZoneInfo,
                 links: Links) -> schemas.EventDetail | None:
    event = events.get_public_event(session, slug)
    if event is None:
        return None
    sessions = event.public_sessions
    seats = registrations.seats(session, [event, *sessions])
    dates = recurrence.recurrence(event, now, limit=NEXT_DATES)
    description = event.localized("description", language)
    return schemas.EventDetail(
        **_event_fields(event, seats, now, language, zone, links),
        description=optional_text(description),
        description_html=str(render_markdown(description)) if description else None,
        accessibility=optional_text(event.localized("accessibility_notes", language)),
        interpretation=optional_text(event.localized("interpretation_notes", language)),
        childcare=optional_text(event.localized("childcare_notes", language)),
        part_of=event.parent.slug if event.parent is not None else None,
        next_dates=[moment(start, zone) for start in dates.next_starts] if dates else [],
        sessions=[schemas.Session(**_event_fields(item, seats, now, language, zone, links))
                  for item in sessions],
    )


def examples(session: DbSession, now: datetime) -> dict[str, str | None]:
    """An upcoming event's slug and a recommendation's code, for the description's examples."""
    upcoming = events.events_after(session, events.EventFilter(), now, None, None, 1)
    code = session.scalar(select(RecommendationModel.code)
                          .order_by(RecommendationModel.position, RecommendationModel.code).limit(1))
    return {"slug": upcoming[0].slug if upcoming else None, "code": code}


# --- Sub-councils, themes, recommendations --------------------------------------


def council_list(session: DbSession, language: str, links: Links) -> schemas.CouncilList:
    return schemas.CouncilList(language=html_lang(language), items=[
        schemas.Council(
            slug=council.slug, name=text(council.localized("name", language)),
            description=optional_text(council.localized("description", language)),
            recommendations=count,
            url=links.page("councils.detail", slug=council.slug),
            events_url=links.url("api.events", council=council.slug),
            ics_url=links.url("ical.council_feed", slug=council.slug),
            atom_url=links.url("atom.council_feed", slug=council.slug),
        )
        for council, count in list_councils(session)
    ])


def theme_list(session: DbSession, language: str, links: Links) -> schemas.ThemeList:
    themes = session.scalars(select(ThemeModel).order_by(ThemeModel.position, ThemeModel.name))
    return schemas.ThemeList(language=html_lang(language), items=[
        schemas.Theme(
            slug=theme.slug, name=text(theme.localized("name", language)),
            outcome=optional_text(theme.localized("outcome", language)),
            events_url=links.url("api.events", theme=theme.slug),
            ics_url=links.url("ical.theme_feed", slug=theme.slug),
            atom_url=links.url("atom.theme_feed", slug=theme.slug),
        )
        for theme in themes
    ])


def _recommendations(session: DbSession, conditions: list, language: str, zone: ZoneInfo,
                     links: Links) -> list[schemas.Recommendation]:
    found = list(session.scalars(
        select(RecommendationModel).where(*conditions)
        .join(SubCouncil, SubCouncil.id == RecommendationModel.council_id)
        .options(selectinload(RecommendationModel.themes))
        .order_by(SubCouncil.position, RecommendationModel.position, RecommendationModel.code)))
    acted_on = events.events_for_recommendations(session, [rec.id for rec in found],
                                                 limit=RECOMMENDATION_EVENTS)
    return [
        schemas.Recommendation(
            code=rec.code, title=text(rec.localized("title", language)),
            description=optional_text(rec.localized("description", language)),
            status=rec.status, status_label=str(rec.status_label),
            council=_council_ref(rec.council, language, links),
            themes=[_theme_ref(theme, language) for theme in rec.themes],
            url=links.page("councils.recommendation", code=rec.code),
            api_url=links.url("api.recommendation", code=rec.code),
            events=[schemas.EventRef(
                slug=event.slug, title=text(event.localized("title", language)), status=event.status,
                starts=moment(event.start_dt, zone), url=links.page("events.detail", slug=event.slug),
                api_url=links.url("api.event", slug=event.slug)) for event in acted_on[rec.id].events],
            events_total=acted_on[rec.id].total,
            events_total_capped=acted_on[rec.id].capped,
        )
        for rec in found
    ]


def recommendation_list(session: DbSession, query: schemas.RecommendationQuery, language: str,
                        zone: ZoneInfo, links: Links) -> schemas.RecommendationList:
    _check_known(session, query.council)
    conditions = []
    if query.council:
        conditions.append(SubCouncil.slug == query.council)
    if query.status:
        conditions.append(RecommendationModel.status == query.status)
    return schemas.RecommendationList(
        language=html_lang(language),
        items=_recommendations(session, conditions, language, zone, links))


def recommendation_detail(session: DbSession, code: str, language: str, zone: ZoneInfo,
                          links: Links) -> schemas.Recommendation | None:
    found = _recommendations(session, [RecommendationModel.code == code], language, zone, links)
    return found[0] if found else None

