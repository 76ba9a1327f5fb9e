"""The chair and admin area, `/manage/…`: thin views over the services.

Every route here needs a signed-in user (`require_sign_in` runs before any
of them); each then checks the object it acts on through `permissions`.
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from ..events.models import STATUS_LABELS, EventStatus
from ..extensions import db
from ..timeutil import now_utc
from . import audit, services
from .event_services import owner_council_id
from .permissions import event_or_403

bp = Blueprint("manage", __name__)


@bp.before_request
@login_required
def require_sign_in():
    """Anonymous visitors are sent to /login?next=… before any view runs."""


@bp.after_request
def never_cache(response):
    # Pages for one signed-in person: no shared cache may keep them.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
def dashboard():
    return render_template(
        "manage/dashboard.html",
        board=services.dashboard(db.session, current_user, now_utc()),
    )


@bp.get("/events/<slug>")
def event(slug: str):
    event = event_or_403(slug)
    return render_template(
        "manage/event.html",
        event=event,
        status_label=STATUS_LABELS[EventStatus(event.status)],
        status_labels={str(status): label for status, label in STATUS_LABELS.items()},
        line=services.event_overview(db.session, event),
    )


@bp.post("/events/<slug>/publish")
def publish_event(slug: str):
    event = event_or_403(slug)
    now = now_utc()
    drafts = [session for session in event.sessions if session.status == EventStatus.DRAFT]
    try:
        services.publish_event(event, now)
        for published in [event, *drafts]:
            audit.record(db.session, actor=current_user, action="event.publish", target_type="event",
                         target_id=published.id, council_id=owner_council_id(published),
                         summary=published.title, before={"status": "draft"},
                         after={"status": "published"}, now=now)
    except services.ManageError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if drafts:
            flash(ngettext("The event is published, with its %(num)d session.",
                           "The event is published, with its %(num)d sessions.", len(drafts)), "info")
        else:
            flash(gettext("The event is published."), "info")
    return redirect(url_for("manage.event", slug=slug))

