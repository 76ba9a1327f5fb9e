"""The people registered for an event: the list, the CSV, the door (check-in),
and what staff do on someone's behalf. Routes on the /manage blueprint.

Each route loads its event with `event_or_403` (a chair only for their
Sub-councils' events, admins for all) and then only a registration of that
event: an id from another event is a 404.
"""
from flask import (
    abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user

from ..extensions import db
from ..templating import stream_page
from ..timeutil import now_utc
from . import registrant_services as services
from .permissions import event_or_403
from ..registrations.notifications import Texts
from .registrant_forms import AttendForm, ConfirmForm, MoveForm, WalkInForm, message_form
from .services import ManageError
from .views import bp


def _search() -> str:
    return (request.args.get("q") or "").strip()[:services.SEARCH_LENGTH]


def _registration_or_404(event, registration_id: int):
    registration = services.registration_of(db.session, event, registration_id)
    if registration is None:
        abort(404)
    return registration


@bp.get("/events/<slug>/registrants")
def registrants(slug: str):
    event = event_or_403(slug)
    listing = services.registrant_list(db.session, event, _search(), stream=True)
    return stream_page("manage/registrants/list.html", "manage/registrants/_rows.html",
                       listing.rows, event=event, listing=listing,
                       status_name=services.status_name)


@bp.get("/events/<slug>/registrants.csv")
def registrants_csv(slug: str):
    event = event_or_403(slug)
    listing = services.registrant_list(db.session, event, _search(), stream=True)
    response = current_app.response_class(stream_with_context(services.registrants_csv(listing)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrants.csv"'
    return response


@bp.route("/events/<slug>/registrants/new", methods=["GET", "POST"])
def walk_in(slug: str):
    event = event_or_403(slug)
    form = WalkInForm(event)
    if form.validate_on_submit():
        now = now_utc()
        day = services.check_in_day(services.check_in_days(event, now), None)
        try:
            registration = services.add_walk_in(
                db.session, event, actor=current_user, now=now, day=day, window=_window(event, day),
                name=form.name.data, email=form.email.data, consent=form.consent.data,
                attended=form.attended.data, phone=form.phone.data,
                preferred_language=form.preferred_language.data,
                interpretation_language=form.interpretation_language.data,
                accessibility_needs=form.accessibility_needs.data,
                childcare_needs=form.childcare_needs.data,
                session_ids=form.sessions.data or [],
            )
        except ManageError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            status = registration.status
            db.session.commit()
            flash(gettext("%(name)s is registered (%(status)s).", name=registration.name,
                          status=services.status_name(status)), "success")
            return redirect(url_for("manage.registrants", slug=event.slug,
                                    _anchor=f"r-{registration.id}"), 303)
    return render_template("manage/registrants/walk_in.html", event=event, form=form)


@bp.route("/events/<slug>/registrants/<int:registration_id>/cancel", methods=["GET", "POST"])
def cancel_registrant(slug: str, registration_id: int):
    event = event_or_403(slug)
    registration = _registration_or_404(event, registration_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        name = registration.name
        try:
            promoted = services.cancel_on_behalf(db.session, registration, actor=current_user,
                                                 now=now_utc())
        except services.registrations.RegistrationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            message = gettext("The registration of %(name)s is cancelled; they have been told by e-mail.",
                              name=name)
            if promoted:
                message += " " + ngettext(
                    "%(num)d person on the waitlist got the place.",
                    "%(num)d people on the waitlist got places.", len(promoted))
            flash(message, "success")
        return redirect(url_for("manage.registrants", slug=event.slug), 303)
    if registration.is_cancelled:
        return redirect(url_for("manage.registrants", slug=event.slug), 303)
    return render_template("manage/registrants/cancel.html", event=event,
                           registration=registration, form=form,
                           status_name=services.status_name)


@bp.route("/events/<slug>/registrants/<int:registration_id>/move", methods=["GET", "POST"])
def move_registrant(slug: str, registration_id: int):
    event = event_or_403(slug)
    pick = services.pick_of(db.session, event, registration_id)
    if pick is None:
        abort(404)
    choices = [s for s in services.session_choices(pick.event) if s.id != pick.event_id]
    form = MoveForm(choices)
    if form.validate_on_submit():
        target = next(s for s in choices if s.slug == form.to_session.data)
        name, from_title = pick.name, pick.event.localized("title")
        try:
            moved = services.move_pick(db.session, pick, target, actor=current_user, now=now_utc())
        except ManageError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            status = moved.status
            db.session.commit()
            flash(gettext("%(name)s is moved from “%(from)s” to “%(to)s” (%(status)s); they have "
                          "been told by e-mail.", name=name, to=target.localized("title"),
                          status=services.status_name(status), **{"from": from_title}), "success")
            return redirect(url_for("manage.registrants", slug=event.slug), 303)
    return render_template("manage/registrants/move.html", event=event, pick=pick, form=form,
                           status_name=services.status_name)


@bp.post("/events/<slug>/registrants/<int:registration_id>/attend")
def attend(slug: str, registration_id: int):
    event = event_or_403(slug)
    registration = _registration_or_404(event, registration_id)
    form = AttendForm()
    query = (form.q.data or "").strip()[:services.SEARCH_LENGTH]
    if not form.validate():
        abort(400)
    day = services.parse_day(form.day.data)  # set_attended refuses one not of the event's
    try:
        services.set_attended(db.session, registration, form.attended.data == "1",
                              actor=current_user, now=now_utc(), day=day,
                              window=_window(event, day), admit=form.admit.data == "1")
    except ManageError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    return redirect(url_for("manage.check_in", slug=event.slug, q=query or None,
                            day=day.isoformat() if day else None,
                            _anchor=f"r-{registration.id}"), 303)


def _window(event, day):
    return services.check_in_window(
        event, day, opens_minutes=current_app.config["CHECK_IN_OPENS_MINUTES"],
        closes_minutes=current_app.config["CHECK_IN_CLOSES_MINUTES"])


@bp.get("/events/<slug>/check-in")
def check_in(slug: str):
    event = event_or_403(slug)
    now = now_utc()
    listing = services.registrant_list(db.session, event, _search(), active_only=True)
    days = services.check_in_days(event, now)
    day = services.check_in_day(days, request.args.get("day"))
    attended, attended_count = services.attendance(db.session, event, day, listing)
    window = _window(event, day)
    return render_template(
        "manage/checkin.html", event=event, listing=listing, day=day, days=days, attended=attended,
        attended_count=attended_count, status_name=services.status_name, window=window,
        window_open=window is not None and window.is_open(now), now=now,
    )


@bp.route("/events/<slug>/message", methods=["GET", "POST"])
def message_registrants(slug: str):
    event = event_or_403(slug)
    form = message_form()()
    if request.method == "GET":
        form.language.data = event.language
    form.setup_languages()
    if form.validate_on_submit():
        original = form.language.data
        count = services.message_registrants(
            db.session, event, actor=current_user, now=now_utc(),
            subject=Texts(form.texts_by_language("subject"), original),
            body=Texts(form.texts_by_language("body"), original), audience=form.audience.data)
        db.session.commit()
        flash(ngettext("The message is on its way to %(num)d person.",
                       "The message is on its way to %(num)d people.", count), "success")
        return redirect(url_for("manage.registrants", slug=event.slug), 303)
    return render_template(
        "manage/registrants/message.html", event=event, form=form,
        counts=services.counts(db.session, [event])[event.id],
    )
