from flask import Blueprint, abort, render_template

from ..extensions import db
from ..timeutil import now_utc
from . import services

bp = Blueprint("councils", __name__)


@bp.get("/councils")
def index():
    return render_template("councils/index.html", councils=services.list_councils(db.session))


@bp.get("/councils/<slug>")
def detail(slug: str):
    page = services.council_page(db.session, slug, now_utc())
    if page is None:
        abort(404)
    return render_template("councils/detail.html", page=page)


@bp.get("/recommendations/<code>")
def recommendation(code: str):
    page = services.recommendation_page(db.session, code, now_utc())
    if page is None:
        abort(404)
    return render_template("councils/recommendation.html", page=page)
