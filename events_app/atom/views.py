"""Atom feeds over HTTP: `/feeds/events.atom` and one per Sub-council, theme,
kind and language, like the calendar feeds.

Which events, and the validator (ETag, Last-Modified, 304 without building),
come from the calendar feeds' services; the bytes are kept in the same
in-process cache under the Atom validator.
"""
import hashlib

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _

from ..extensions import db
from ..httputil import GZIP, gzipped, wants_gzip
from ..i18n import select_locale
from ..ical import services
from ..ical.services import Scope, Validator
from ..timeutil import now_utc, site_zone
from .builders import ATOM_FORMAT_VERSION, build_atom

bp = Blueprint("atom", __name__)

ATOM = "application/atom+xml"
# Feed readers poll; caches in between may keep a feed five minutes.
MAX_AGE = 300


def _not_found() -> Response:
    # A feed reader shows this text to whoever subscribed, not an HTML page.
    every_feed = _("All calendars: %(url)s", url=services.absolute_url(
        current_app.config["SITE_URL"], "ical.subscribe"))
    return Response(f"{_('There is no such feed.')}\n{every_feed}\n", status=404, mimetype="text/plain")


def _atom_validator(validator: Validator) -> Validator:
    etag = hashlib.sha256(f"atom:{ATOM_FORMAT_VERSION}:{validator.etag}".encode()).hexdigest()[:40]
    return Validator(etag, validator.last_modified)


def _serve(scope: Scope, key: str | None = None) -> Response:
    now = now_utc()
    site_url = current_app.config["SITE_URL"]
    language = select_locale()
    found = services.current_feed(db.session, scope, key, now, language, site_url)
    if found is None:
        return _not_found()
    feed, calendar_validator = found
    atom_validator = _atom_validator(calendar_validator)
    compress = wants_gzip()
    validator = atom_validator.gzip if compress else atom_validator
    if request.if_none_match.contains(validator.etag) or (
            validator.last_modified is not None and request.if_modified_since is not None
            and not request.if_none_match and validator.last_modified <= request.if_modified_since):
        response = Response(status=304)
        del response.headers["Content-Type"]
        return _headers(response, validator)
    cache = services.body_cache()
    body = cache.get(atom_validator.etag)
    if body is None:
        endpoint, values = feed.endpoint
        page_values = {} if scope is Scope.ALL else {str(scope): key}
        body = build_atom(
            services.feed_events(db.session, feed, now), feed,
            feed_url=services.absolute_url(site_url, endpoint.replace("ical.", "atom."), **values,
                                           lang=language),
            page_url=services.absolute_url(site_url, "events.index", **page_values, lang=language),
            site_url=site_url, zone=site_zone())
        cache.put(atom_validator.etag, body)
    if not compress:
        return _headers(Response(body, mimetype=ATOM), validator)
    response = _headers(Response(gzipped(body, atom_validator.etag, cache), mimetype=ATOM), validator)
    response.headers["Content-Encoding"] = GZIP
    return response


def _headers(response: Response, validator: Validator) -> Response:
    response.headers["ETag"] = validator.etag_header
    if validator.last_modified is not None:
        response.headers["Last-Modified"] = validator.last_modified_header
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    # Feed readers on the web (and the immigration portal's pages) may read it.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/feeds/events.atom")
def all_feed():
    return _serve(Scope.ALL)


@bp.get("/feeds/councils/<slug>.atom")
def council_feed(slug: str):
    return _serve(Scope.COUNCIL, slug)


@bp.get("/feeds/themes/<slug>.atom")
def theme_feed(slug: str):
    return _serve(Scope.THEME, slug)


@bp.get("/feeds/kinds/<kind>.atom")
def kind_feed(kind: str):
    return _serve(Scope.KIND, kind)


@bp.get("/feeds/languages/<code>.atom")
def language_feed(code: str):
    return _serve(Scope.LANGUAGE, code)
