from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime


class ReminderSend(db.Model):
    """One reminder (or time-changed notice) written for one registration.

    The row is inserted in the same transaction as the outbox message it
    records, and `(registration_id, key)` is unique: whatever runs at once,
    and whatever is killed half-way, each slot's reminder exists at most once
    and exists exactly when its message does. `key` is `slot:<minutes>` for
    a reminder slot, `moved:<start as UTC ISO>` for the notice that the time
    changed after a reminder went out.
    """

    __tablename__ = "reminder_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    # The event's start the message was about: a reschedule is noticed by it.
    event_start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    due_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("registration_id", "key"),)

    def __repr__(self) -> str:
        return f"<ReminderSend {self.registration_id} {self.key}>"


class JobRun(db.Model):
    """When a scheduled job last ran: `/healthz` and `flask reminders status` read it."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_dt: Mapped[datetime] = mapped_column(UTCDateTime)
