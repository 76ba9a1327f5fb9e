"""Community Events: the LMLIP's community meetings, neighbourhood events and workshops."""
import logging
import os
from pathlib import Path

from flask import Flask, abort, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from config import Config, ProductionConfig, config_from_environment, secret_key_problem

from .extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object: type[Config] | None = None) -> Flask:
    """Build the application; `config_object` defaults to the environment's choice."""
    config_object = config_object or config_from_environment()
    if issubclass(config_object, ProductionConfig):
        config_object.check()

    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(config_object)
    configure_secret_key(app)
    configure_database(app)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["SITE_TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


SECRET_KEY_FILE = "secret_key"


def configure_secret_key(app: Flask) -> None:
    """Every signature (sessions, forms, personal links) needs a key nobody else knows.

    Without SECRET_KEY, development reads instance/secret_key, made with
    random bits on the first run (`make run`), so no two installations share
    a key; production never gets there (ProductionConfig.check). Outside the
    tests a weak key stops the app.
    """
    if app.testing:
        return
    if not app.config.get("SECRET_KEY"):  # never in production: see ProductionConfig.check
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path) / SECRET_KEY_FILE)
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem:
        raise RuntimeError(f"{problem}: set a strong SECRET_KEY (32 characters or more, random).")


def _instance_secret_key(path: Path) -> str:
    import secrets

    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: two processes starting at once keep the first one's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def configure_database(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'events.db'}"
        )
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers wait for each other instead of failing with "database is locked".
        options.setdefault("connect_args", {"timeout": 30})
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A bounded wait: a silent database gives a 503, never a hung request.
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("connect_timeout", app.config.get("DATABASE_CONNECT_TIMEOUT") or 5)
        statement_ms = int(app.config.get("DATABASE_STATEMENT_TIMEOUT") or 0) * 1000
        if statement_ms:
            connect_args.setdefault("options", f"-c statement_timeout={statement_ms}")
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every model known to the metadata)
    # Imported here: `events_app.mail`, the package, takes the name at module level.
    from .extensions import mail
    from .i18n import install_template_gettext, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_security_headers(app)
    from . import logredact

    logredact.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # flashed as plain text, in the reader's language
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        # The client's address and scheme from X-Forwarded-* set by that
        # many proxies in front of the app (for rate limits and links).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            from .dbutil import configure_sqlite

            configure_sqlite(db.engine)


# Everything a page loads comes from this site: no inline script or style,
# no other origin; no site may frame a page (the embeddable list, /embed/events, opts
# out on its own route).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()",
                      "payment": "()", "browsing-topics": "()"}


def init_security_headers(app: Flask) -> None:
    """CSP, X-Frame-Options, nosniff, Referrer- and Permissions-Policy on
    every response; HSTS under the production settings.

    HTTPS itself is the reverse proxy's (TLS ends there), so the app does not
    redirect; Referrer-Policy is no-referrer everywhere: personal links
    (/r/<token>, password links) must never reach another site.
    """
    from .extensions import talisman

    production = bool(app.config.get("SESSION_COOKIE_SECURE"))
    talisman.init_app(
        app,
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="no-referrer",
        permissions_policy=PERMISSIONS_POLICY,
        strict_transport_security=production,
        session_cookie_secure=production,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )
    if production:
        @app.after_request
        def strict_transport_security(response):
            # Talisman writes HSTS on requests it sees as HTTPS; behind a
            # proxy without TRUSTED_PROXIES it would see HTTP: say it anyway.
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31556926; includeSubDomains")
            return response


def register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .api.views import bp as api_bp
    from .atom.views import bp as atom_bp
    from .embed.views import bp as embed_bp
    from .councils.views import bp as councils_bp
    from .events.views import bp as events_bp
    from .health import bp as health_bp
    from .ical.views import bp as ical_bp
    from .manage import bp as manage_bp
    from .registrations.views import bp as registrations_bp
    from .reports.public_views import bp as reports_bp
    from .subscriptions.views import bp as subscriptions_bp

    # ical first: /events/<slug>.ics is its, not the event page's.
    app.register_blueprint(ical_bp)
    app.register_blueprint(atom_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(councils_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(subscriptions_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(manage_bp, url_prefix="/manage")


def register_template_helpers(app: Flask) -> None:
    from . import pagecache, templating

    from .i18n import remember_locale

    templating.init_app(app)
    pagecache.init_app(app)
    app.after_request(remember_locale)


def register_errorhandlers(app: Flask) -> None:
    from .api.views import http_problem, is_api_request

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code >= 500:
            db.session.rollback()
        if is_api_request():
            return http_problem(error if isinstance(error, HTTPException) else InternalServerError())
        template = "errors/404.html" if code == 404 else "errors/error.html"
        return render_template(template, code=code, error=error), code

    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, render_error)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def form_expired(error):
        # A form kept open past a session's end, or a page from another site.
        return render_template("errors/error.html", code=400, error=error, form_expired=True), 400

    @app.before_request
    def refuse_nul_in_path():
        # No slug or code holds a NUL byte, and PostgreSQL refuses one in a
        # query parameter: answer "not found" before asking the database.
        if "\x00" in request.path:
            abort(404)

    @app.before_request
    def refuse_what_no_form_sends():
        # No form of this site uploads a file: a text field sent as a file
        # part would reach a validator that expects text. A NUL byte is in
        # no search a person types, and PostgreSQL refuses it in a query
        # (in forms, every text field's filter drops it: `registrations.forms.clean`).
        if request.method in ("POST", "PUT", "PATCH") and request.files:
            abort(400)
        if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
            abort(400)


def register_commands(app: Flask) -> None:
    from .demo import seed_cli
    from .devhint import hint_command
    from .accounts.cli import users_cli
    from .mail.cli import mail_cli
    from .registrations.cli import registrations_cli
    from .reminders.cli import reminders_cli
    from .subscriptions.cli import digests_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(registrations_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(digests_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(hint_command)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
