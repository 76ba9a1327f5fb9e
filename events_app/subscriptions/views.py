"""Subscribing to the weekly digest, and the subscription's own page behind its link."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import csrf, db, limiter, no_typed_address, typed_address_key
from ..httputil import private as _private
from ..timeutil import now_utc
from . import services
from .forms import ChoicesForm, SubscribeForm

bp = Blueprint("subscriptions", __name__)


def _subscription_limit() -> str:
    return current_app.config["SUBSCRIPTION_RATE_LIMIT"]




def _page(template: str, status: int = 200, **context):
    return _private(current_app.make_response((render_template(template, **context), status)))


def _options() -> dict:
    return {"councils": services.all_councils(db.session),
            "themes": services.all_themes(db.session)}


@bp.route("/subscribe", methods=["GET", "POST"])
@limiter.limit(_subscription_limit, methods=["POST"])
@limiter.limit(lambda: current_app.config["ADDRESS_MAIL_RATE_LIMIT"], methods=["POST"],
               key_func=typed_address_key, exempt_when=no_typed_address)
def subscribe():
    form = SubscribeForm(**_options())
    if not form.is_submitted():
        return render_template("subscriptions/subscribe.html", form=form)
    if not form.validate():
        return render_template("subscriptions/subscribe.html", form=form), 400
    choices = form.choices()
    for attempt in (1, 2):
        try:
            services.subscribe(db.session, now=now_utc(), **choices)
            db.session.commit()
            break
        except IntegrityError:
            # The same address sent twice at once: the other request made the
            # subscription; this one now finds it.
            db.session.rollback()
            if attempt == 2:
                raise
    # The same answer whether the address was new, waiting or subscribed:
    # whoever typed it learns nothing about the address's owner.
    return redirect(url_for(".check_mail"), 303)


@bp.get("/subscribe/check-your-mail")
def check_mail():
    return render_template("subscriptions/check_mail.html")


def _subscription_or_404(token: str):
    subscription = services.find_by_token(db.session, token)
    if subscription is None:
        abort(_page("subscriptions/unknown.html", 404))
    return subscription


@bp.get("/subscriptions/<token>/confirm")
def confirm_page(token: str):
    subscription = _subscription_or_404(token)
    if subscription.is_confirmed:
        return redirect(url_for(".detail", token=token), 303)
    # Confirming takes a button press: mail scanners open links, people press buttons.
    return _page("subscriptions/confirm.html", subscription=subscription, token=token)


@bp.post("/subscriptions/<token>/confirm")
def confirm(token: str):
    subscription = _subscription_or_404(token)
    if services.confirm(db.session, subscription, now_utc()):
        db.session.commit()
        flash(_("Thank you: your subscription is confirmed. The digest comes once a week."),
              "success")
    return redirect(url_for(".detail", token=token), 303)


@bp.route("/subscriptions/<token>", methods=["GET", "POST"])
def detail(token: str):
    subscription = _subscription_or_404(token)
    options = _options()
    if not subscription.is_confirmed:
        return _page("subscriptions/confirm.html", subscription=subscription, token=token)
    form = ChoicesForm(**options, data={
        "language": subscription.language,
        "is_language_only": subscription.is_language_only,
        "councils": [c.id for c in subscription.councils],
        "themes": [t.id for t in subscription.themes],
    })
    if form.is_submitted():
        if form.validate():
            services.update_choices(db.session, subscription, **form.choices())
            db.session.commit()
            flash(_("Your choices are saved."), "success")
            return redirect(url_for(".detail", token=token), 303)
        return _page("subscriptions/detail.html", 400, subscription=subscription, form=form,
                     token=token)
    return _page("subscriptions/detail.html", subscription=subscription, form=form, token=token)


@bp.get("/subscriptions/<token>/unsubscribe")
def confirm_unsubscribe(token: str):
    # Never unsubscribes: mail scanners follow links. The button POSTs.
    if not services.is_genuine(token):
        return _page("subscriptions/unknown.html", 404)
    subscription = services.find_by_token(db.session, token)
    if subscription is None:
        return _page("subscriptions/unsubscribed.html")
    return _page("subscriptions/unsubscribe.html", subscription=subscription, token=token)


# RFC 8058 one-click: a mail client POSTs `List-Unsubscribe=One-Click` to this
# address, with no session and no CSRF token. The signed token is what
# authorises it, and unsubscribing is all it can do.
@bp.post("/subscriptions/<token>/unsubscribe")
@csrf.exempt
def unsubscribe(token: str):
    if not services.is_genuine(token):
        return _page("subscriptions/unknown.html", 404)
    subscription = services.find_by_token(db.session, token)
    if subscription is not None:
        services.unsubscribe(db.session, subscription)
        db.session.commit()
    # Also when it was already gone: unsubscribing twice succeeds twice.
    return _page("subscriptions/unsubscribed.html")
