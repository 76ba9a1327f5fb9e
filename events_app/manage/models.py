from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime


class AuditEntry(db.Model):
    """Who changed what, when, with the values before and after.

    Written in the same transaction as the change (`manage.audit.record`).
    `council_id` is the Sub-council the change concerns, so a chair can read
    the entries of their own councils; `actor_label` keeps the actor's
    address as it was, should the account go.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))
    # "event.create", "event.update", "event.cancel", "registration.cancel",
    # "user.invite", "recommendation.update", …
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_council.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_entry_created_dt", "created_dt"),
        Index("ix_audit_entry_council", "council_id", "created_dt"),
        Index("ix_audit_entry_target", "target_type", "target_id"),
    )
