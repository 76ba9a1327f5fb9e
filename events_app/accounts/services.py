"""Accounts: creating users, signing in, and the signed links that set a password.

Functions take the session and `now`, flush and never commit: the caller
(a view, the CLI, a test) commits once, so a password-reset or invitation
mail is in the outbox exactly when the change that caused it is.

Links (`/password/reset/<token>`, `/invitation/<token>`) are itsdangerous
tokens signed with `SECRET_KEY` (older keys in `SECRET_KEY_FALLBACKS` still
verify), a salt per purpose, and a timestamp taken from `now`. The payload
holds the user's id, a fingerprint of their current password hash and a
random nonce whose hash is stored on the user: only the latest link works,
once (setting a password clears the nonce), and knowing the key is not
enough to make one.
"""
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..councils.models import SubCouncil
from ..errors import RuleError
from ..ical.services import absolute_url
from ..mail.models import OutboxMessage
from ..mail.services import enqueue, render_message
from .models import Role, User, email_key, password_hash_method

MIN_PASSWORD_LENGTH = 10
# scrypt over megabytes of "password" would be a cheap way to load the server.
MAX_PASSWORD_LENGTH = 200
MAX_TOKEN_LENGTH = 512

PASSWORD_RESET = "password-reset"
INVITATION = "invitation"
# How long a link works, in seconds (config keys override).
DEFAULT_MAX_AGE = {PASSWORD_RESET: 60 * 60, INVITATION: 7 * 24 * 60 * 60}
MAX_AGE_CONFIG = {PASSWORD_RESET: "PASSWORD_RESET_MAX_AGE", INVITATION: "INVITATION_MAX_AGE"}
LINK_ENDPOINTS = {PASSWORD_RESET: "accounts.reset_password", INVITATION: "accounts.accept_invitation"}


class AccountError(RuleError):
    code = "account_error"
    message = _l("This account could not be changed.")


class DuplicateEmail(AccountError):
    code = "duplicate_email"
    message = _l("An account with this e-mail address already exists.")


class UnknownCouncil(AccountError):
    code = "unknown_council"

    def __init__(self, slugs: Iterable[str]):
        slugs = sorted(slugs)
        super().__init__(
            _l("No Sub-council with the slug: %(slugs)s.", slugs=", ".join(slugs)), slugs=slugs
        )


class PasswordTooShort(AccountError):
    code = "password_too_short"
    message = _l("The password must be at least %(count)d characters long.",
                 count=MIN_PASSWORD_LENGTH)


class PasswordTooLong(AccountError):
    code = "password_too_long"
    message = _l("The password must be at most %(count)d characters long.",
                 count=MAX_PASSWORD_LENGTH)


class UnknownRole(AccountError):
    code = "unknown_role"
    message = _l("The role must be admin or chair.")


# --- users -----------------------------------------------------------------


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort()
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooLong()


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email_key == email_key(email))).first()


def councils_by_slug(session: Session, slugs: Iterable[str]) -> list[SubCouncil]:
    """The Sub-councils with these slugs, in their usual order; every slug must exist."""
    wanted = {slug.strip() for slug in slugs if slug.strip()}
    if not wanted:
        return []
    found = session.scalars(
        select(SubCouncil).where(SubCouncil.slug.in_(wanted)).order_by(SubCouncil.position)
    ).all()
    missing = wanted - {council.slug for council in found}
    if missing:
        raise UnknownCouncil(missing)
    return list(found)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    councils: Iterable[SubCouncil] = (),
    password: str | None = None,
    now: datetime,
) -> User:
    """A new active account; without a password until one is set (an invitation)."""
    if role not in set(Role):
        raise UnknownRole()
    if find_user(session, email) is not None:
        raise DuplicateEmail()
    user = User(
        email=email.strip(),
        email_key=email_key(email),
        name=name.strip(),
        role=role,
        is_active=True,
        created_dt=now,
        councils=list(councils),
    )
    if password is not None:
        check_password_rules(password)
        user.set_password(password)
    session.add(user)
    session.flush()
    return user


def change_password(user: User, password: str) -> None:
    """Set the password; every password link sent before stops working."""
    check_password_rules(password)
    user.set_password(password)
    user.link_nonce_hash = None


# A hash of no real password: checking against it when the address is
# unknown costs as long as a real check, so timing does not tell which
# addresses have accounts.
_UNKNOWN_USER_HASHES: dict[str, str] = {}


