"""The report's tables, declared once: the page shows them (beside the
charts, for screen readers too) and each downloads as a CSV with the same
rows, counts of people already suppressed (`services.people`)."""
from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from babel import Locale, dates, numbers
from flask_babel import get_locale, gettext

from ..councils.models import RECOMMENDATION_STATUS_LABELS, RecommendationStatus
from ..events.models import KIND_LABELS, EventKind
from ..i18n import language_name
from ..manage.registrant_services import csv_cell
from ..timeutil import site_zone
from .charts import month_label
from .services import Figures, PeopleCount, Report, Suppressed, people


class NotRecorded:
    """Attendance where check-in was not used: not a 0."""

    def __str__(self) -> str:
        return gettext("not recorded")


class TooFew:
    """A rate over fewer than 5 people: not shown."""

    def __str__(self) -> str:
        return gettext("too few to say")


NOT_RECORDED, TOO_FEW = NotRecorded(), TooFew()


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"


class Formatter:
    """Numbers and dates in the reader's language, the locale looked up
    once per page: a year's report shows thousands of them."""

    def __init__(self, locale=None):
        self.locale = locale or get_locale() or Locale("en")
        self.zone = site_zone()
        self._yes, self._no = gettext("Yes"), gettext("No")
        # Patterns parsed once (format_decimal parses its pattern every call).
        self._decimal = self.locale.decimal_formats[None]
        # The locale's own percent ("26.7%", "26,7 %"), to one decimal at most.
        self._percent = copy.copy(self.locale.percent_formats[None])
        self._percent.frac_prec = (0, 1)

    def show(self, value) -> str:
        """A cell as the page shows it."""
        if value is None:
            return "—"
        if isinstance(value, Suppressed | NotRecorded | TooFew):
            return str(value)
        if isinstance(value, bool):
            return self._yes if value else self._no
        if isinstance(value, int):
            return self._decimal.apply(value, self.locale)
        if isinstance(value, float):
            return self._percent.apply(value, self.locale)
        return str(value)

    def day(self, value, format: str = "long") -> str:
        """The local date of an instant (or a date) in the reader's language."""
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return dates.format_date(value, format, locale=self.locale)


def cell_class(value) -> str:
    """The class of a cell: numbers line up; counts of people are marked."""
    classes = []
    if isinstance(value, int | float) and not isinstance(value, bool | Suppressed):
        classes.append("number")
    if isinstance(value, PeopleCount):
        classes.append("people")
    return " ".join(classes)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads every script), cells
    that Excel would run as formulas defused; numbers without grouping."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([
            csv_cell(f"{value * 100:.1f}%" if isinstance(value, float)
                     else str(value) if value is not None else "")
            for value in row])
    return out.getvalue().encode("utf-8-sig")


def _attended(figures: Figures):
    return NOT_RECORDED if figures.attended is None else figures.attended


def _no_show(figures: Figures):
    if figures.attended is None:
        return NOT_RECORDED
    return TOO_FEW if figures.no_show_rate is None else figures.no_show_rate


def summary_rows(figures: Figures, report: Report | None = None) -> list[list[object]]:
    rows = [
        [gettext("Events held"), figures.events_held],
        [gettext("Sessions of community meetings"), figures.sessions_held],
        [gettext("Events still to come in the period"), figures.events_scheduled],
        [gettext("Events cancelled"), figures.events_cancelled],
        [gettext("Places offered"), figures.places_offered],
        [gettext("Events with no limit on places"), figures.events_without_limit],
        [gettext("Registrations"), figures.registrations],
        [gettext("Places confirmed"), figures.confirmed],
        [gettext("Still on the waitlist"), figures.waitlisted],
        [gettext("Registrations cancelled"), figures.cancelled_registrations],
        [gettext("Session places taken"), figures.session_places],
        [gettext("Events where check-in was used"), figures.events_checked_in],
        [gettext("Attended"), _attended(figures)],
        [gettext("No-show rate"), _no_show(figures)],
        [gettext("Participants"), figures.participants],
        [gettext("New participants"), figures.new_participants],
        [gettext("Returning participants"), figures.returning_participants],
        [gettext("Childcare requests"), figures.childcare],
        [gettext("Accessibility requests"), figures.accessibility],
        [gettext("Registrations whose details were erased"), figures.details_erased],
    ]
    if report is not None:
        rows += [
            [gettext("Recommendations acted on in the period"), report.recommendations_acted_on],
            [gettext("Recommendations no event has acted on yet"),
             report.recommendations_without_event],
        ]
    return rows


