"""Personal links in mail (`/r/<token>`, `/subscriptions/<token>`).

A token is `<link_id>.<signature>`: `link_id` is 128 random bits stored on
the row, the signature an HMAC-SHA256 of it under `SECRET_KEY` and a salt of
the link's own kind (itsdangerous), never stored. So the same link can be
written into every later mail while a copy of the database alone gives none
away, a registration's token is not a subscription's, and the signature is
checked in constant time. Rotating the key: put the old one in
`SECRET_KEY_FALLBACKS` and links already sent keep working.
"""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, Signer

MAX_TOKEN_LENGTH = 128


def new_link_id() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


class SignedLinks:
    def __init__(self, salt: str):
        self.salt = salt

    def _signer(self) -> Signer:
        config = current_app.config
        # itsdangerous signs with the last key and accepts any of them.
        keys = [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]
        return Signer(keys, salt=self.salt, digest_method=hashlib.sha256)

    def token_for(self, link_id: str) -> str:
        return self._signer().sign(link_id).decode("ascii")

    def link_id_from(self, token: str) -> str | None:
        """The link id a genuine token carries; None for anything else."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        try:
            return self._signer().unsign(token).decode("ascii")
        except (BadSignature, UnicodeError):
            return None
