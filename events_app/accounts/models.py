import enum
import hashlib
from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..councils.models import SubCouncil
from ..extensions import db
from ..timeutil import UTCDateTime, column_now


class Role(enum.StrEnum):
    ADMIN = "admin"
    CHAIR = "chair"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.CHAIR: _l("Sub-council chair"),
}


def email_key(email: str) -> str:
    """What two spellings of one address have in common (`Ana@X.org` = `ana@x.org`)."""
    return email.strip().lower()


user_councils = Table(
    "user_council",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "council_id",
        ForeignKey("sub_council.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)



# werkzeug's scrypt, salted; the method is stored in each hash, so a later
# method still checks older hashes.
STRONG_HASH_METHOD = "scrypt"


def password_hash_method() -> str:
    """How passwords are hashed: scrypt, unless the test configuration asks
    for something cheaper. Only an app with TESTING on may weaken it, so no
    setting can make a real installation store cheap hashes."""
    if has_app_context() and current_app.testing:
        return current_app.config.get("PASSWORD_HASH_METHOD", STRONG_HASH_METHOD)
    return STRONG_HASH_METHOD

class User(UserMixin, db.Model):
    """A chair or an admin. Residents have no account.

    The table is `user_account`, not `user`: `user` is a reserved word in
    PostgreSQL and would have to be quoted in every hand-written query.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As typed, for display and mail; `email_key` (lower-cased) is what matches.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until an invited person chooses a password: nobody can sign in
    # with it, and the invitation link stays valid until it is set.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # Deactivated, not deleted: the audit trail keeps pointing at the person.
    # (Flask-Login's `is_active` is this column.)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=column_now)
    # SHA-256 of the random nonce in the one password link (invitation or
    # reset) that may still be used: a new link replaces it, setting a
    # password clears it. Without it a link could be forged by whoever knows
    # the key, for an invitee who has no password yet.
    link_nonce_hash: Mapped[str | None] = mapped_column(String(64))
    # Part of every session cookie of the account: signing out raises it, so
    # a cookie copied before (a shared computer, a stolen one) stops working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        db.CheckConstraint("role IN ('admin', 'chair')", name="role_known"),
    )

    # lazy="selectin": the user is loaded on every signed-in request and every
    # permission check asks for their councils — one more query, at load time.
    councils: Mapped[list[SubCouncil]] = relationship(
        secondary=user_councils, order_by=SubCouncil.position, lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    @property
    def council_ids(self) -> set[int]:
        return {council.id for council in self.councils}

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def password_fingerprint(self) -> str:
        """Changes whenever the password does (a new salt every time).

        Signed links and sessions carry it, so setting a password makes every
        reset link, invitation and other signed-in session of the person invalid.
        """
        return hashlib.sha256((self.password_hash or "").encode("utf-8")).hexdigest()[:16]

    def get_id(self) -> str:
        # Flask-Login keeps this in the session cookie; `load_user` checks every part.
        return f"{self.id}.{self.password_fingerprint}.{self.session_version or 0}"

    def end_sessions(self) -> None:
        """Every session cookie of this account stops working."""
        self.session_version = (self.session_version or 0) + 1
