"""`/achievements`: the report of a period an admin published, for everyone,
in every site language, counts of 1 to 4 people shown as "fewer than 5"."""
from datetime import date

from flask import Blueprint, abort, current_app, render_template


from ..extensions import db
from ..pagecache import cached_page
from ..timeutil import now_utc
from . import services
from .tables import Formatter, cell_class, public_summary, report_tables
from .views import report_charts

bp = Blueprint("reports", __name__)


def _render(published, periods):
    period = services.Period(published.start_date, published.end_date)
    report = services.build_report(db.session, period, services.Scope(), now_utc())
    tables = report_tables(report)
    fmt = Formatter()
    tables["summary"] = public_summary(report)
    return render_template(
        "reports/achievements.html", report=report, tables=tables,
        charts=report_charts(report, tables), show=fmt.show, day=fmt.day, cell_class=cell_class, periods=periods,
        site_name=current_app.config["SITE_NAME"])


@bp.get("/achievements")
@cached_page
def achievements():
    """The latest published period; 404 while none is."""
    periods = services.published_reports(db.session)
    if not periods:
        abort(404)
    return _render(periods[0], periods)


@bp.get("/achievements/<key>")
@cached_page
def achievements_for(key: str):
    """One published period, `/achievements/2026-03-01_2026-08-31`."""
    try:
        start, end = (date.fromisoformat(part) for part in key.split("_", 1))
    except ValueError:
        abort(404)
    periods = services.published_reports(db.session)
    found = next((p for p in periods if (p.start_date, p.end_date) == (start, end)), None)
    if found is None:
        abort(404)
    return _render(found, periods)



