"""The link in every mail to a subscriber: `/subscriptions/<token>`.

Made like a registration's link (`registrations.links`): 128 random bits
stored on the subscription, signed with `SECRET_KEY` (HMAC-SHA256,
itsdangerous) under a salt of its own, so a registration's token is not a
subscription's and neither signature is ever stored. The same token serves
the confirmation, the subscription's page and the one-click unsubscribe.
Keys in `SECRET_KEY_FALLBACKS` still open links already sent.
"""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, Signer

SALT = "subscription-link"
MAX_TOKEN_LENGTH = 128


def new_link_id() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


def _signer() -> Signer:
    config = current_app.config
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]
    return Signer(keys, salt=SALT, digest_method=hashlib.sha256)


def token_for(link_id: str) -> str:
    return _signer().sign(link_id).decode("ascii")


def link_id_from(token: str) -> str | None:
    """The link id a genuine token carries; None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return _signer().unsign(token).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
