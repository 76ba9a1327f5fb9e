"""Registering on the event page, and the registrant's own page behind their link."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..events import services as event_services
from ..events.views import event_page
from ..extensions import db, limiter, no_typed_address, typed_address_key
from ..httputil import private as _private
from ..timeutil import now_utc
from . import services
from .forms import RegistrationForm
from .notifications import organizer_address

bp = Blueprint("registrations", __name__)

# The session key holding the address just typed, for the "check your e-mail" page.
_TYPED = "registered"


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]




@bp.post("/events/<slug>/register")
@limiter.limit(_registration_limit)
# Each registration mails the address typed: at most a few per address,
# whoever sends them (the limit is counted in the shared limiter storage).
@limiter.limit(lambda: current_app.config["ADDRESS_MAIL_RATE_LIMIT"],
               key_func=typed_address_key, exempt_when=no_typed_address)
def register(slug: str):
    event = event_services.get_event_for_registration(db.session, slug)
    if event is None:
        abort(404)
    form = RegistrationForm(event)

    def refused(status: int, error: str | None = None):
        db.session.rollback()
        # The page with everything it shows, and the form as it was sent.
        return event_page(event_services.get_public_event(db.session, slug),
                          form=form, error=error, status=status)

    if not form.validate():
        return refused(400)
    person = form.person()
    try:
        services.register(db.session, event, now=now_utc(), **person)
        db.session.commit()
    except services.OverlappingSessions as error:
        form.sessions.errors = [error.message]
        return refused(400)
    except services.RegistrationError as error:
        return refused(409, error.message)
    # New or already registered, the answer is the same: the link to the
    # registration goes by mail to the address typed, so whoever typed it
    # learns nothing about its owner (issue 12, row 4). The page repeats the
    # address as it was typed, so that a mistake can be seen.
    # `slug`, not `event.slug`: the commit expired the event, and reading
    # it again would cost a query and a wide row for nothing.
    session[_TYPED] = {"slug": slug, "email": person["email"]}
    return redirect(url_for(".registered", slug=slug), 303)


@bp.get("/events/<slug>/registered")
def registered(slug: str):
    """"Check your e-mail": the one answer to every accepted registration."""
    event = event_services.get_public_event(db.session, slug)
    if event is None:
        abort(404)
    typed = session.pop(_TYPED, None)
    email = typed["email"] if isinstance(typed, dict) and typed.get("slug") == slug else None
    return _private(current_app.make_response(render_template(
        "registrations/registered.html", event=event, email=email)))


def _registration_or_404(token: str):
    registration = services.find_by_token(db.session, token)
    if registration is None:
        abort(_private(current_app.make_response(
            (render_template("registrations/unknown.html"), 404))))
    return registration


@bp.get("/r/<token>")
def detail(token: str):
    registration = _registration_or_404(token)
    now = now_utc()
    return _private(current_app.make_response(render_template(
        "registrations/detail.html",
        registration=registration,
        event=registration.event,
        token=token,
        now=now,
        position=services.waitlist_position(db.session, registration),
        picks=[(p, services.waitlist_position(db.session, p))
               for p in registration.session_registrations],
        can_cancel=registration.is_active and registration.event.start_dt > now,
    )))


@bp.get("/r/<token>/cancel")
def confirm_cancel(token: str):
    registration = _registration_or_404(token)
    if not registration.is_active:
        return redirect(url_for(".detail", token=token), 303)
    return _private(current_app.make_response(render_template(
        "registrations/cancel.html", registration=registration, event=registration.event,
        token=token,
    )))


@bp.post("/r/<token>/cancel")
def cancel(token: str):
    registration = _registration_or_404(token)
    try:
        services.cancel(db.session, registration, now_utc())
        db.session.commit()
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("Your registration is cancelled. Thank you for freeing your place."), "success")
    return redirect(url_for(".detail", token=token), 303)


@bp.get("/privacy")
def privacy():
    return render_template(
        "registrations/privacy.html",
        retention_days=current_app.config["REGISTRATION_RETENTION_DAYS"],
        contact=organizer_address(),
    )
