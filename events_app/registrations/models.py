import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..events.models import Event
from ..extensions import db
from ..timeutil import UTCDateTime


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


ACTIVE = text("status <> 'cancelled'")


class Registration(db.Model):
    """One person's place at one event.

    A registration for a community meeting holds one child registration per
    picked session (a row for the session event, `parent_registration_id`
    set), each with its own status against that session's capacity.
    """

    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    parent_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # As typed, for display and mail; `email_key` (lower-cased) is what matches.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    interpretation_language: Mapped[str | None] = mapped_column(String(100))
    accessibility_needs: Mapped[str | None] = mapped_column(Text)
    childcare_needs: Mapped[str | None] = mapped_column(Text)
    consent_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    registered_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    status_changed_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the personal details were erased after the event (the row
    # stays, so counts of registrations and attendance remain true).
    erased_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Checked in on the day (by a chair, at the door); for a repeating
    # event, the latest of its `Attendance` rows (one per date).
    attended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The public half of the person's link (`/r/<link_id>.<signature>`, see
    # `registrations.links`): the signature is never stored, so a leaked
    # table does not hand out links. Session picks have none (they are
    # reached through their meeting registration).
    link_id: Mapped[str | None] = mapped_column(String(32), unique=True)

    __table_args__ = (
        db.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"
        ),
        # At most one active registration per e-mail and event; a cancelled
        # one does not stop the person registering again.
        Index(
            "uq_registration_active_email",
            "event_id",
            "email_key",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        # Counting seats and walking the waitlist in order.
        Index("ix_registration_waitlist", "event_id", "status", "registered_dt", "id"),
        # A person's own calendar: everything registered with one address.
        Index("ix_registration_email_key", "email_key"),
    )

    # Most uses of a registration show its event: loaded with it in one query.
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)
    parent_registration: Mapped["Registration | None"] = relationship(
        back_populates="session_registrations", remote_side=[id]
    )
    # Rows are deleted with their meeting registration by the database
    # (ON DELETE CASCADE); the ORM need not load them to do it.
    session_registrations: Mapped[list["Registration"]] = relationship(
        back_populates="parent_registration",
        order_by=lambda: [Registration.event_id, Registration.id],
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status} event={self.event_id}>"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class Attendance(db.Model):
    """A check-in at one date of a repeating event: a monthly meeting's
    registrant is checked in at each meeting they come to. (A one-off
    event's check-in is `Registration.attended_dt` alone.)"""

    __tablename__ = "attendance"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    # The local date of the event's date (occurrence) the person came to.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    attended_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Attendance {self.registration_id} {self.day}>"