def _unknown_user_hash() -> str:
    method = password_hash_method()
    if method not in _UNKNOWN_USER_HASHES:
        _UNKNOWN_USER_HASHES[method] = generate_password_hash("no account has this password",
                                                              method=method)
    return _UNKNOWN_USER_HASHES[method]


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active user with this e-mail and password, their last login set; else None.

    Unknown address, wrong password and deactivated account look alike to
    the caller on purpose: the sign-in page must not tell them apart.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    user = find_user(session, email)
    if user is None or user.password_hash is None:
        check_password_hash(_unknown_user_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_dt = now
    session.flush()
    return user


def load_user(session: Session, user_id: str) -> User | None:
    """The user a session cookie names (`<id>.<fingerprint>.<session version>`), while it is still valid.

    A deactivated account, a password changed or a sign-out since the
    cookie was made ends the session at its next request.
    """
    id_part, fingerprint, version = ((user_id or "").split(".") + ["", ""])[:3]
    if not id_part.isdigit() or not fingerprint or not version.isdigit():
        return None
    user = session.get(User, int(id_part))
    if (user is None or not user.is_active or user.password_fingerprint != fingerprint
            or user.session_version != int(version)):
        return None
    return user


# --- signed links ------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """Timestamps from the caller's `now`, not the process clock."""

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now.timestamp())


def _serializer(purpose: str, now: datetime) -> URLSafeTimedSerializer:
    config = current_app.config
    # itsdangerous signs with the last key and accepts any of them.
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(
        keys,
        salt=f"accounts.{purpose}",
        signer=_ClockSigner,
        signer_kwargs={"now": now, "digest_method": hashlib.sha256},
    )


def max_age(purpose: str) -> int:
    return int(current_app.config.get(MAX_AGE_CONFIG[purpose]) or DEFAULT_MAX_AGE[purpose])


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def make_token(user: User, purpose: str, now: datetime) -> str:
    """A new link for the user; it replaces any link sent before (flush to keep it)."""
    nonce = secrets.token_urlsafe(16)
    user.link_nonce_hash = _nonce_hash(nonce)
    return _serializer(purpose, now).dumps(
        {"u": user.id, "p": user.password_fingerprint, "n": nonce})


def user_for_token(session: Session, token: str, purpose: str, now: datetime) -> User | None:
    """The active user a genuine, unexpired, unused link of this purpose is for; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer(purpose, now).loads(token, max_age=max_age(purpose))
    except BadData:  # bad signature, expired, malformed
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    nonce = payload.get("n")
    if not isinstance(nonce, str):
        return None
    user = session.get(User, payload["u"])
    if user is None or not user.is_active or payload.get("p") != user.password_fingerprint:
        return None
    if not user.link_nonce_hash or not hmac.compare_digest(_nonce_hash(nonce), user.link_nonce_hash):
        return None
    return user


def link_for(user: User, purpose: str, now: datetime) -> str:
    token = make_token(user, purpose, now)
    return absolute_url(current_app.config["SITE_URL"], LINK_ENDPOINTS[purpose], token=token)


def mail_language(language: str | None) -> str:
    return language if language in current_app.config["LANGUAGES"] else "en"


def request_password_reset(
    session: Session, email: str, now: datetime, language: str = "en"
) -> OutboxMessage | None:
    """Write a reset link to the outbox for an active account with this address.

    Returns the message, or None when there is no such account: the page
    says the same either way.
    """
    user = find_user(session, email)
    if user is None or not user.is_active:
        return None
    language = mail_language(language)
    rendered = render_message(
        "password_reset",
        language,
        user=user,
        reset_url=link_for(user, PASSWORD_RESET, now),
        valid_minutes=max_age(PASSWORD_RESET) // 60,
    )
    return enqueue(session, to=user.email, **vars(rendered), kind="password_reset", now=now)


def send_invitation(
    session: Session, user: User, invited_by: User | None, now: datetime, language: str = "en"
) -> OutboxMessage:
    """Write an invitation (a link to choose a password) to the outbox."""
    language = mail_language(language)
    rendered = render_message(
        "invitation",
        language,
        user=user,
        invited_by=invited_by,
        invitation_url=link_for(user, INVITATION, now),
        valid_days=max(max_age(INVITATION) // 86400, 1),
    )
    return enqueue(session, to=user.email, **vars(rendered), kind="invitation", now=now)


def invite(
    session: Session,
    email: str,
    name: str,
    role: str,
    councils: Iterable[SubCouncil],
    invited_by: User | None,
    now: datetime,
    language: str = "en",
) -> tuple[User, OutboxMessage]:
    """A new account without a password, and the mail that lets the person choose one."""
    user = create_user(session, email=email, name=name, role=role, councils=councils, now=now)
    return user, send_invitation(session, user, invited_by, now, language)
