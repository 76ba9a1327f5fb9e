import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import Localized

recommendation_themes = Table(
    "recommendation_theme",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class SubCouncil(Localized, db.Model):
    __tablename__ = "sub_council"
    TRANSLATED = ("name", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Where the chairs' weekly digest goes while the Sub-council has no
    # active chair account (see `subscriptions.services.chair_recipients`).
    digest_email: Mapped[str | None] = mapped_column(String(254))

    # Ordered by code so that a council page lists HW-1, HW-2, … in order.
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="council", order_by="Recommendation.position"
    )

    def __repr__(self) -> str:
        return f"<SubCouncil {self.slug}>"


class Theme(Localized, db.Model):
    """One of the partnership's five overarching themes."""

    __tablename__ = "theme"
    TRANSLATED = ("name", "outcome")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The intended outcome the partnership states for the theme.
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class RecommendationStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"


RECOMMENDATION_STATUS_LABELS = {
    RecommendationStatus.OPEN: _l("Open"),
    RecommendationStatus.IN_PROGRESS: _l("In progress"),
    RecommendationStatus.DONE: _l("Done"),
}


class Recommendation(Localized, db.Model):
    __tablename__ = "recommendation"
    TRANSLATED = ("title", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    council_id: Mapped[int] = mapped_column(ForeignKey("sub_council.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RecommendationStatus.OPEN)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        db.CheckConstraint(
            "status IN ('open', 'in-progress', 'done')", name="status_known"
        ),
    )

    # lazy="joined": a recommendation is never shown without its council's name.
    council: Mapped[SubCouncil] = relationship(back_populates="recommendations", lazy="joined")
    themes: Mapped[list[Theme]] = relationship(
        secondary=recommendation_themes, order_by=Theme.position
    )

    @property
    def status_label(self) -> str:
        return RECOMMENDATION_STATUS_LABELS[RecommendationStatus(self.status)]

    def __repr__(self) -> str:
        return f"<Recommendation {self.code}>"
