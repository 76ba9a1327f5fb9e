"""The report's charts: SVG drawn on the server by leather.

leather writes presentation attributes only (no <script>, no <style>, no
style="…"), so a chart sits inline in the page under the site's CSP and
prints with it. Each chart gets a <title> and a <desc> (role="img"); the
page shows the same numbers as a table beside it for screen readers.
Colours are dark enough, and the shapes distinct enough (columns against
dots), to read in greyscale.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import leather
from babel.dates import format_skeleton
from flask_babel import get_locale
from markupsafe import Markup

from .services import Report, is_suppressed

# The site's look instead of leather's defaults (monospace, light greys).
_FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', sans-serif"
for _name in ("title", "legend", "axis_title", "tick"):
    setattr(leather.theme, f"{_name}_font_family", _FONT)
leather.theme.background_color = "#ffffff"
leather.theme.title_color = "#1a1a1a"
leather.theme.label_color = "#333333"
leather.theme.axis_title_color = "#333333"
leather.theme.tick_color = "#dddddd"
leather.theme.zero_color = "#555555"

BAR_COLOUR = "#0b4f8a"      # the site's blue: dark in greyscale
PLACES_COLOUR = "#b9cde0"   # pale: the places offered, behind the places taken

_SVG_SIZE = re.compile(r'^<svg width="(\d+)" height="(\d+)"')


@dataclass
class Chart:
    key: str
    title: str
    description: str
    svg: Markup


def _accessible(svg_text: str, key: str, title: str, description: str) -> Markup:
    """The SVG scaled to its box, with a title and description screen
    readers announce."""
    match = _SVG_SIZE.match(svg_text)
    width, height = (match.group(1), match.group(2)) if match else ("800", "400")
    opening = Markup(
        '<svg viewBox="0 0 {w} {h}" class="chart" role="img" aria-labelledby="{k}-title {k}-desc" '
        'preserveAspectRatio="xMidYMid meet" version="1.1" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{k}-title">{t}</title><desc id="{k}-desc">{d}</desc>'
    ).format(w=width, h=height, k=key, t=title, d=description)
    body = svg_text[svg_text.index(">") + 1:] if svg_text.startswith("<svg") else svg_text
    return opening + Markup(body)


def month_label(month: date) -> str:
    """"Sep 2026", as tables name a month."""
    return format_skeleton("MMMy", month, locale=get_locale())


def short_month_label(month: date) -> str:
    """"Sep": room for a year of months under a small chart."""
    return format_skeleton("MMM", month, locale=get_locale())


def _nice_top(value: int) -> int:
    """A round top for a count axis (at least 4): 4, 5, 10, 20, 25, 50, …"""
    top = max(value, 4)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top <= step * 5:
            return -(-top // step) * step
    return top


def events_per_month_by_theme(report: Report, title: str, description: str,
                              no_theme: str) -> Chart | None:
    """Small multiples: one column chart per theme, on one scale."""
    if not report.by_month or not report.figures.events_held:
        return None
    names = [(t.id, str(t.localized("name"))) for t in report.themes]
    if any(None in counts for _month, counts, _total in report.by_month):
        names.append((None, no_theme))
    lattice = leather.Lattice(shape=leather.Columns(BAR_COLOUR))
    # One scale for every small chart, from 0 to above the largest count.
    largest = max((n for _m, counts, _t in report.by_month for n in counts.values()), default=0)
    lattice.add_y_scale(0, _nice_top(largest))
    labels = [short_month_label(month) for month, _counts, _total in report.by_month]
    for theme_id, name in names:
        lattice.add_one([(label, counts.get(theme_id, 0))
                         for label, (_m, counts, _t) in zip(labels, report.by_month)], title=name)
    columns = min(len(names), 2)
    rows = -(-len(names) // columns)
    svg = lattice.to_svg(width=440 * columns, height=250 * rows)
    return Chart("chart-months", title, description, _accessible(svg, "chart-months", title, description))


def attendance_per_council(rows: list[tuple[str, int]], title: str, description: str) -> Chart | None:
    """Horizontal bars, one per Sub-council where check-in was used; a
    suppressed count ("fewer than 5") is left out of the chart."""
    shown = [(count, name) for name, count in rows
             if count is not None and not is_suppressed(count)]
    if not shown:
        return None
    chart = leather.Chart()
    chart.add_bars(shown, fill_color=BAR_COLOUR)
    svg = chart.to_svg(width=800, height=90 + 45 * len(shown))
    return Chart("chart-attendance", title, description,
                 _accessible(svg, "chart-attendance", title, description))


def registrations_against_capacity(rows: list[tuple[str, int, int]], title: str, description: str,
                                   registered: str, places: str) -> Chart | None:
    """Per month: a pale column for the places offered with a dark one for
    the places confirmed drawn over it (legible in greyscale)."""
    if not rows or not any(places for _label, _taken, places in rows):
        return None
    chart = leather.Chart()
    chart.add_columns([(label, places) for label, _taken, places in rows],
                      name=places, fill_color=PLACES_COLOUR)
    # A month with fewer than 5 shows no dark column (its count is suppressed).
    chart.add_columns([(label, 0 if is_suppressed(taken) else int(taken))
                       for label, taken, _places in rows],
                      name=registered, fill_color=BAR_COLOUR)
    svg = chart.to_svg(width=800, height=380)
    return Chart("chart-capacity", title, description,
                 _accessible(svg, "chart-capacity", title, description))
