from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..councils.models import SubCouncil, Theme
from ..extensions import db
from ..timeutil import UTCDateTime

subscription_councils = Table(
    "subscription_council",
    db.metadata,
    Column("subscription_id", ForeignKey("subscription.id", ondelete="CASCADE"), primary_key=True),
    Column("council_id", ForeignKey("sub_council.id", ondelete="CASCADE"), primary_key=True),
)

subscription_themes = Table(
    "subscription_theme",
    db.metadata,
    Column("subscription_id", ForeignKey("subscription.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Subscription(db.Model):
    """One address's weekly digest: what it wants, in which language.

    Nothing but the confirmation request is sent until `confirmed_dt` is set
    (double opt-in). Unsubscribing deletes the row: the address is kept only
    while it receives something.
    """

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As typed, for mail; `email_key` (lower-cased) is what matches.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Only events held in the digest's language, or interpreted into it.
    is_language_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The public half of the subscription's link (`/subscriptions/<link_id>.<signature>`,
    # see `subscriptions.links`); the signature is never stored.
    link_id: Mapped[str] = mapped_column(String(32), unique=True)
    consent_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the last confirmation request went out: asking again within
    # minutes does not mail the address again (no mail-bombing through the form).
    confirm_sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Empty lists mean "everything". Loaded with the subscription (selectin):
    # the digest run and the subscription page always need both.
    councils: Mapped[list[SubCouncil]] = relationship(
        secondary=subscription_councils, order_by=SubCouncil.position, lazy="selectin")
    themes: Mapped[list[Theme]] = relationship(
        secondary=subscription_themes, order_by=Theme.position, lazy="selectin")

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {'confirmed' if self.is_confirmed else 'pending'}>"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_dt is not None


class DigestSend(db.Model):
    """One digest written for one recipient for one period.

    Inserted (`INSERT … ON CONFLICT DO NOTHING`) in the same transaction as
    the outbox message it records, with `(recipient, key)` unique: however
    many runs overlap, each recipient gets each week's digest at most once,
    and gets it exactly when its message exists. `recipient` is
    `subscription:<id>`, `user:<id>` (a chair) or `council:<id>` (a
    Sub-council's digest address); `key` is `week:<ISO year>-W<week>`.
    """

    __tablename__ = "digest_send"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "subscriber" or "chair"
    recipient: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(40))
    # Gone with its subscription (unsubscribing erases the address's traces).
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscription.id", ondelete="CASCADE"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("recipient", "key"),)

    def __repr__(self) -> str:
        return f"<DigestSend {self.recipient} {self.key}>"
