from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from ..councils.models import SubCouncil, Theme
from ..extensions import db
from ..i18n import event_language_codes, language_name
from ..ical import services as ical_services
from ..pagecache import cached_page
from ..registrations import services as registration_services
from ..registrations.forms import RegistrationForm
from ..timeutil import now_utc, site_zone
from . import recurrence, services
from .forms import EventFilterForm

bp = Blueprint("events", __name__)


@bp.app_template_global()
def event_recurrence(event):
    """For the event page: how the event repeats, in words, and its next dates."""
    return recurrence.recurrence(event, now_utc())


@bp.get("/")
@cached_page
def home():
    now = now_utc()
    return render_template(
        "events/home.html",
        meetings=services.upcoming_community_meetings(db.session, now),
        days=services.events_by_day(db.session, now, current_app.config["HOME_DAYS_AHEAD"]),
    )


@bp.get("/events")
@cached_page
def index():
    form = EventFilterForm(formdata=request.args)
    form.set_choices(
        db.session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)),
        db.session.scalars(select(Theme).order_by(Theme.position)),
        [(code, language_name(code)) for code in event_language_codes()],
    )
    valid = form.validate()
    filters = services.EventFilter()
    if valid:
        filters = services.EventFilter(
            council=form.council.data or None,
            theme=form.theme.data or None,
            kind=form.kind.data or None,
            from_date=form.from_.data,
            language=form.language.data or None,
            words=services.search_words(form.q.data),
        )
    page = services.find_events(
        db.session,
        now_utc(),
        filters,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["EVENTS_PER_PAGE"],
    )
    return render_template("events/index.html", form=form, page=page), 200 if valid else 400


@bp.get("/events/<slug>")
@cached_page
def detail(slug: str):
    event = services.get_public_event(db.session, slug)
    if event is None:
        abort(404)
    return event_page(event)


def event_page(event, form: RegistrationForm | None = None, error: str | None = None,
               status: int = 200):
    """The event page; with the registration form as submitted when it was refused."""
    now = now_utc()
    try:
        registration_services.check_open(event, now)
        closed_reason = None
    except registration_services.RegistrationError as reason:
        closed_reason = reason.message
    return render_template(
        "events/detail.html",
        event=event,
        now=now,
        calendar_links=ical_services.calendar_links(event, current_app.config["SITE_URL"], site_zone()),
        # The blank form has no token of its own: the page (cached for every
        # reader) gets each reader's CSRF token when served (pagecache).
        form=form or RegistrationForm(event, formdata=None, meta={"csrf": False}),
        registration_error=error,
        closed_reason=closed_reason,
        seats=registration_services.seats(db.session, [event, *event.public_sessions]),
    ), status
