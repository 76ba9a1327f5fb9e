"""Every extension, created unbound and init_app'ed by the factory."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints make Alembic migrations identical on SQLite and PostgreSQL
# (and let batch mode on SQLite find the constraint it must drop).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
babel = Babel()
mail = Mail()
# Counters in memory by default; RATELIMIT_STORAGE_URI=redis://… shares them
# between app hosts. Behind a proxy, TRUSTED_PROXIES makes the remote
# address the client's (see create_app).
limiter = Limiter(get_remote_address)
# Chairs and admins: the signed-in user's id lives in the signed session cookie.
login_manager = LoginManager()
# Security headers on every response (see create_app for the policy).
talisman = Talisman()


def typed_address_key() -> str:
    """The rate-limit key of the e-mail address a form was sent with, hashed:
    the limiter's storage (Redis) holds no address in clear."""
    import hashlib

    from flask import request

    typed = (request.form.get("email") or "").strip().lower()
    return "address:" + hashlib.sha256(typed.encode("utf-8", "replace")).hexdigest()[:32]


def no_typed_address() -> bool:
    """A form sent without an address is refused by its own validation."""
    from flask import request

    return not (request.form.get("email") or "").strip()


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Every limit is on a form's POST or on the public API (`API_RATE_LIMIT`):
    page views skip the limiter's work."""
    from flask import request

    if request.method == "OPTIONS":
        return True
    return request.method in ("GET", "HEAD") and not request.path.startswith("/api/")
