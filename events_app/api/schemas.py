"""What the public API answers and what it accepts, declared once.

Each model both serialises an answer (`model_dump_json`) and describes it in
the OpenAPI document (`model_json_schema`, JSON Schema 2020-12, which is
what OpenAPI 3.1 speaks): the description cannot drift from the answers.

Nothing here holds personal data: no registrant appears in any answer, only
counts of places.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..events.models import EventKind, EventStatus
from ..councils.models import RecommendationStatus

SLUG = r"^[a-z0-9][a-z0-9-]{0,119}$"
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
CURSOR = r"^[0-9]{1,18}-[0-9]{1,18}$"
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MAX_LIMIT = 100

Kind = Literal[tuple(str(kind) for kind in EventKind)]  # type: ignore[valid-type]
Status = Literal[tuple(str(status) for status in EventStatus if status != EventStatus.DRAFT)]  # type: ignore[valid-type]
RecommendationState = Literal[tuple(str(status) for status in RecommendationStatus)]  # type: ignore[valid-type]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- pieces -------------------------------------------------------------------


class Text(Answer):
    """A text in the language asked for, or, where it has no translation,
    in the language it was written in (`lang` says which)."""

    text: str
    lang: str = Field(description="BCP 47 tag of the language the text is in, e.g. fr, ar, zh-Hans.")


class Moment(Answer):
    utc: datetime = Field(description="ISO 8601 in UTC, e.g. 2027-03-07T14:00:00Z.")
    local: datetime = Field(description="ISO 8601 in the site's time zone, with its offset, "
                                        "e.g. 2027-03-07T09:00:00-05:00.")


class CouncilRef(Answer):
    slug: str
    name: Text
    events_url: str = Field(description="Its events in this API.")


class ThemeRef(Answer):
    slug: str
    name: Text


class RecommendationRef(Answer):
    code: str
    title: Text
    council: str = Field(description="The slug of the Sub-council that made it.")
    url: str
    api_url: str


class Venue(Answer):
    slug: str
    name: Text
    address: str
    directions: Text | None
    accessibility: Text | None
    map_url: str | None


class Places(Answer):
    capacity: int | None = Field(description="Places in all; null: no limit.")
    left: int | None = Field(description="Places not yet taken; null: no limit.")
    waitlist: bool = Field(description="Every place is taken: new registrations join the waitlist.")


class Registration(Answer):
    state: Literal["open", "not-yet-open", "closed", "cancelled", "through-meeting"] = Field(
        description="open; not-yet-open (see opens_at); closed; cancelled (the event is); "
                    "through-meeting (a session: people register for its community meeting and pick it).")
    opens_at: Moment | None
    closes_at: Moment | None
    url: str = Field(description="The page where a person registers.")


class EventBase(Answer):
    slug: str
    kind: Kind  # type: ignore[valid-type]
    kind_label: str = Field(description="The kind of event in the language asked for.")
    status: Status  # type: ignore[valid-type]
    title: Text
    summary: Text | None
    starts: Moment
    ends: Moment
    repeats: bool = Field(description="A repeating event: each of its dates is listed as an item of its own.")
    council: CouncilRef | None = Field(description="null: organised by the whole partnership.")
    themes: list[ThemeRef]
    languages: list[str] = Field(description="Languages it is held in or interpreted into (ISO 639).")
    venue: Venue | None
    online_url: str | None
    presenter: str | None
    places: Places
    registration: Registration
    recommendations: list[RecommendationRef] = Field(description="The recommendations it acts on.")
    url: str = Field(description="Its page, in the language asked for.")
    ics_url: str = Field(description="Its calendar file (iCalendar).")
    api_url: str
    updated: datetime


class EventSummary(EventBase):
    sessions: int = Field(description="How many sessions (workshops) a community meeting holds.")


class Session(EventBase):
    pass


class EventDetail(EventBase):
    description: Text | None = Field(description="Markdown, as written by the organisers.")
    description_html: str | None = Field(description="The description as safe HTML.")
    accessibility: Text | None
    interpretation: Text | None
    childcare: Text | None
    part_of: str | None = Field(description="A session: the slug of its community meeting.")
    next_dates: list[Moment] = Field(description="A repeating event: its next dates (at most 10).")
    sessions: list[Session]


class EventList(Answer):
    items: list[EventSummary]
    next: str | None = Field(description="The address of the next page; null on the last.")
    language: str


class Council(Answer):
    slug: str
    name: Text
    description: Text | None
    recommendations: int = Field(description="How many recommendations it has made.")
    url: str
    events_url: str = Field(description="Its events in this API.")
    ics_url: str
    atom_url: str


class CouncilList(Answer):
    items: list[Council]
    language: str


class Theme(Answer):
    slug: str
    name: Text
    outcome: Text | None = Field(description="The outcome the partnership intends for the theme.")
    events_url: str
    ics_url: str
    atom_url: str


class ThemeList(Answer):
    items: list[Theme]
    language: str


class EventRef(Answer):
    slug: str
    title: Text
    status: Status  # type: ignore[valid-type]
    starts: Moment
    url: str
    api_url: str


class Recommendation(Answer):
    code: str
    title: Text
    description: Text | None
    status: RecommendationState  # type: ignore[valid-type]
    status_label: str
    council: CouncilRef
    themes: list[ThemeRef]
    url: str
    api_url: str
    events: list[EventRef] = Field(description="The latest 20 published or cancelled events that act on "
                                               "it, oldest of them first.")
    events_total: int = Field(description="How many published or cancelled events act on it in all, "
                                          "counted up to 1,000 (see `events_total_capped`).")
    events_total_capped: bool = Field(description="True when more than `events_total` (1,000) events "
                                                  "act on it: they were counted no further.")


class RecommendationList(Answer):
    items: list[Recommendation]
    language: str


class Problem(Answer):
    """An error (RFC 9457 problem details)."""

    status: int
    title: str
    detail: str | None = None
    errors: dict[str, str] | None = Field(default=None, description="What is wrong, per parameter.")


# --- what the API accepts -----------------------------------------------------


def _strict_date(value):
    """Only YYYY-MM-DD: Pydantic would also read a number as a Unix time."""
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("a date written YYYY-MM-DD")
    return value


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    lang: str | None = Field(default=None, description="The language of the texts (else Accept-Language).")


class EventQuery(Query):
    council: Annotated[str, Field(pattern=SLUG)] | None = Field(
        default=None, description="A Sub-council's slug: what it organises or what acts on its recommendations.")
    theme: Annotated[str, Field(pattern=SLUG)] | None = Field(default=None, description="A theme's slug.")
    kind: Kind | None = Field(default=None, description="A kind of event.")  # type: ignore[valid-type]
    language: Annotated[str, Field(pattern=LANGUAGE)] | None = Field(
        default=None, description="Held in or interpreted into this language (ISO 639, e.g. ar).")
    from_: date | None = Field(default=None, alias="from", description="From this day (site's time zone); default: now.")
    to: date | None = Field(default=None, description="Up to the end of this day (site's time zone).")
    # No NUL: the site refuses it in any address (PostgreSQL refuses it in a query).
    q: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] | None = Field(
        default=None, description="Words, each in the title, summary or description, in any language.")
    cursor: Annotated[str, Field(pattern=CURSOR)] | None = Field(
        default=None, description="Where the previous page ended (from its `next`).")
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = Field(default=20, description="Events per page.")

    @field_validator("from_", "to", mode="before")
    @classmethod
    def only_iso_dates(cls, value):
        return _strict_date(value)


class RecommendationQuery(Query):
    council: Annotated[str, Field(pattern=SLUG)] | None = Field(default=None, description="A Sub-council's slug.")
    status: RecommendationState | None = Field(default=None, description="Where it stands.")  # type: ignore[valid-type]
