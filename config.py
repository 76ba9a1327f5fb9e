"""Configuration, all read from environment variables (`.env` in development)."""
import os


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(value: str | None) -> str | None:
    """Accept the URLs hosting platforms hand out and use the psycopg 3 driver."""
    if not value:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


# Keys that are public knowledge (this project's former default, examples
# from documentation): refused outside the tests, however long.
KNOWN_KEYS = frozenset({
    "dev-only-not-secret", "test-secret", "dev", "development", "secret", "secret-key",
    "change-me", "changeme", "your-secret-key", "replace-me",
})
MIN_SECRET_KEY_LENGTH = 32


def secret_key_problem(key: str | None) -> str | None:
    """Why `key` may not sign anything, or None when it is strong enough."""
    if not key or not key.strip():
        return "SECRET_KEY is not set"
    if key.strip().lower() in KNOWN_KEYS:
        return "SECRET_KEY is a published example value"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    return None


class Config:
    # No built-in key: unset, development reads (or on its first run makes)
    # a random one in instance/secret_key, and production refuses to start
    # (see events_app.configure_secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # Older keys, comma-separated, still accepted for sessions and
    # registration links while a new SECRET_KEY takes over.
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
    # None means "instance/events.db", resolved by create_app() once the
    # instance folder is known.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL: how long a request waits to connect, and how long one
    # statement may run, in seconds (0: no limit), so that a database that
    # accepts connections and never answers makes a 503, not a hung worker.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT") or 5)
    DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT") or 30)
    SITE_TIMEZONE = os.environ.get("SITE_TIMEZONE", "America/Toronto")
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    SITE_NAME = os.environ.get(
        "SITE_NAME", "London & Middlesex Local Immigration Partnership"
    )
    # Who runs the site and whom to ask: in the footer of every page and every
    # e-mail (each line only when set; `make run` sets demo values).
    ORGANISATION_ADDRESS = os.environ.get("ORGANISATION_ADDRESS", "")
    ORGANISATION_EMAIL = os.environ.get("ORGANISATION_EMAIL", "")
    ORGANISATION_PHONE = os.environ.get("ORGANISATION_PHONE", "")
    ORGANISATION_WEBSITE = os.environ.get("ORGANISATION_WEBSITE", "")
    # The funder's name, shown as "Funded by …".
    ORGANISATION_FUNDER = os.environ.get("ORGANISATION_FUNDER", "")

    # The site's languages, the first the default: each needs a catalogue in
    # translations/<code>/ and nothing else (README, "Adding a language").
    LANGUAGES = tuple(code.strip() for code in
                      (os.environ.get("LANGUAGES") or "en,fr,ar,es,zh_Hans").split(",") if code.strip())
    # A language's name in itself comes from Babel's CLDR data; this one
    # reads better as newcomers write it than CLDR's "中文 (简体)".
    LANGUAGE_NAMES = {"zh_Hans": "简体中文"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = "translations"

    EVENTS_PER_PAGE = 20
    # Public pages are kept per process while the content is unchanged, for
    # at most this long (they also depend on the clock); 0 turns it off.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS") or 60)
    PAGE_CACHE_SIZE = 512
    # A page showing places left may be served this long after it was made
    # although registrations came since (at most one render a second per
    # page and process during a rush); 0: fresh after every registration.
    PAGE_SEATS_GRACE_SECONDS = float(os.environ.get("PAGE_SEATS_GRACE_SECONDS") or 1)
    HOME_DAYS_AHEAD = 45
    # A calendar feed's validator (ETag, Last-Modified) is read from the
    # database and then trusted by this process for this many seconds, so
    # that hourly polls and 304s cost no query; 0 reads it for every request.
    CALENDAR_VALIDATOR_SECONDS = float(os.environ.get("CALENDAR_VALIDATOR_SECONDS") or 2)

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "LMLIP Community Events <events@localhost>"
    )

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Per client address. A sign-up desk where a whole room shares one
    # address stays well under these; a script does not.
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "30 per minute;300 per hour")
    # Reads of the public API (/api/v1) per client address: a partner's
    # server that keeps answers for their minute (ETag, max-age) stays far
    # below; a scraper looping over every page does not.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute;5000 per hour")
    # Sign-in and password-reset attempts (POST) per client address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;100 per hour")
    # Per e-mail address typed, from any client address, counted in the
    # shared limiter storage (Redis with several hosts): sign-in attempts on
    # one account, and forms that mail the address typed (registering,
    # subscribing, a password reset).
    ACCOUNT_RATE_LIMIT = os.environ.get("ACCOUNT_RATE_LIMIT", "10 per hour;30 per day")
    ADDRESS_MAIL_RATE_LIMIT = os.environ.get("ADDRESS_MAIL_RATE_LIMIT", "5 per hour;20 per day")
    # Registrants' personal details are erased this many days after their
    # event (`flask registrations purge`, daily from cron); counts remain.
    REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS") or 90)
    # Reminder slots before each event (an event may set its own): whole days
    # on the local wall clock, hours and minutes in real time. 0 to 3 of
    # them, from 15m to 14d; "" for none.
    REMINDER_OFFSETS = os.environ.get("REMINDER_OFFSETS", "2d,2h")
    # Digests (`flask digests send`, from cron daily or hourly): each ISO week's
    # digests go out once, from this weekday (1 = Monday … 7 = Sunday) and
    # hour, local time (SITE_TIMEZONE), covering events of the next
    # DIGEST_DAYS_AHEAD days.
    DIGEST_WEEKDAY = int(os.environ.get("DIGEST_WEEKDAY") or 1)
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR") or 8)
    DIGEST_DAYS_AHEAD = int(os.environ.get("DIGEST_DAYS_AHEAD") or 14)
    # Check-in at the door opens this many minutes before each date starts
    # and closes this many minutes after it ends (0: at the end).
    CHECK_IN_OPENS_MINUTES = int(os.environ.get("CHECK_IN_OPENS_MINUTES") or 120)
    CHECK_IN_CLOSES_MINUTES = int(os.environ.get("CHECK_IN_CLOSES_MINUTES") or 0)
    # Chairs' digest: an event within DIGEST_DAYS_AHEAD with fewer confirmed
    # than this share of its capacity is "quiet"; a full one with at least
    # DIGEST_LONG_WAITLIST people waiting could use a second session.
    DIGEST_LOW_REGISTRATION_RATIO = float(os.environ.get("DIGEST_LOW_REGISTRATION_RATIO") or 0.25)
    DIGEST_LONG_WAITLIST = int(os.environ.get("DIGEST_LONG_WAITLIST") or 5)
    # Subscribing (POST /subscribe) per client address; it sends mail to the
    # address typed, so fewer than registrations.
    SUBSCRIPTION_RATE_LIMIT = os.environ.get("SUBSCRIPTION_RATE_LIMIT", "10 per minute;100 per hour")
    # Subscriptions never confirmed are forgotten after this many days.
    SUBSCRIPTION_CONFIRM_DAYS = int(os.environ.get("SUBSCRIPTION_CONFIRM_DAYS") or 7)
    # How many reverse proxies (load balancer, nginx) set X-Forwarded-For in
    # front of the app; 0 when clients connect directly.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES") or 0)

    WTF_CSRF_TIME_LIMIT = None  # a form left open at a sign-up desk still submits
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    # Thousands of accounts are made and signed in by the suite: a cheap hash
    # there (scrypt takes most of a login's time). Honoured only when TESTING
    # is on (events_app.accounts.models.password_hash_method).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
    SECRET_KEY = "test-secret-used-by-the-test-suite-only"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"))
    SITE_URL = "http://events.test"
    # Places left are shown fresh right after every registration (the grace
    # itself is tested on its own).
    PAGE_SEATS_GRACE_SECONDS = 0
    CALENDAR_VALIDATOR_SECONDS = 0  # every request sees the database as it is
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    # An error's log line never shows the values of the statement (names,
    # addresses, needs of the person whose request failed).
    SQLALCHEMY_ENGINE_OPTIONS = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        problem = secret_key_problem(cls.SECRET_KEY)
        if problem:
            raise RuntimeError(
                f"{problem}: production refuses to start without a strong SECRET_KEY"
                " (make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )


def config_from_environment() -> type[Config]:
    """`APP_ENV=production` selects ProductionConfig; anything else, Config."""
    if os.environ.get("APP_ENV", "").lower() == "production":
        return ProductionConfig
    return Config
