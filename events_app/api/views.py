"""The public API over HTTP: `/api/v1/…` (JSON), its OpenAPI description
(`/api/v1/openapi.json`) and its documentation page (`/api`).

Every answer is public and the same for every reader of a language: it is
kept in the page cache (checked like the pages: the content version and the
place versions of the events it shows), carries an ETag made from its bytes, and answers a client that
sends that ETag back with a 304. Any origin may read it (CORS). Reads are
rate-limited per address (`API_RATE_LIMIT`), unlike page views.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import wraps

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import ngettext
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from ..extensions import db, limiter
from ..i18n import current_language, site_languages
from ..pagecache import Entry, lookup, render_recording_seats
from ..templating import list_separator
from ..timeutil import now_utc, site_zone
from . import schemas, services
from .openapi import Operation, document, readable_schemas

bp = Blueprint("api", __name__)

VERSION = "1.0.0"
PREFIX = "/api/v1"
JSON = "application/json"
PROBLEM = "application/problem+json"
# Clients and caches between may keep an answer this long (seconds).
MAX_AGE = 60

OPERATIONS: list[Operation] = []


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_rate_limit)(bp)


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, title: str, detail: str | None = None,
            errors: dict[str, str] | None = None) -> Response:
    body = schemas.Problem(status=status, title=title, detail=detail, errors=errors)
    response = Response(body.model_dump_json(exclude_none=True), status=status, mimetype=PROBLEM)
    response.headers["Cache-Control"] = "no-store"
    return response


def http_problem(error: HTTPException) -> Response:
    """An HTTP error under /api/v1 as problem details, not an HTML page."""
    response = problem(error.code or 500, error.name, error.description)
    if error.code == 405:
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    if error.code == 429:
        retry = getattr(error, "retry_after", None)
        if retry:
            response.headers["Retry-After"] = str(retry)
    return response


@bp.after_app_request
def cross_origin(response: Response) -> Response:
    """Any site may read the API (and fetch it with If-None-Match, which
    makes browsers ask first with OPTIONS)."""
    if is_api_request():
        headers = response.headers
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "If-None-Match, Accept-Language"
        headers["Access-Control-Expose-Headers"] = "ETag, Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
        headers["Access-Control-Max-Age"] = "86400"
    return response


def _parse(model: type[schemas.Query]) -> schemas.Query:
    args = request.args
    repeated = [name for name in args if len(args.getlist(name)) > 1]
    if repeated:
        raise services.BadQuery({name: "given more than once" for name in repeated})
    try:
        query = model.model_validate(args.to_dict())
    except ValidationError as error:
        raise services.BadQuery({
            str(problem_["loc"][0]) if problem_["loc"] else "query": problem_["msg"]
            for problem_ in error.errors(include_url=False)
        }) from None
    if query.lang is not None and query.lang not in site_languages():
        raise services.BadQuery({"lang": "one of " + ", ".join(site_languages())})
    return query


def _etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]  # strong: the same bytes


def _answer(entry: Entry) -> Response:
    if request.if_none_match.contains(entry.etag):
        response = Response(status=304)
        del response.headers["Content-Type"]
    else:
        response = Response(entry.body, status=entry.status, mimetype=entry.mimetype)
    response.set_etag(entry.etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def api_operation(rule: str, *, name: str, summary: str, description: str,
                  answer: type[BaseModel], query: type[schemas.Query] = schemas.Query,
                  path_parameters: dict | None = None, tag: str = "events"):
    """Declare a GET operation: its route, its OpenAPI description and its
    answer's model, once. The view gets the parsed query and returns the
    answer (a model) or None for "not found"."""
    path_parameters = path_parameters or {}
    path = PREFIX + rule
    for parameter in path_parameters:
        path = path.replace(f"<{parameter}>", "{" + parameter + "}")
    OPERATIONS.append(Operation(path, name, summary, description, answer, query, path_parameters, tag))

    def decorator(view):
        @wraps(view)
        def endpoint(**kwargs):
            try:
                parsed = _parse(query)
            except services.BadQuery as bad:
                return problem(400, "Bad query", "A parameter is not understood.", bad.errors)
            cache = current_app.extensions["page_cache"]
            key = (request.endpoint, request.full_path, current_language())
            now = now_utc()
            entry, version = lookup(cache, key, now)
            if entry is None:
                try:
                    found, seats = render_recording_seats(lambda: view(parsed, **kwargs))
                except services.UnknownFilter as unknown:
                    return problem(404, "Not found", "No Sub-council or theme has this slug.", unknown.errors)
                except services.BadQuery as bad:
                    return problem(400, "Bad query", "A parameter is not understood.", bad.errors)
                if found is None:
                    return problem(404, "Not found", "There is no such thing.")
                body = found.model_dump_json().encode()
                lifetime = timedelta(seconds=current_app.config["PAGE_CACHE_SECONDS"])
                entry = Entry((version[0], seats.version), now + lifetime, now, body, 200, JSON,
                              _etag(body), tuple(sorted(seats.ids)))
                if lifetime > timedelta(0):
                    cache.put(key, entry)
            return _answer(entry)

        bp.add_url_rule(PREFIX + rule, endpoint=name, view_func=endpoint, methods=["GET"])
        return endpoint

    return decorator


def _context():
    language = current_language()
    return language, site_zone(), services.Links(current_app.config["SITE_URL"], language)


SLUG = ("Its slug, as in its page's address.", {"type": "string", "pattern": schemas.SLUG})


@api_operation(
    "/events", name="events", answer=schemas.EventList, query=schemas.EventQuery,
    summary="Events, soonest first",
    description="Published and cancelled events that have not ended (or from the day `from`), "
                "each date of a repeating event as an item of its own; sessions are in their "
                "meeting (see one event). Follow `next` for the next page.")
def events(query: schemas.EventQuery):
    language, zone, links = _context()
    args = {name: value for name, value in request.args.items() if name != "cursor"}

    def next_url(cursor: str) -> str:
        return links.url("api.events", **args, cursor=cursor)

    return services.event_list(db.session, query, now_utc(), language, zone, links, next_url)


@api_operation(
    "/events/<slug>", name="event", answer=schemas.EventDetail, path_parameters={"slug": SLUG},
    summary="One event, with its sessions",
    description="A published or cancelled event (or session): where, when, places left, "
                "how to register, the recommendations it acts on and, for a community "
                "meeting, its sessions.")
def event(_query, slug: str):
    language, zone, links = _context()
    return services.event_detail(db.session, slug, now_utc(), language, zone, links)


@api_operation(
    "/councils", name="councils", answer=schemas.CouncilList, tag="partnership",
    summary="The Sub-councils",
    description="Each Sub-council with the addresses of its events, calendar and feed.")
def councils(_query):
    language, _zone, links = _context()
    return services.council_list(db.session, language, links)


@api_operation(
    "/themes", name="themes", answer=schemas.ThemeList, tag="partnership",
    summary="The partnership's themes",
    description="The overarching themes and their intended outcomes.")
def themes(_query):
    language, _zone, links = _context()
    return services.theme_list(db.session, language, links)


@api_operation(
    "/recommendations", name="recommendations", answer=schemas.RecommendationList,
    query=schemas.RecommendationQuery, tag="partnership",
    summary="The Sub-councils' recommendations",
    description="Every recommendation with where it stands and the events that acted on it.")
def recommendations(query: schemas.RecommendationQuery):
    language, zone, links = _context()
    return services.recommendation_list(db.session, query, language, zone, links)


@api_operation(
    "/recommendations/<code>", name="recommendation", answer=schemas.Recommendation, tag="partnership",
    path_parameters={"code": ("Its code, e.g. HW-1.", {"type": "string", "maxLength": 20})},
    summary="One recommendation",
    description="A recommendation, where it stands and the events that acted on it.")
def recommendation(_query, code: str):
    language, zone, links = _context()
    return services.recommendation_detail(db.session, code, language, zone, links)


def _description() -> dict:
    return document(OPERATIONS, site_url=current_app.config["SITE_URL"],
                    languages=list(site_languages()), version=VERSION,
                    examples=services.examples(db.session, now_utc()))


@bp.get(PREFIX + "/openapi.json")
def openapi():
    spec = _description()
    response = current_app.json.response(spec)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@bp.get(PREFIX)
@bp.get(PREFIX + "/<path:_anything>")
def unknown(_anything: str = ""):
    return problem(404, "Not found", "There is no such address in this API: see " +
                   url_for("api.openapi"))


def rate_limit_text(setting: str) -> str:
    """`API_RATE_LIMIT` in the reader's language: "300 requests a minute, 5,000 an hour"."""
    from limits import parse_many

    words = {
        "second": lambda n: ngettext("%(num)d request a second", "%(num)d requests a second", n),
        "minute": lambda n: ngettext("%(num)d request a minute", "%(num)d requests a minute", n),
        "hour": lambda n: ngettext("%(num)d request an hour", "%(num)d requests an hour", n),
        "day": lambda n: ngettext("%(num)d request a day", "%(num)d requests a day", n),
    }
    try:
        items = parse_many(setting)
    except ValueError:
        return setting
    if any(item.multiples != 1 or item.GRANULARITY.name not in words for item in items):
        return setting  # "5 per 2 minutes": said as configured
    return list_separator().join(
        words[item.GRANULARITY.name](item.amount) for item in items)


@bp.get("/api")
def documentation():
    """The API's documentation page, made from the same description."""
    spec = _description()
    return render_template("api/documentation.html", spec=spec, schemas=readable_schemas(spec),
                           rate_limit=rate_limit_text(current_app.config["API_RATE_LIMIT"]))