def public_summary(report: Report) -> Table:
    """The figures of the public summary (/achievements): what the
    partnership did and for how many people, suppressed as everywhere."""
    f = report.figures
    return Table("summary", gettext("The period in figures"), [gettext("Figure"), gettext("Count")], [
        [gettext("Events held"), f.events_held],
        [gettext("Sessions of community meetings"), f.sessions_held],
        [gettext("Places offered"), f.places_offered],
        [gettext("Registrations"), f.registrations],
        [gettext("Attended"), _attended(f)],
        [gettext("Participants"), f.participants],
        [gettext("New participants"), f.new_participants],
        [gettext("Returning participants"), f.returning_participants],
        [gettext("Childcare requests"), f.childcare],
        [gettext("Accessibility requests"), f.accessibility],
        [gettext("Recommendations acted on in the period"), report.recommendations_acted_on],
        [gettext("Recommendations no event has acted on yet"), report.recommendations_without_event],
    ])


def _theme_name(theme, fallback: str) -> str:
    return str(theme.localized("name")) if theme is not None else fallback


def _council_name(council) -> str:
    return str(council.localized("name")) if council is not None else gettext("Partnership-wide")


def report_tables(report: Report) -> dict[str, Table]:
    """Every table of the report, by key, in the order the page shows them."""
    figures = report.figures
    no_theme = gettext("No theme")
    tables = [Table("summary", gettext("The period in figures"),
                    [gettext("Figure"), gettext("Count")], summary_rows(figures, report))]
    if report.totals is not None:
        tables.append(Table("partnership", gettext("The whole partnership in figures"),
                            [gettext("Figure"), gettext("Count")], summary_rows(report.totals)))

    theme_columns = [(t.id, _theme_name(t, no_theme)) for t in report.themes]
    if any(None in counts for _m, counts, _t in report.by_month):
        theme_columns.append((None, no_theme))
    tables.append(Table(
        "months", gettext("Events held per month, by theme"),
        [gettext("Month")] + [name for _id, name in theme_columns] + [gettext("All events")],
        [[month_label(month)] + [counts.get(theme_id, 0) for theme_id, _n in theme_columns] + [total]
         for month, counts, total in report.by_month]))

    tables.append(Table(
        "councils", gettext("Attendance per Sub-council"),
        [gettext("Sub-council"), gettext("Events held"), gettext("Registrations"),
         gettext("Attended"), gettext("No-show rate")],
        [[_council_name(section.council), section.figures.events_held,
          section.figures.registrations, _attended(section.figures), _no_show(section.figures)]
         for section in report.council_sections]))

    tables.append(Table(
        "capacity", gettext("Registrations against places offered, per month"),
        [gettext("Month"), gettext("Places offered"), gettext("Places confirmed")],
        [[month_label(month), places, taken] for month, taken, places in report.capacity_by_month]))

    tables.append(Table(
        "kinds", gettext("Events held by kind"), [gettext("Kind of event"), gettext("Events held")],
        [[str(KIND_LABELS[EventKind(kind)]), count] for kind, count in report.by_kind]))

    tables.append(Table(
        "languages", gettext("Languages events were held or interpreted in"),
        [gettext("Language"), gettext("Events held")],
        [[language_name(code), count] for code, count in report.languages_held]))

    tables.append(Table(
        "interpretation", gettext("Interpretation asked for, by language"),
        [gettext("Language"), gettext("Requests")],
        [[language_name(code) if code.isalpha() and len(code) <= 3 else code, count]
         for code, count in figures.interpretation]))

    tables.append(Table(
        "presenters", gettext("Partners who presented"),
        [gettext("Partner"), gettext("Events held")],
        [[name, count] for name, count in report.presenters]))

    recommendation_rows = []
    for section in report.council_sections:
        for line in section.recommendations:
            r = line.recommendation
            recommendation_rows.append([
                r.code, str(r.localized("title")), _council_name(section.council),
                str(RECOMMENDATION_STATUS_LABELS[RecommendationStatus(r.status)]),
                len(line.events),
                "; ".join(str(e.localized("title")) for e in line.events),
            ])
    tables.append(Table(
        "recommendations", gettext("Recommendations and the events that acted on them"),
        [gettext("Code"), gettext("Recommendation"), gettext("Sub-council"), gettext("Status"),
         gettext("Events in the period"), gettext("Events")],
        recommendation_rows))

    event_rows = []
    day = Formatter().day
    themes = {t.id: t for t in report.themes}
    for line in report.events:
        if not line.dates:
            continue
        event = line.event
        event_rows.append([
            day(line.dates[0], "medium"), str(event.localized("title")),
            str(KIND_LABELS[EventKind(event.kind)]), _council_name(event.council),
            "; ".join(_theme_name(themes[i], no_theme) for i in sorted(line.themes) if i in themes),
            len(line.dates),
            line.event.capacity,
            people(line.registrations),
            people(line.attended) if line.checked_in else NOT_RECORDED,
        ])
    tables.append(Table(
        "events", gettext("Events held"),
        [gettext("First date"), gettext("Event"), gettext("Kind of event"), gettext("Sub-council"),
         gettext("Themes"), gettext("Dates held"), gettext("Places"), gettext("Registrations"),
         gettext("Attended")],
        event_rows))
    return {table.key: table for table in tables}

