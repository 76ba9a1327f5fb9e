import enum
import re
import uuid
from datetime import datetime
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, and_, cast, event, literal, or_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_babel import lazy_gettext as _l

from ..councils.models import Recommendation, SubCouncil, Theme
from ..dbutil import event_length
from ..extensions import db
from ..i18n import Localized, html_lang, text_direction
from ..timeutil import UTCDateTime, column_now


class EventKind(enum.StrEnum):
    COMMUNITY_MEETING = "community-meeting"
    WORKSHOP = "workshop"
    NEIGHBOURHOOD_EVENT = "neighbourhood-event"
    COUNCIL_MEETING = "council-meeting"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


KIND_LABELS = {
    EventKind.COMMUNITY_MEETING: _l("Community meeting"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.NEIGHBOURHOOD_EVENT: _l("Neighbourhood event"),
    EventKind.COUNCIL_MEETING: _l("Sub-council meeting"),
}

STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


event_themes = Table(
    "event_theme",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)

event_recommendations = Table(
    "event_recommendation",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "recommendation_id",
        ForeignKey("recommendation.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Venue(Localized, db.Model):
    __tablename__ = "venue"
    # The address stays as the post office writes it; a name may differ by language.
    TRANSLATED = ("name", "directions", "accessibility_notes")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    # How to get there and find the room ("side door on Dundas, second floor").
    directions: Mapped[str] = mapped_column(Text, default="", server_default="")
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    map_url: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"<Venue {self.slug}>"


# Markdown from staff becomes HTML; nh3 keeps only harmless tags and
# attributes, so a pasted <script> or onclick= never reaches a reader.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "h2", "h3", "h4", "hr",
}


def render_markdown(text: str) -> Markup:
    """Safe HTML of `text`. The same text always gives the same HTML, so it
    is rendered once per process and text (an edit is a new text): an event
    page rendered cold no longer parses its description again."""
    return _rendered_markdown(str(text or ""))


@lru_cache(maxsize=2048)
def _rendered_markdown(text: str) -> Markup:
    html = markdown.markdown(text, extensions=["sane_lists"])
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def localized_markdown(text) -> Markup:
    """Markdown in a block of its own language and direction (`LocalizedText`)."""
    html = render_markdown(text)
    lang = getattr(text, "lang", None)
    if not lang:
        return html
    return Markup('<div lang="{}" dir="{}">{}</div>').format(html_lang(lang), text_direction(lang), html)


def new_uid() -> str:
    return uuid.uuid4().hex


_ONE_OFF = "parent_id IS NULL AND recurrence_rule IS NULL"


def _where(condition: str) -> dict:
    """A partial index's condition, on both databases."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


class Event(Localized, db.Model):
    __tablename__ = "event"
    TRANSLATED = ("title", "summary", "description", "accessibility_notes",
                  "interpretation_notes", "childcare_notes")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"), index=True)
    online_url: Mapped[str | None] = mapped_column(String(500))
    # Empty for partnership-wide events organised by the central council.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("sub_council.id"), index=True)
    presenter: Mapped[str | None] = mapped_column(String(200))
    # ISO 639 codes of the languages the event is held or interpreted in.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    interpretation_notes: Mapped[str] = mapped_column(Text, default="")
    childcare_notes: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None] = mapped_column()
    # When residents may register: empty means from publication until the
    # event starts (see `registrations.services.registration_window`).
    registration_opens_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reminder slots, minutes before the start (0 to 3 of them, 15 minutes
    # to 14 days); empty means the site's REMINDER_OFFSETS.
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON)
    # A repeating event (a Sub-council's monthly meeting): an RFC 5545 RRULE
    # value ("FREQ=MONTHLY;BYDAY=2TU;COUNT=10") from start_dt, and the local
    # dates skipped (ISO "YYYY-MM-DD"), emitted as RRULE/EXDATE in calendars.
    recurrence_rule: Mapped[str | None] = mapped_column(String(300))
    recurrence_exdates: Mapped[list[str] | None] = mapped_column(JSON)
    # The end of a repeating event's last date, kept from the rule on every
    # save (`_keep_series_end`) so "still on" is a column comparison
    # (`ends_after`); empty for an event that does not repeat.
    series_end_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.DRAFT)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # For calendars: the UID never changes; SEQUENCE grows with every change
    # of time, place, title or status (RFC 5545 §3.8.7.4).
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=column_now)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=column_now, onupdate=column_now)

    __table_args__ = (
        db.CheckConstraint(_in("kind", EventKind), name="kind_known"),
        db.CheckConstraint(_in("status", EventStatus), name="status_known"),
        db.CheckConstraint("end_dt > start_dt", name="ends_after_start"),
        db.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        db.CheckConstraint(
            "registration_opens_dt IS NULL OR registration_closes_dt IS NULL"
            " OR registration_closes_dt > registration_opens_dt",
            name="registration_closes_after_opening",
        ),
        # The indexes the public lists need, whatever the number of events
        # (issue 15). Partial, so that neither database can mistake
        # "parent_id IS NULL" (nearly every row) for a selective condition,
        # as SQLite does without statistics:
        # a meeting's sessions;
        Index("ix_event_parent_id", "parent_id", **_where("parent_id IS NOT NULL")),
        # the one-off top-level events in the order lists show them (a page,
        # the home page's weeks, a Sub-council's next events: no sort);
        Index("ix_event_one_off_start", "start_dt", "id", **_where(_ONE_OFF)),
        # the same, by end, for "how many are still to come": a count read
        # from the index alone, by Sub-council and kind too (the predicate's
        # columns are in it for SQLite);
        Index("ix_event_one_off_end", "end_dt", "status", "parent_id", "recurrence_rule",
              "council_id", "kind", **_where(_ONE_OFF)),
        # community meetings by start, for the home page's next three;
        Index("ix_event_kind_start_dt", "kind", "start_dt"),
        # the repeating ones still running (few: a Sub-council's monthly
        # meeting), and when the last of them left a feed's window;
        Index("ix_event_series_end", "series_end_dt", **_where("series_end_dt IS NOT NULL")),
        # by start for the feeds (their first 2,000) and the jobs (reminders,
        # digests, the report);
        Index("ix_event_start_dt", "start_dt"),
        # and by end, for when the last event left a feed's window, and for
        # the events of a recommendation upcoming, past or ended lately,
        # counted from the index alone (status and series end are in it).
        Index("ix_event_by_end", "end_dt", "status", "series_end_dt"),
    )

    # Listing pages show these with every event: loaded in one query by the
    # listing's options (selectinload), never lazily per row.
    venue: Mapped[Venue | None] = relationship()
    council: Mapped[SubCouncil | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=event_themes, order_by=Theme.position)
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=event_recommendations,
        order_by=Recommendation.position,
        backref="events",
    )
    parent: Mapped["Event | None"] = relationship(back_populates="sessions", remote_side=[id])
    sessions: Mapped[list["Event"]] = relationship(
        back_populates="parent",
        order_by=lambda: [Event.start_dt, Event.id],
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"

    @property
    def description_html(self) -> Markup:
        """The description in the reader's language, as HTML, marked with
        its language when it is another (a fallback)."""
        return localized_markdown(self.localized("description"))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[EventKind(self.kind)]

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def _inherits_place(self) -> bool:
        """A session with neither a venue nor an online address of its own
        is held where its meeting is."""
        return self.parent_id is not None and self.venue_id is None and not self.online_url

    @property
    def where_venue(self) -> "Venue | None":
        """Where it is held: its venue, or its meeting's (`_inherits_place`)."""
        return self.parent.venue if self._inherits_place() else self.venue

    @property
    def where_online_url(self) -> str | None:
        return self.parent.online_url if self._inherits_place() else self.online_url

    @property
    def last_end_dt(self) -> datetime:
        """When the event is over: the end of its last date, for one that repeats."""
        return self.series_end_dt or self.end_dt

    @property
    def public_sessions(self) -> list["Event"]:
        return [s for s in self.sessions if s.status != EventStatus.DRAFT]

    def session_slots(self) -> list[tuple[datetime, datetime, list["Event"]]]:
        """Sessions grouped by time slot: parallel sessions share a row of the timetable."""
        slots: dict[tuple[datetime, datetime], list[Event]] = {}
        for session in self.public_sessions:
            slots.setdefault((session.start_dt, session.end_dt), []).append(session)
        return [(start, end, items) for (start, end), items in sorted(slots.items())]


# An event's `languages` are ISO 639 codes, optionally with a subtag
# ("ar", "zh-Hans"): letters, digits and one hyphen, never "%", "_" or '"'.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


def held_in(event, code):
    """SQL: the event is held in, or interpreted into, the language `code`
    (a string or a bound parameter: "zh" also finds "zh-Hans").

    `languages` is a JSON list; its text is matched with LIKE, which reads
    the same on SQLite and PostgreSQL (JSON functions differ between them).
    The codes cannot hold LIKE's wildcards, so the match is exact.
    """
    code = literal(code, String) if isinstance(code, str) else code
    listed = cast(event.languages, String)
    return or_(listed.like(literal('%"') + code + literal('"%')),
               listed.like(literal('%"') + code + literal('-%')))


# The longest event that does not repeat, read from the index's end: how far
# before a moment an event still on at that moment may have started
# (`events.services.longest_one_off`).
Index("ix_event_one_off_length", event_length(Event.end_dt, Event.start_dt),
      **_where("recurrence_rule IS NULL"))


def ends_after(moment: datetime):
    """SQL: the event (or a repeating event's last date) ends after `moment`.

    Never NULL (an event that does not repeat has no series end), so that
    its negation is as true as it.
    """
    return or_(Event.end_dt > moment,
               and_(Event.series_end_dt.is_not(None), Event.series_end_dt > moment))


@event.listens_for(Event, "before_insert")
@event.listens_for(Event, "before_update")
def _keep_series_end(_mapper, _connection, target: Event) -> None:
    from .recurrence import last_end  # the rule's arithmetic lives there

    target.series_end_dt = last_end(target) if target.recurrence_rule else None
