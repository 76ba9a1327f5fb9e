"""Scheduling under /manage: create, edit, sessions, duplicate, cancel; the audit log.

Routes on the chair and admin blueprint (`views.bp`, signed-in users only).
A route about one event loads it with `event_or_403`; the services check
what the form picked (Sub-council, recommendations) against the same rules.
Each route commits once, after the service has written the change, its
audit entry and the registrants' mail.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..councils.models import SubCouncil
from ..events.models import EventKind
from ..extensions import db
from ..timeutil import now_utc, to_local
from . import audit
from . import event_services as services
from .event_forms import AuditFilterForm, add_error, cancel_form, event_form
from .permissions import event_or_403, is_admin
from .views import bp


def _apply_field_error(form, error: services.FieldError) -> None:
    name = error.field if error.field in form else None
    if name is None:
        flash(str(error.message), "error")
    else:
        add_error(form, name, error.message)


def _render_form(form, *, event=None, parent=None, status=200):
    return render_template(
        "manage/events/form.html", form=form, event=event, parent=parent,
    ), status


def _flash_outcome(outcome: services.Outcome, done: str) -> None:
    flash(done, "info")
    if outcome.notified:
        flash(ngettext("%(num)d registrant was told by e-mail.",
                       "%(num)d registrants were told by e-mail.", outcome.notified), "info")
    if outcome.promoted:
        flash(ngettext("%(num)d person moved from the waitlist to a confirmed place.",
                       "%(num)d people moved from the waitlist to a confirmed place.",
                       outcome.promoted), "info")
    for warning in outcome.warnings:
        flash(warning, "warning")


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    form = event_form()()
    form.setup(db.session, current_user)
    if request.method == "GET":
        kind = request.args.get("kind")
        if kind in {k.value for k in EventKind}:
            form.kind.data = kind
        return _render_form(form)
    if form.validate_on_submit():
        values = form.to_values(db.session)
        if values is not None:
            try:
                outcome = services.create_event(db.session, current_user, values, now_utc())
            except services.FieldError as error:
                db.session.rollback()
                _apply_field_error(form, error)
            else:
                db.session.commit()
                _flash_outcome(outcome, gettext("The event is saved."))
                return redirect(url_for("manage.event", slug=outcome.event.slug), 303)
    return _render_form(form, status=400)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit_event(slug: str):
    event = event_or_403(slug)
    form = event_form()()
    form.setup(db.session, current_user, event=event)
    if request.method == "GET":
        form.fill_from(event)
        return _render_form(form, event=event)
    if form.validate_on_submit():
        values = form.to_values(db.session, event=event)
        if values is not None:
            try:
                outcome = services.update_event(db.session, current_user, event, values, now_utc())
            except services.FieldError as error:
                db.session.rollback()
                _apply_field_error(form, error)
            else:
                db.session.commit()
                _flash_outcome(outcome, gettext("Your changes are saved."))
                return redirect(url_for("manage.event", slug=outcome.event.slug), 303)
    return _render_form(form, event=event, status=400)


@bp.route("/events/<slug>/sessions/new", methods=["GET", "POST"])
def new_session(slug: str):
    meeting = event_or_403(slug)
    if meeting.kind != EventKind.COMMUNITY_MEETING or meeting.parent_id is not None:
        abort(404)
    form = event_form()()
    form.setup(db.session, current_user, parent=meeting)
    if request.method == "GET":
        form.kind.data = EventKind.WORKSHOP.value
        start, end = meeting.start_dt, meeting.end_dt
        form.start_date.data = to_local(start).date().isoformat()
        form.start_time.data = to_local(start).strftime("%H:%M")
        form.end_time.data = to_local(end).strftime("%H:%M")
        form.status.data = meeting.status if meeting.status != "cancelled" else "draft"
        # What a session usually shares with its meeting, as defaults to change.
        form.venue.data = str(meeting.venue_id) if meeting.venue_id else ""
        form.online_url.data = meeting.online_url or ""
        form.languages.data = ", ".join(meeting.languages or ["en"])
        form.themes.data = [t.id for t in meeting.themes]
        return _render_form(form, parent=meeting)
    if form.validate_on_submit():
        values = form.to_values(db.session, parent=meeting)
        if values is not None:
            try:
                outcome = services.create_event(db.session, current_user, values, now_utc(),
                                                parent=meeting)
            except services.FieldError as error:
                db.session.rollback()
                _apply_field_error(form, error)
            else:
                db.session.commit()
                _flash_outcome(outcome, gettext("The session is saved."))
                return redirect(url_for("manage.event", slug=meeting.slug), 303)
    return _render_form(form, parent=meeting, status=400)


@bp.post("/events/<slug>/duplicate")
def duplicate_event(slug: str):
    event = event_or_403(slug)
    clone = services.duplicate_event(db.session, current_user, event, now_utc())
    db.session.commit()
    flash(gettext("This is a copy of the event, as a draft. Change the dates and publish it when ready."),
          "info")
    return redirect(url_for("manage.edit_event", slug=clone.slug), 303)


@bp.route("/events/<slug>/cancel", methods=["GET", "POST"])
def cancel_event(slug: str):
    event = event_or_403(slug)
    form = cancel_form()()
    if request.method == "GET":
        form.language.data = event.language
    form.setup_languages()
    if event.is_cancelled:
        flash(gettext("This event is already cancelled."), "info")
        return redirect(url_for("manage.event", slug=slug), 303)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                outcome = services.cancel_event(db.session, current_user, event,
                                                form.texts_by_language("reason"), now_utc(),
                                                language=form.language.data)
            except services.FieldError as error:
                db.session.rollback()
                _apply_field_error(form, error)
            except services.ManageError as error:
                db.session.rollback()
                flash(str(error.message), "error")
                return redirect(url_for("manage.event", slug=slug), 303)
            else:
                db.session.commit()
                _flash_outcome(outcome, gettext("The event is cancelled."))
                return redirect(url_for("manage.event", slug=slug), 303)
        status = 400
    confirmed, waitlisted = services.registrant_counts(db.session, event)
    return render_template("manage/events/cancel.html", form=form, event=event,
                           confirmed=confirmed, waitlisted=waitlisted), status


@bp.get("/audit")
def audit_log():
    form = AuditFilterForm(request.args)
    actions, types = audit.known_values(db.session, current_user)
    form.action.choices = [SelectChoice("", gettext("All"))] + [SelectChoice(a, a) for a in actions]
    form.target_type.choices = [SelectChoice("", gettext("All"))] + [SelectChoice(t, t) for t in types]
    admin = is_admin(current_user)
    councils = services.council_choices(db.session, current_user)
    form.council.choices = [SelectChoice("", gettext("All"))] + [SelectChoice(str(c.id), c.localized("name")) for c in councils]
    date_from, date_to = form.dates()
    council_id = int(form.council.data) if (form.council.data or "").isdigit() else None
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    page = max(1, min(page, 10**6))
    filters = audit.AuditFilter(
        action=form.action.data or None,
        target_type=form.target_type.data or None,
        council_id=council_id,
        date_from=date_from,
        date_to=date_to,
    )
    found = audit.entries(db.session, current_user, filters, page)
    council_names = {c.id: c.localized("name") for c in db.session.scalars(db.select(SubCouncil))}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("manage/audit.html", form=form, page=found, is_admin=admin,
                           council_names=council_names, args=args)
