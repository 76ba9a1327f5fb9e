from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from ..forms import Form
from ..manage.event_forms import MultiCheckboxField, add_error, parse_date
from .services import Period, PeriodChoice

# A report spans at most this many days: enough for several years, little
# enough that a mistyped year cannot ask for a century.
LONGEST_PERIOD_DAYS = 366 * 5


class ReportForm(Form):
    """The report's choices, in the address (a GET form: bookmarkable)."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), validate_choice=False)
    start = StringField(_l("From"), render_kw={"type": "date"},
                        description=_l("Choose a date; typed by hand: year-month-day, for example 2027-03-07."))
    end = StringField(_l("To"), render_kw={"type": "date"}, description=_l("Choose a date; typed by hand: year-month-day, for example 2027-03-07."))
    council = MultiCheckboxField(_l("Sub-councils"), coerce=int, validate_choice=False)
    theme = MultiCheckboxField(_l("Themes"), coerce=int, validate_choice=False)

    def set_choices(self, choices: list[PeriodChoice], councils, themes) -> None:
        self.period.choices = [(c.key, c.label) for c in choices] + [("custom", _l("Dates below"))]
        self.council.choices = [(c.id, c.localized("name")) for c in councils]
        self.theme.choices = [(t.id, t.localized("name")) for t in themes]

    def chosen_period(self, choices: list[PeriodChoice]) -> Period:
        """The period asked for; the first quick pick (the last six months)
        when none, or when the dates given cannot make one (with an error)."""
        picks = {c.key: c.period for c in choices}
        if self.period.data in picks:
            return picks[self.period.data]
        if not (self.start.data or self.end.data):
            self.period.data = choices[0].key
            return choices[0].period
        dates: list[date | None] = []
        for field in (self.start, self.end):
            try:
                dates.append(parse_date(field.data or ""))
            except ValueError:
                add_error(self, field.name, _l("Please give a date like 2027-03-07."))
                dates.append(None)
        start, end = dates
        if start and end and end < start:
            add_error(self, "end", _l("The end must not be before the start."))
        elif start and end and (end - start).days > LONGEST_PERIOD_DAYS:
            add_error(self, "end", _l("Please choose a period of at most five years."))
        elif start and end:
            self.period.data = "custom"
            return Period(start, end)
        self.period.data = choices[0].key
        return choices[0].period

    def ids(self, field, allowed: set[int]) -> list[int]:
        """The ids picked that exist (a made-up one is ignored)."""
        return [i for i in (field.data or []) if i in allowed]


class PublishForm(Form):
    """The period to publish (hidden fields of the report page's button)."""

    start = StringField()
    end = StringField()

    def period(self) -> Period | None:
        if not self.validate_on_submit():
            return None
        try:
            start, end = parse_date(self.start.data or ""), parse_date(self.end.data or "")
        except ValueError:
            return None
        if end < start or (end - start).days > LONGEST_PERIOD_DAYS:
            return None
        return Period(start, end)
