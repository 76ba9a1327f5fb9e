"""Sub-councils, themes, venues and recommendations: create, change, delete.

What the admin screens under /manage/councils, /manage/themes, /manage/venues
and /manage/recommendations change. Functions take the session, the acting
user and `now`; they flush but never commit (the view commits once). Each
change writes its audit entry (`audit.record`) in that same transaction.

Routes decide who may open a screen (`permissions`); the one rule about a
value checked here is that only an admin moves a recommendation to another
Sub-council. A delete never loses data: anything still referred to (by an
event, a recommendation, a chair, a digest subscription) is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import user_councils
from ..councils.models import Recommendation, SubCouncil, Theme, recommendation_themes
from ..events.models import Event, Venue, ends_after, event_recommendations, event_themes
from ..subscriptions.models import subscription_councils, subscription_themes
from ..dbutil import serialise_sqlite
from . import audit
from .event_services import FieldError, slugify
from .permissions import is_admin, managed_council_ids
from .services import ManageError

SLUG_LENGTH = 80


class InUse(ManageError):
    code = "in_use"


@dataclass(frozen=True)
class Kind:
    """One kind of thing these screens manage."""

    name: str  # the audit log's target type and action prefix: "council" → "council.update"
    model: type
    # What the form edits, as the audit log shows it (references as ids).
    fields: tuple[str, ...]
    fallback_slug: str = ""  # for a name with no letter or digit; "" when keyed by code


COUNCIL = Kind("council", SubCouncil,
               ("name", "description", "language", "translations", "position", "digest_email"),
               fallback_slug="sub-council")
THEME = Kind("theme", Theme, ("name", "outcome", "language", "translations", "position"),
             fallback_slug="theme")
VENUE = Kind("venue", Venue, ("name", "address", "directions", "accessibility_notes", "map_url",
                              "language", "translations"),
             fallback_slug="venue")
RECOMMENDATION = Kind("recommendation", Recommendation,
                      ("code", "title", "description", "language", "translations", "council_id",
                       "status", "position", "theme_ids"))

MOVE_REFUSED = _l("Only an administrator can move a recommendation to another Sub-council.")
CODE_TAKEN = _l("Another recommendation already has this code. Please choose another.")


# --- reading ------------------------------------------------------------------------


def snapshot(kind: Kind, obj) -> dict:
    """The audited fields of `obj` as they are now (slug included: it names the thing)."""
    values = {}
    if kind.fallback_slug:
        values["slug"] = obj.slug
    for name in kind.fields:
        if name == "theme_ids":
            values[name] = sorted(t.id for t in obj.themes)
        else:
            values[name] = getattr(obj, name)
    return values


def summary(kind: Kind, obj) -> str:
    if kind is RECOMMENDATION:
        return f"{obj.code} {obj.title}"
    return f"{obj.name} ({obj.slug})"


def audit_council_id(kind: Kind, obj) -> int | None:
    """A recommendation's changes belong to its Sub-council (its chairs read them);
    the rest is the partnership's."""
    return obj.council_id if kind is RECOMMENDATION else None


def councils(session: Session) -> list[SubCouncil]:
    return list(session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)))


def themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.position, Theme.name)))


def venues(session: Session) -> list[Venue]:
    return list(session.scalars(select(Venue).order_by(func.lower(Venue.name), Venue.id)))


@dataclass
class CouncilGroup:
    council: SubCouncil
    recommendations: list[Recommendation]
    editable: bool  # whether the signed-in user may change these


def recommendation_groups(session: Session, user) -> list[CouncilGroup]:
    """Every recommendation under its Sub-council (two queries: councils with
    their recommendations, then all their themes)."""
    allowed = managed_council_ids(user)
    rows = session.scalars(
        select(SubCouncil)
        .options(selectinload(SubCouncil.recommendations).selectinload(Recommendation.themes))
        .order_by(SubCouncil.position, SubCouncil.name)
    ).all()
    return [CouncilGroup(c, list(c.recommendations), allowed is None or c.id in allowed)
            for c in rows]


