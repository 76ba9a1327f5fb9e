import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One e-mail, written in the same transaction as the change that causes it.

    The message is stored rendered (subject, text, HTML, attachments), so
    delivery needs neither templates nor the rows it was made from: a
    message sent a day late says what was true when it was written.

    `attachments` is a JSON list of `{"filename", "content_type", "data",
    "encoding", "inline"}`: `data` is text (an `.ics`) or base64 when
    `encoding` is "base64"; an `inline` text part (filename None) goes into
    the message's alternatives, where Outlook looks for a calendar invitation.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the message is about, for people and later queries
    # ("confirmation", "promoted", …); the registration it concerns, if any.
    kind: Mapped[str] = mapped_column(String(40))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        # The worker's one question: which pending messages are due, oldest first.
        Index("ix_outbox_message_due", "status", "next_attempt_dt", "id"),
        # "Is an older message to this address still pending?" (delivery order).
        Index("ix_outbox_message_to_address_pending", "to_address", "id",
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
