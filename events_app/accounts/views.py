"""Signing in and out, and the pages behind the password links."""
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter, login_manager, no_typed_address, typed_address_key
from ..httputil import private as _private
from ..i18n import current_language
from ..timeutil import now_utc
from . import services
from .forms import ForgotPasswordForm, LoginForm, SetPasswordForm

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    return services.load_user(db.session, user_id)


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


# Only the attempts count (POST): showing the form costs nothing.
rate_limited = limiter.limit(login_rate_limit, methods=["POST"])
# And per address typed, from wherever: guessing one account's password from
# many machines, or mailing one address resets, is limited too. The page
# says the same whether or not an account has the address.
per_account = limiter.limit(lambda: current_app.config["ACCOUNT_RATE_LIMIT"], methods=["POST"],
                            key_func=typed_address_key, exempt_when=no_typed_address)
per_address_mail = limiter.limit(lambda: current_app.config["ADDRESS_MAIL_RATE_LIMIT"],
                                 methods=["POST"], key_func=typed_address_key,
                                 exempt_when=no_typed_address)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirect)."""
    if not target or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _after_sign_in() -> str:
    return safe_next(request.args.get("next")) or url_for("manage.dashboard")


def _sign_in(user) -> None:
    # A fresh session for the signed-in person: nothing from before carries over.
    session.clear()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@rate_limited
@per_account
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_after_sign_in())
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data, now_utc())
        if user is not None:
            db.session.commit()
            _sign_in(user)
            return redirect(_after_sign_in())
        failed = True
    status = 200 if request.method == "GET" or failed else 400
    return render_template("accounts/login.html", form=form, failed=failed,
                           next_url=safe_next(request.args.get("next"))), status


@bp.post("/logout")
def logout():
    # Ends the account's sessions everywhere: a cookie copied from this
    # browser (a library's computer) must not open /manage afterwards.
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("events.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@rate_limited
@per_address_mail
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(db.session, form.email.data, now_utc(), current_language())
        db.session.commit()
        # The same page whether or not the address has an account.
        return render_template("accounts/forgot_sent.html")
    status = 200 if request.method == "GET" else 400
    return render_template("accounts/forgot.html", form=form), status


def _set_password_page(token: str, purpose: str, template: str):
    user = services.user_for_token(db.session, token, purpose, now_utc())
    if user is None:
        return render_template("accounts/link_invalid.html", purpose=purpose), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data)
        db.session.commit()
        _sign_in(user)
        if purpose == services.INVITATION:
            flash(gettext("Welcome! Your password is set and you are signed in."), "info")
        else:
            flash(gettext("Your password has been changed and you are signed in."), "info")
        return redirect(url_for("manage.dashboard"))
    status = 200 if request.method == "GET" else 400
    return render_template(template, form=form, user=user), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@rate_limited
def reset_password(token: str):
    return _set_password_page(token, services.PASSWORD_RESET, "accounts/reset.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@rate_limited
def accept_invitation(token: str):
    return _set_password_page(token, services.INVITATION, "accounts/invitation.html")


@bp.after_request
def keep_tokens_private(response):
    # A link's token is in the address and the page names the account: no
    # other site may see it as a referrer, no cache (a shared computer's
    # browser, a proxy) may keep it.
    if request.endpoint in ("accounts.reset_password", "accounts.accept_invitation"):
        _private(response)
    return response