def by_slug(session: Session, kind: Kind, slug: str):
    return session.scalars(select(kind.model).where(kind.model.slug == slug)).first()


def recommendation_by_code(session: Session, code: str) -> Recommendation | None:
    # Codes are matched without regard to case, as on the public page.
    return session.scalars(
        select(Recommendation).where(func.upper(Recommendation.code) == code.upper())).first()


# --- rules ------------------------------------------------------------------------------


def unique_slug(session: Session, kind: Kind, name: str, except_id: int | None = None) -> str:
    """"Health and Wellbeing" → health-and-wellbeing (-2, -3… when taken)."""
    model = kind.model
    base = slugify(name)[:SLUG_LENGTH - 4].strip("-") or kind.fallback_slug
    slug, n = base, 1
    while True:
        query = select(model.id).where(model.slug == slug)
        if except_id is not None:
            query = query.where(model.id != except_id)
        if session.scalar(query) is None:
            return slug
        n += 1
        slug = f"{base}-{n}"


def code_taken(session: Session, code: str, except_id: int | None = None) -> bool:
    query = select(Recommendation.id).where(func.upper(Recommendation.code) == code.upper())
    if except_id is not None:
        query = query.where(Recommendation.id != except_id)
    return session.scalar(query) is not None


def next_position(session: Session, kind: Kind, council: SubCouncil | None = None) -> int:
    """After the last one (a recommendation: the last of its Sub-council)."""
    query = select(func.max(kind.model.position))
    if kind is RECOMMENDATION and council is not None:
        query = query.where(Recommendation.council_id == council.id)
    return (session.scalar(query) or 0) + 1


def _count(session: Session, column, value) -> int:
    return session.scalar(select(func.count()).where(column == value)) or 0


def _events(n: int) -> str:
    return ngettext("%(num)d event", "%(num)d events", n)


def _recommendations(n: int) -> str:
    return ngettext("%(num)d recommendation", "%(num)d recommendations", n)


def _chairs(n: int) -> str:
    return ngettext("%(num)d chair", "%(num)d chairs", n)


def _subscriptions(n: int) -> str:
    return ngettext("%(num)d digest subscription", "%(num)d digest subscriptions", n)


def uses(session: Session, kind: Kind, obj) -> list[str]:
    """What still refers to `obj`, in words ("2 events"); empty when it may go."""
    counts = []
    if kind is COUNCIL:
        counts = [
            (_count(session, Event.council_id, obj.id), _events),
            (_count(session, Recommendation.council_id, obj.id), _recommendations),
            (_count(session, user_councils.c.council_id, obj.id), _chairs),
            # A subscriber who picked only this Sub-council would silently
            # get everything once it is gone (no pick means all).
            (_count(session, subscription_councils.c.council_id, obj.id), _subscriptions),
        ]
    elif kind is THEME:
        counts = [
            (_count(session, event_themes.c.theme_id, obj.id), _events),
            (_count(session, recommendation_themes.c.theme_id, obj.id), _recommendations),
            (_count(session, subscription_themes.c.theme_id, obj.id), _subscriptions),
        ]
    elif kind is VENUE:
        counts = [(_count(session, Event.venue_id, obj.id), _events)]
    elif kind is RECOMMENDATION:
        counts = [(_count(session, event_recommendations.c.recommendation_id, obj.id), _events)]
    return [say(n) for n, say in counts if n]


# --- changes ------------------------------------------------------------------------------


def _assign(obj, values: dict) -> None:
    if "translations" in values:
        values = {**values, "translations": type(obj).clean_translations(
            values["translations"], values.get("language") or obj.language or "en")}
    for name, value in values.items():
        setattr(obj, name, value)


