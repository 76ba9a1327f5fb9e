"""`/manage/reports`: the report for admins (everything) and chairs (their
Sub-councils, and the partnership's totals). Routes on the manage blueprint
(signed-in users only); what each user may see is `services.scope_for`'s."""
from flask import (abort, current_app, flash, make_response, redirect, render_template,
                   request, url_for)
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..councils.models import SubCouncil, Theme
from ..extensions import db
from ..manage.permissions import admin_required, is_admin, managed_council_ids
from ..manage.views import bp
from ..timeutil import now_utc
from . import charts, services
from .forms import PublishForm, ReportForm
from .models import PublishedReport
from .tables import Formatter, cell_class, report_tables, to_csv


def _report():
    """The form and the report it asks for, within what the user may see."""
    now = now_utc()
    allowed = managed_council_ids(current_user)
    council_query = select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)
    if allowed is not None:
        council_query = council_query.where(SubCouncil.id.in_(allowed))
    councils = db.session.scalars(council_query).all()
    themes = db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)).all()
    choices = services.period_choices(now)
    form = ReportForm(request.args)
    form.set_choices(choices, councils, themes)
    period = form.chosen_period(choices)
    scope = services.scope_for(current_user, form.ids(form.council, {c.id for c in councils}),
                               form.ids(form.theme, {t.id for t in themes}))
    if allowed is not None and not allowed:
        # A chair of no Sub-council yet: the partnership's totals alone.
        scope = services.Scope(frozenset(), scope.theme_ids)
    report = services.build_report(db.session, period, scope, now,
                                   partnership_totals=not is_admin(current_user))
    return form, report


def report_charts(report, tables) -> list[charts.Chart]:
    """The report's three charts (those with something to draw)."""
    found = [
        charts.events_per_month_by_theme(
            report, gettext("Events held per month, by theme"),
            gettext("One small chart per theme, all on the same scale: how many events of "
                    "that theme were held each month. The table below gives the numbers."),
            gettext("No theme")),
        charts.attendance_per_council(
            [(row[0], row[3]) for row in tables["councils"].rows
             if isinstance(row[3], int)],
            gettext("Attendance per Sub-council"),
            gettext("People checked in at the events of each Sub-council where check-in was "
                    "used; counts under 5 are left out. The table below gives the numbers.")),
        charts.registrations_against_capacity(
            [(charts.short_month_label(month), taken, places)
             for month, taken, places in report.capacity_by_month],
            gettext("Registrations against places offered, per month"),
            gettext("Pale columns: places offered; dark columns: places confirmed, in the month "
                    "of each event's first date. The table below gives the numbers."),
            gettext("Places confirmed"), gettext("Places offered")),
    ]
    return [chart for chart in found if chart is not None]


@bp.get("/reports")
def reports():
    form, report = _report()
    tables = report_tables(report)
    fmt = Formatter()
    admin = is_admin(current_user)
    return render_template(
        "manage/reports/report.html", form=form, report=report, tables=tables,
        charts=report_charts(report, tables), show=fmt.show, day=fmt.day, cell_class=cell_class,
        site_name=current_app.config["SITE_NAME"], is_admin=admin,
        published=admin and services.published_report(db.session, report.period),
        published_reports=services.published_reports(db.session) if admin else [])


@bp.post("/reports/publish")
@admin_required
def publish_report():
    """Publish the whole partnership's report of a period at /achievements."""
    form = PublishForm()
    period = form.period()
    if period is None:
        flash(gettext("Please choose a period to publish."), "error")
        return redirect(url_for("manage.reports"))
    services.publish(db.session, period, actor=current_user, now=now_utc())
    db.session.commit()
    flash(gettext("The period is published at /achievements."), "info")
    return redirect(url_for("manage.reports", start=period.start.isoformat(),
                            end=period.end.isoformat(), period="custom"), 303)


@bp.post("/reports/published/<int:report_id>/withdraw")
@admin_required
def withdraw_report(report_id: int):
    published = db.session.get(PublishedReport, report_id)
    if published is None:
        abort(404)
    services.withdraw(db.session, published, actor=current_user, now=now_utc())
    db.session.commit()
    flash(gettext("The period is no longer published."), "info")
    return redirect(url_for("manage.reports"), 303)


@bp.get("/reports/<key>.csv")
def report_csv(key: str):
    _form, report = _report()
    table = report_tables(report).get(key)
    if table is None:
        abort(404)
    response = make_response(to_csv(table))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="report-{report.period.key}-{table.filename}"')
    return response
