"""Calendar feeds, single-event files and the subscribe page, over HTTP.

The body of a calendar is exactly the builder's bytes (text/calendar, CRLF);
a feed goes gzipped, compressed once per build, to a client that asks for it
(with its own ETag), and never to one that does not. A conditional request whose validator still matches gets a
304 from one aggregate query (or none, while this process still trusts the
validator it read a moment ago), without the calendar being built. An unknown
feed or event is a plain-text 404: a calendar app shows that text, never an
HTML page, to whoever subscribed.
"""
from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from ..extensions import db
from ..httputil import GZIP, gzipped, wants_gzip
from ..i18n import current_language, select_locale
from ..timeutil import now_utc, site_zone
from . import services
from .services import Scope

bp = Blueprint("ical", __name__)

# Calendars poll; caches in between may keep a feed for five minutes.
MAX_AGE = 300


def _site_url() -> str:
    return current_app.config["SITE_URL"]


def _not_found(message: str) -> Response:
    every_feed = _("All calendars: %(url)s", url=services.absolute_url(_site_url(), "ical.subscribe"))
    return Response(f"{message}\n{every_feed}\n", status=404, mimetype="text/plain")


def _with_validators(response: Response, validator: services.Validator) -> Response:
    # Header values written out rather than through Werkzeug's parsed
    # properties (cache_control, vary): a 304 is little more than this.
    headers = response.headers
    headers["ETag"] = validator.etag_header  # strong: the bytes are the same for the same rows
    if validator.last_modified is not None:
        headers["Last-Modified"] = validator.last_modified_header
    headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # The calendar's name and labels are in the reader's language; feeds
    # come gzipped to a client that asks.
    headers["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    return response


def _unchanged(validator: services.Validator) -> bool:
    # A calendar app sends back the ETag it was given, as it was given.
    if request.environ.get("HTTP_IF_NONE_MATCH") == validator.etag_header:
        return True
    return not is_resource_modified(
        request.environ, etag=validator.etag, last_modified=validator.last_modified
    )


def _not_modified(validator: services.Validator) -> Response:
    response = Response(status=304)
    del response.headers["Content-Type"]
    return _with_validators(response, validator)


def _calendar(body: bytes, validator: services.Validator) -> Response:
    return _with_validators(Response(body, mimetype="text/calendar"), validator)


def _serve_feed(scope: Scope, key: str | None = None) -> Response:
    now = now_utc()
    # The language code itself: Flask-Babel's Locale is not needed to answer a 304.
    found = services.current_feed(db.session, scope, key, now, select_locale(), _site_url())
    if found is None:
        return _not_found(_("There is no such calendar."))
    feed, validator = found
    compress = wants_gzip()
    answered = validator.gzip if compress else validator
    if _unchanged(answered):
        return _not_modified(answered)
    body = services.feed_body(db.session, feed, now, validator, _site_url(), site_zone())
    if not compress:
        return _calendar(body, validator)
    response = _calendar(gzipped(body, validator.etag, services.body_cache()), answered)
    response.headers["Content-Encoding"] = GZIP
    return response


@bp.get("/calendar.ics")
def all_feed():
    return _serve_feed(Scope.ALL)


@bp.get("/calendar/councils/<slug>.ics")
def council_feed(slug: str):
    return _serve_feed(Scope.COUNCIL, slug)


@bp.get("/calendar/themes/<slug>.ics")
def theme_feed(slug: str):
    return _serve_feed(Scope.THEME, slug)


@bp.get("/calendar/kinds/<kind>.ics")
def kind_feed(kind: str):
    return _serve_feed(Scope.KIND, kind)


@bp.get("/calendar/languages/<code>.ics")
def language_feed(code: str):
    """Events held in, or interpreted into, one language (ISO 639: ar, es, zh …)."""
    return _serve_feed(Scope.LANGUAGE, code)


@bp.get("/events/<slug>.ics")
def event_file(slug: str):
    validator = services.current_event_validator(db.session, slug, select_locale(), _site_url())
    if validator is None:
        return _not_found(_("There is no such event."))
    if _unchanged(validator):
        return _not_modified(validator)
    body = services.event_body(db.session, slug, validator, _site_url(), site_zone())
    if body is None:  # unpublished between the two queries
        return _not_found(_("There is no such event."))
    response = _calendar(body, validator)
    response.headers.set("Content-Disposition", "attachment", filename=f"{slug}.ics")
    return response


@bp.get("/calendar")
def subscribe():
    return render_template(
        "ical/subscribe.html",
        groups=services.subscription_groups(db.session, _site_url(), current_language()),
    )


@bp.get("/calendar/r/<token>.ics")
def registrant_feed(token: str):
    """A registrant's own calendar: the events of one registration, or (with
    the token only mail carries) every event their address has a seat at.
    Private; it names the events, never the person."""
    from ..registrations import services as registrations

    found = registrations.find_calendar(db.session, token)
    if found is None:
        return _not_found(_("There is no such calendar."))
    registration, every_registration = found
    events = registrations.events_with_seats(db.session, registration, now_utc(),
                                             every_registration=every_registration)
    body = services.registrant_body(events, _site_url(), site_zone())
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