def _check(session: Session, kind: Kind, obj, values: dict, actor) -> None:
    if kind is not RECOMMENDATION:
        return
    if "code" in values and code_taken(session, values["code"], obj.id):
        raise FieldError("code", CODE_TAKEN)
    council = values.get("council")
    if (obj.id is not None and council is not None and council.id != obj.council_id
            and not is_admin(actor)):
        raise FieldError("council", MOVE_REFUSED)


def create(session: Session, kind: Kind, values: dict, *, actor, now: datetime):
    """A new one from the form's `values` (model attribute names; `position`
    None means after the last; `council` and `themes` as loaded rows)."""
    obj = kind.model()
    _check(session, kind, obj, values, actor)
    values = dict(values)
    if "position" in kind.fields and values.get("position") is None:
        values["position"] = next_position(session, kind, values.get("council"))
    if kind.fallback_slug:
        # Made once from the name and kept: public pages and calendar feeds use it.
        obj.slug = unique_slug(session, kind, values["name"])
    _assign(obj, values)
    session.add(obj)
    session.flush()
    audit.record(session, actor=actor, action=f"{kind.name}.create", target_type=kind.name,
                 target_id=obj.id, council_id=audit_council_id(kind, obj),
                 summary=summary(kind, obj), after=snapshot(kind, obj), now=now)
    return obj


def update(session: Session, kind: Kind, obj, values: dict, *, actor, now: datetime) -> bool:
    """Change `obj` to the form's `values`; True when something changed.

    The slug stays as it is (public addresses and feeds use it). A
    recommendation's code is not among `values` either: it is in its public
    address and in the partnership's printed plan.
    """
    _check(session, kind, obj, values, actor)
    values = dict(values)
    if "position" in values and values["position"] is None:
        council = values.get("council", getattr(obj, "council", None))
        values["position"] = next_position(session, kind, council)
    before = snapshot(kind, obj)
    _assign(obj, values)
    session.flush()  # a new council shows as council_id
    old, new = audit.changed_fields(before, snapshot(kind, obj))
    if not (old or new):
        return False
    audit.record(session, actor=actor, action=f"{kind.name}.update", target_type=kind.name,
                 target_id=obj.id, council_id=audit_council_id(kind, obj),
                 summary=summary(kind, obj), before=old, after=new, now=now)
    if kind is VENUE and {"name", "address"} & set(old):
        _moved(session, obj, now)
    return True


def _moved(session: Session, venue: Venue, now: datetime) -> None:
    """A venue's new name or address is a change of place for the events not
    over yet held there: their SEQUENCE grows so that calendars take the new
    LOCATION instead of keeping the one they have."""
    events = session.scalars(select(Event).where(Event.venue_id == venue.id, ends_after(now)))
    for event in events:
        event.sequence = (event.sequence or 0) + 1
        event.updated_dt = now
    session.flush()


def delete(session: Session, kind: Kind, obj, *, actor, now: datetime) -> None:
    """Delete `obj` when nothing refers to it; else `InUse`, and nothing changes."""
    # Hold the row first: an event being linked to it at this moment either
    # committed already (and is counted below) or waits for this
    # transaction on its foreign-key check.
    if session.get_bind().dialect.name == "sqlite":
        serialise_sqlite(session)
    else:
        session.execute(select(kind.model.id).where(kind.model.id == obj.id).with_for_update())
    found = uses(session, kind, obj)
    if found:
        raise InUse(gettext(
            "“%(name)s” cannot be deleted while it is in use (%(uses)s). Nothing was deleted.",
            name=obj.code if kind is RECOMMENDATION else obj.name, uses=", ".join(found)))
    audit.record(session, actor=actor, action=f"{kind.name}.delete", target_type=kind.name,
                 target_id=obj.id, council_id=audit_council_id(kind, obj),
                 summary=summary(kind, obj), before=snapshot(kind, obj), now=now)
    session.delete(obj)
    session.flush()
