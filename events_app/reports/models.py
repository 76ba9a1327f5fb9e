from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime


class PublishedReport(db.Model):
    """A period whose report an admin has published at `/achievements`.

    The public page is computed from the records when it is read (with the
    same suppression of small numbers as every export), so a check-in added
    later shows there too; withdrawing it deletes the row.
    """

    __tablename__ = "published_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    published_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("start_date", "end_date"),
        db.CheckConstraint("end_date >= start_date", name="ends_after_start"),
    )

    def __repr__(self) -> str:
        return f"<PublishedReport {self.start_date}–{self.end_date}>"
