from flask import Blueprint, abort, render_template

from ..extensions import db
from ..pagecache import cached_page
from ..timeutil import now_utc
from . import services
from .attendance import keep

bp = Blueprint("councils", __name__)


@bp.get("/councils")
@cached_page
def index():
    return render_template("councils/index.html", councils=services.list_councils(db.session))


@bp.get("/councils/<slug>")
@cached_page
def detail(slug: str):
    page = services.council_page(db.session, slug, now_utc())
    if page is None:
        abort(404)
    body = render_template("councils/detail.html", page=page)
    keep(db.session)  # the attendance figures counted, for the next page
    return body


@bp.get("/recommendations/<code>")
@cached_page
def recommendation(code: str):
    page = services.recommendation_page(db.session, code, now_utc())
    if page is None:
        abort(404)
    body = render_template("councils/recommendation.html", page=page)
    keep(db.session)
    return body
