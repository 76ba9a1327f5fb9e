"""Who may manage what: the one place that decides.

Admins may manage everything. A chair may manage the Sub-councils they
chair and their events; a session belongs to its community meeting, so its
meeting's Sub-council decides. An event without a Sub-council (organised by
the central council) is the admins' alone. Residents have no account and
get nothing under /manage.

Every /manage route asks for a signed-in user (the blueprint does it before
any view runs); a route about one event, council or recommendation then
loads it with `event_or_403` / `council_or_403` / `recommendation_or_403`;
a route for admins only carries `admin_required`.
tests/manage/test_authorisation.py walks every route.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required  # noqa: F401  (re-exported)
from sqlalchemy import func, select

from ..councils.models import Recommendation, SubCouncil
from ..events.models import Event
from ..extensions import db


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return _signed_in(user) and user.is_admin


def can_manage_council_id(user, council_id: int | None) -> bool:
    if not _signed_in(user):
        return False
    if user.is_admin:
        return True
    return council_id is not None and council_id in user.council_ids


def can_manage_council(user, council: SubCouncil | None) -> bool:
    return can_manage_council_id(user, council.id if council is not None else None)


def owning_council_id(event: Event) -> int | None:
    """The Sub-council whose chairs manage `event`: its meeting's, for a session."""
    if event.parent_id is not None:
        return event.parent.council_id
    return event.council_id


def can_manage_event(user, event: Event) -> bool:
    return can_manage_council_id(user, owning_council_id(event))


def managed_council_ids(user) -> set[int] | None:
    """The councils whose events `user` manages; None means all (an admin)."""
    if is_admin(user):
        return None
    if not _signed_in(user):
        return set()
    return user.council_ids


def admin_required(view):
    """For routes only admins may use: anonymous → sign in, chairs → 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not is_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def event_or_403(slug: str) -> Event:
    """The event with this slug when the signed-in user may manage it: else 404 / 403."""
    event = db.session.scalars(select(Event).where(Event.slug == slug)).first()
    if event is None:
        abort(404)
    if not can_manage_event(current_user, event):
        abort(403)
    return event


def council_or_403(slug: str) -> SubCouncil:
    council = db.session.scalars(select(SubCouncil).where(SubCouncil.slug == slug)).first()
    if council is None:
        abort(404)
    if not can_manage_council(current_user, council):
        abort(403)
    return council


def recommendation_or_403(code: str) -> Recommendation:
    """The recommendation with this code (any case) when the signed-in user may
    change it: an admin, or a chair of its Sub-council. Else 404 / 403."""
    recommendation = db.session.scalars(
        select(Recommendation).where(func.upper(Recommendation.code) == code.upper())).first()
    if recommendation is None:
        abort(404)
    if not can_manage_council_id(current_user, recommendation.council_id):
        abort(403)
    return recommendation
