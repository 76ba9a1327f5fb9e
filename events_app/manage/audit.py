"""The audit log: who changed what, when, with the values before and after.

`record` adds an `AuditEntry` in the caller's transaction (it flushes
nothing and commits nothing): the entry exists exactly when the change does.
`entries` is what /manage/audit lists: everything for an admin, a chair only
the entries of their own Sub-councils.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..events.services import Page, page_count
from ..timeutil import local_day_bounds
from .models import AuditEntry
from .permissions import managed_council_ids

SUMMARY_LENGTH = 300
PER_PAGE = 50


def jsonable(value):
    """A value as JSON can hold it: datetimes as ISO strings (UTC), sets as
    sorted lists, models as their id."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "id"):
        return value.id
    return str(value)


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields whose values differ, each side made JSON-able."""
    old, new = {}, {}
    for name in sorted(set(before) | set(after)):
        a, b = jsonable(before.get(name)), jsonable(after.get(name))
        if a != b:
            old[name], new[name] = a, b
    return old, new


def record(session: Session, *, actor, action: str, target_type: str, target_id: int | None,
           council_id: int | None, summary: str, before: dict | None = None,
           after: dict | None = None, now: datetime) -> AuditEntry:
    """Add an entry to the caller's transaction.

    `actor` is the signed-in `User` (None for the CLI or the system);
    `before`/`after` are the changed fields only (use `changed_fields`), or
    None for a creation / a deletion.
    """
    label = getattr(actor, "email", None) or "system"
    entry = AuditEntry(
        created_dt=now,
        actor_id=getattr(actor, "id", None),
        actor_label=label[:254],
        action=action[:40],
        target_type=target_type[:40],
        target_id=target_id,
        council_id=council_id,
        summary=(summary or "")[:SUMMARY_LENGTH],
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )
    session.add(entry)
    return entry


@dataclass
class AuditFilter:
    action: str | None = None
    target_type: str | None = None
    council_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _conditions(user, filters: AuditFilter) -> list:
    conditions = []
    council_ids = managed_council_ids(user)
    if council_ids is not None:
        # A chair: only what concerns their Sub-councils (never the
        # partnership-wide entries, whose council is empty).
        conditions.append(AuditEntry.council_id.in_(council_ids or {-1}))
    if filters.council_id is not None:
        conditions.append(AuditEntry.council_id == filters.council_id)
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.target_type:
        conditions.append(AuditEntry.target_type == filters.target_type)
    if filters.date_from:
        conditions.append(AuditEntry.created_dt >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        conditions.append(AuditEntry.created_dt < local_day_bounds(filters.date_to)[1])
    return conditions


def entries(session: Session, user, filters: AuditFilter | None = None, page: int = 1,
            per_page: int = PER_PAGE) -> Page:
    """The entries `user` may read, newest first, one page of them."""
    conditions = _conditions(user, filters or AuditFilter())
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    page = min(max(1, page), page_count(total, per_page))
    items = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.created_dt.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(items), page, per_page, total)


def known_values(session: Session, user) -> tuple[list[str], list[str]]:
    """The actions and target types in the log the user may read: the filters' choices."""
    conditions = _conditions(user, AuditFilter())
    actions = session.scalars(
        select(AuditEntry.action).where(*conditions).distinct().order_by(AuditEntry.action))
    types = session.scalars(
        select(AuditEntry.target_type).where(*conditions).distinct()
        .order_by(AuditEntry.target_type))
    return list(actions), list(types)
