"""The event form: every field of an event, times in local time, clear messages.

Dates, times and numbers are text inputs (typed `date`, `time`, `number` for
the browser's pickers) parsed here, so every message is our own, in the
reader's language, beside its field. `to_values` turns a validated form into
`event_services.EventValues`; the rules that need the database (the
Sub-council a chair may pick, the capacity against the confirmed count, a
unique address) are the service's, which raises `FieldError` for a field.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..councils.models import Recommendation, SubCouncil, Theme
from ..events import recurrence
from ..events.models import KIND_LABELS, STATUS_LABELS, Event, EventStatus, Venue
from ..forms import Form
from ..registrations.forms import clean, one_line
from ..reminders.services import OffsetError, check_offsets, parse_offsets
from ..timeutil import site_zone, to_local
from . import event_services as services
from .permissions import is_admin
from .translation_forms import with_translations

TOO_LONG = _l("Please use at most %(max)d characters.")


def _max(n: int) -> Length:
    return Length(max=n, message=TOO_LONG)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def add_error(form, name: str, message) -> None:
    field = form[name]
    field.errors = [*field.errors, message]


def parse_date(text: str) -> date:
    return date.fromisoformat(text.strip())


def parse_time(text: str) -> time:
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})(?::\d{2})?", text)
    if not match:
        raise ValueError(text)
    return time(int(match.group(1)), int(match.group(2)))


def _minutes_text(minutes: int) -> str:
    for unit, size in (("d", 24 * 60), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


class EventForm(Form):
    kind = SelectField(_l("Kind of event"),
                       choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    title = StringField(_l("Title"), filters=[one_line],
                        validators=[DataRequired(_l("Please give the event a title.")), _max(200)],
                        render_kw={"maxlength": 200})
    summary = TextAreaField(_l("Summary (optional)"), filters=[clean],
                            validators=[Optional(), _max(500)],
                            description=_l("One or two sentences shown in listings."),
                            render_kw={"maxlength": 500, "rows": 2})
    description = TextAreaField(_l("Description (optional)"), filters=[clean],
                                validators=[Optional(), _max(20000)],
                                description=_l("Markdown: *italic*, **bold**, - lists, [links](https://…)."),
                                render_kw={"rows": 8, "maxlength": 20000})
    start_date = StringField(_l("Start date"), filters=[one_line],
                             validators=[DataRequired(_l("Please give the date."))],
                             description=_l("Like 2027-03-07."),
                             render_kw={"type": "date"})
    start_time = StringField(_l("Start time"), filters=[one_line],
                             validators=[DataRequired(_l("Please give the start time."))],
                             description=_l("Local time in London, Ontario, like 18:30."),
                             render_kw={"type": "time"})
    end_date = StringField(_l("End date (optional)"), filters=[one_line],
                           description=_l("Empty: the same day as the start."),
                           render_kw={"type": "date"})
    end_time = StringField(_l("End time"), filters=[one_line],
                           validators=[DataRequired(_l("Please give the end time."))],
                           render_kw={"type": "time"})
    # Only asked when a time falls in the hour that happens twice (the night
    # the clocks go back): which of the two is meant.
    repeated_hour = SelectField(
        _l("Which one?"),
        choices=[SelectChoice("", _l("Choose…")),
                 SelectChoice("first", _l("The first time (daylight saving time, before the clocks go back)")),
                 SelectChoice("second", _l("The second time (standard time, after the clocks go back)"))],
        validate_choice=False,
        description=_l("On the night the clocks go back, the hour from 1:00 to 2:00 happens twice."),
    )
    venue = SelectField(_l("Venue"), validate_choice=False)
    online_url = StringField(_l("Online meeting address (optional)"), filters=[one_line],
                             validators=[Optional(), _max(500)],
                             description=_l("For an online or hybrid event: https://…"),
                             render_kw={"type": "url", "maxlength": 500})
    council = SelectField(_l("Sub-council"), validate_choice=False)
    presenter = StringField(_l("Presented by (optional)"), filters=[one_line],
                            validators=[Optional(), _max(200)], render_kw={"maxlength": 200})
    languages = StringField(_l("Languages"), filters=[one_line], default="en",
                            validators=[Optional(), _max(100)],
                            description=_l("Language codes, separated by commas: en, fr, ar, es…"),
                            render_kw={"maxlength": 100})
    accessibility_notes = TextAreaField(_l("Accessibility (optional)"), filters=[clean],
                                        validators=[Optional(), _max(2000)], render_kw={"rows": 2})
    interpretation_notes = TextAreaField(_l("Interpretation (optional)"), filters=[clean],
                                         validators=[Optional(), _max(2000)], render_kw={"rows": 2})
    childcare_notes = TextAreaField(_l("Childcare (optional)"), filters=[clean],
                                    validators=[Optional(), _max(2000)], render_kw={"rows": 2})
    capacity = StringField(_l("Capacity (optional)"), filters=[one_line],
                           validators=[Optional(), _max(7)],
                           description=_l("The number of places. Empty: no limit."),
                           render_kw={"type": "number", "min": 0, "inputmode": "numeric"})
    registration_opens = StringField(_l("Registration opens (optional)"), filters=[one_line],
                                     description=_l("Empty: as soon as the event is published."),
                                     render_kw={"type": "datetime-local"})
    registration_closes = StringField(_l("Registration closes (optional)"), filters=[one_line],
                                      description=_l("Empty: when the event starts."),
                                      render_kw={"type": "datetime-local"})
    reminder_offsets = StringField(
        _l("Reminders (optional)"), filters=[one_line], validators=[Optional(), _max(40)],
        description=_l("Up to 3, before the start, like “2d, 2h” (days, hours, minutes: 30m). "
                       "Empty: the site's usual reminders. “none”: no reminders."),
        render_kw={"maxlength": 40})
    themes = MultiCheckboxField(_l("Themes"), coerce=int, validate_choice=False)
    recommendations = MultiCheckboxField(_l("Recommendations it acts on"), coerce=int,
                                         validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    slug = StringField(_l("Web address (optional)"), filters=[one_line],
                       validators=[Optional(), _max(120)],
                       description=_l("Lower-case letters, digits and hyphens. Empty: made from the title and date."),
                       render_kw={"maxlength": 120})
    repeat = SelectField(
        _l("Repeats"),
        choices=[SelectChoice("", _l("Does not repeat")),
                 SelectChoice("weekly", _l("Weekly, on the same weekday")),
                 SelectChoice("monthly", _l("Monthly, on the same weekday of the month (like the second Tuesday)"))],
        validate_choice=False)
    repeat_interval = StringField(_l("Every how many weeks or months"), filters=[one_line], default="1",
                                  render_kw={"type": "number", "min": 1, "max": 12})
    repeat_last = BooleanField(_l("Monthly: on the last such weekday of the month"))
    repeat_until = StringField(_l("Until (date)"), filters=[one_line],
                               description=_l("Give an end date or a number of times."),
                               render_kw={"type": "date"})
    repeat_count = StringField(_l("Or: number of times"), filters=[one_line],
                               render_kw={"type": "number", "min": 2, "max": recurrence.MAX_OCCURRENCES})
    skip_dates = TextAreaField(_l("Skipped dates (optional)"), filters=[clean],
                               validators=[Optional(), _max(2000)],
                               description=_l("Dates on which it does not take place, like 2027-07-13, one per line."),
                               render_kw={"rows": 3})

    def validate_slug(self, field):
        if field.data and not services.SLUG_PATTERN.match(field.data):
            raise ValidationError(_l("Use lower-case letters, digits and hyphens only."))

    def validate_languages(self, field):
        codes = [c.strip() for c in (field.data or "").split(",") if c.strip()]
        if any(not LANGUAGE_CODE.match(code) for code in codes):
            raise ValidationError(_l("Use language codes like en, fr, ar, separated by commas."))

    def validate_online_url(self, field):
        if field.data and not re.match(r"^https?://[^\s/]+\.[^\s]+$", field.data):
            raise ValidationError(_l("Please give a full address starting with https://"))

    # --- setting up -----------------------------------------------------------

    def setup(self, session: Session, actor, *, event: Event | None = None,
              parent: Event | None = None) -> None:
        """Choices for this user; for a chair of one Sub-council it is preselected."""
        self.is_session = parent is not None or (event is not None and event.parent_id is not None)
        self.setup_languages()
        self.venue.choices = [SelectChoice("", _l("No venue (online only)"))] + [
            SelectChoice(str(v.id), v.name) for v in services.venue_choices(session)]
        councils = services.council_choices(session, actor)
        if is_admin(actor):
            self.council.choices = [SelectChoice("", _l("Partnership-wide (no Sub-council)"))]
        else:
            self.council.choices = []
        self.council.choices += [SelectChoice(str(c.id), c.localized("name")) for c in councils]
        if not is_admin(actor) and len(councils) == 1 and not self.council.data:
            self.council.data = str(councils[0].id)
        self.themes.choices = [SelectChoice(t.id, t.localized("name")) for t in services.theme_choices(session)]
        self.recommendations.choices = [
            SelectChoice(r.id, f"{r.code} {r.localized('title')} ({r.council.localized('name')})")
            for r in services.recommendation_choices(session, actor)]
        statuses = [EventStatus.DRAFT, EventStatus.PUBLISHED]
        if event is not None and event.is_cancelled:
            statuses.append(EventStatus.CANCELLED)
        self.status.choices = [SelectChoice(s.value, STATUS_LABELS[s]) for s in statuses]
        if not self.status.data or self.status.data == "None":
            self.status.data = EventStatus.DRAFT.value

    def fill_from(self, event: Event) -> None:
        """The form as the event is (for GET of the edit page)."""
        start, end = to_local(event.start_dt), to_local(event.end_dt)
        self.fill_translations(event)
        for name in ("kind", "title", "summary", "description",
                     "online_url", "presenter", "accessibility_notes", "interpretation_notes",
                     "childcare_notes", "slug", "status"):
            getattr(self, name).data = getattr(event, name) or ""
        self.start_date.data = start.date().isoformat()
        self.start_time.data = start.strftime("%H:%M")
        self.end_date.data = end.date().isoformat() if end.date() != start.date() else ""
        self.end_time.data = end.strftime("%H:%M")
        if _is_ambiguous(start) or _is_ambiguous(end):
            self.repeated_hour.data = "second" if (start.fold or end.fold) else "first"
        self.venue.data = str(event.venue_id) if event.venue_id else ""
        self.council.data = str(event.council_id) if event.council_id else ""
        self.languages.data = ", ".join(event.languages or [])
        self.capacity.data = "" if event.capacity is None else str(event.capacity)
        for name in ("registration_opens", "registration_closes"):
            value = getattr(event, f"{name}_dt")
            getattr(self, name).data = to_local(value).strftime("%Y-%m-%dT%H:%M") if value else ""
        offsets = event.reminder_offsets
        self.reminder_offsets.data = ("" if offsets is None else
                                      "none" if not offsets else
                                      ", ".join(_minutes_text(m) for m in offsets))
        self.themes.data = [t.id for t in event.themes]
        self.recommendations.data = [r.id for r in event.recommendations]
        rule = recurrence.parse_rule(event.recurrence_rule)
        self.repeat.data = rule.get("FREQ", "").lower()
        self.repeat_interval.data = rule.get("INTERVAL", "1")
        self.repeat_last.data = rule.get("BYDAY", "").startswith("-1")
        if "UNTIL" in rule:
            until = datetime.strptime(rule["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
            self.repeat_until.data = to_local(until).date().isoformat()
        self.repeat_count.data = rule.get("COUNT", "")
        self.skip_dates.data = "\n".join(event.recurrence_exdates or [])

    @property
    def asks_repeated_hour(self) -> bool:
        return bool(self.repeated_hour.data or self.repeated_hour.errors)

    # --- reading ----------------------------------------------------------------

    def _moment(self, day: date, clock: time, field_name: str) -> datetime | None:
        """A local wall-clock time as UTC; None (and a message) when it does not
        exist or is ambiguous without an answer."""
        zone = site_zone()
        naive = datetime.combine(day, clock)
        first = naive.replace(tzinfo=zone, fold=0)
        second = naive.replace(tzinfo=zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            return first.astimezone(timezone.utc)
        if first.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
            add_error(self, field_name, _l(
                "This time does not exist: that night the clocks jump forward an hour "
                "(from 2:00 to 3:00). Please choose another time."))
            return None
        choice = self.repeated_hour.data
        if choice not in ("first", "second"):
            add_error(self, field_name, _l(
                "This time happens twice: that night the clocks go back an hour. "
                "Choose below which one you mean."))
            add_error(self, "repeated_hour", _l("Please choose the first or the second time."))
            return None
        return (second if choice == "second" else first).astimezone(timezone.utc)

    def _local_datetime(self, field_name: str) -> datetime | None:
        text = self[field_name].data
        if not text:
            return None
        try:
            value = datetime.strptime(text.strip()[:16], "%Y-%m-%dT%H:%M")
        except ValueError:
            add_error(self, field_name, _l("Please give a date and time like 2027-03-01 09:00."))
            return None
        return self._moment(value.date(), value.time(), field_name)

    def to_values(self, session: Session, *, event: Event | None = None,
                  parent: Event | None = None) -> services.EventValues | None:
        """The submitted event, or None when a field is wrong (its message set)."""
        ok = True
        start = end = None
        try:
            start_day = parse_date(self.start_date.data)
        except ValueError:
            add_error(self, "start_date", _l("Please give a date like 2027-03-07."))
            start_day, ok = None, False
        try:
            end_day = parse_date(self.end_date.data) if self.end_date.data else start_day
        except ValueError:
            add_error(self, "end_date", _l("Please give a date like 2027-03-07."))
            end_day, ok = None, False
        try:
            start_clock = parse_time(self.start_time.data)
        except ValueError:
            add_error(self, "start_time", _l("Please give a time like 18:30."))
            start_clock, ok = None, False
        try:
            end_clock = parse_time(self.end_time.data)
        except ValueError:
            add_error(self, "end_time", _l("Please give a time like 18:30."))
            end_clock, ok = None, False
        if start_day and start_clock:
            start = self._moment(start_day, start_clock, "start_time")
        if end_day and end_clock:
            end = self._moment(end_day, end_clock, "end_time")
        if start is None or end is None:
            ok = False
        elif end <= start:
            add_error(self, "end_time", _l("The end must be after the start."))
            ok = False

        capacity = None
        if self.capacity.data:
            if not re.fullmatch(r"-?\d+", self.capacity.data):
                add_error(self, "capacity", _l("Please give a whole number, or leave it empty for no limit."))
                ok = False
            else:
                capacity = int(self.capacity.data)
                if capacity < 0:
                    add_error(self, "capacity", _l("The capacity cannot be negative."))
                    ok = False

        opens = self._local_datetime("registration_opens")
        closes = self._local_datetime("registration_closes")
        if self.registration_opens.errors or self.registration_closes.errors:
            ok = False
        elif opens and closes and closes <= opens:
            add_error(self, "registration_closes", _l("Registration must close after it opens."))
            ok = False

        offsets = None
        text = (self.reminder_offsets.data or "").strip().lower()
        if text in ("none", "aucun", "aucune", "0"):
            offsets = []
        elif text:
            try:
                offsets = check_offsets(parse_offsets(text))
            except OffsetError:
                add_error(self, "reminder_offsets", _l(
                    "Give up to 3 reminders like 2d, 2h or 30m, each from 15 minutes "
                    "to 14 days before the start."))
                ok = False

        venue = None
        if self.venue.data:
            venue = session.get(Venue, int(self.venue.data)) if self.venue.data.isdigit() else None
            if venue is None:
                add_error(self, "venue", _l("Please choose a venue from the list."))
                ok = False
        is_session = parent is not None or (event is not None and event.parent_id is not None)
        if not is_session and venue is None and not self.online_url.data and not self.venue.errors:
            add_error(self, "venue", _l("Choose a venue, or give the address of the online meeting."))
            ok = False

        council = None
        if is_session:
            council = event.council if event is not None else parent.council
        elif self.council.data:
            council = session.get(SubCouncil, int(self.council.data)) if self.council.data.isdigit() else None
            if council is None:
                add_error(self, "council", _l("Please choose a Sub-council from the list."))
                ok = False

        themes = list(session.scalars(select(Theme).where(Theme.id.in_(self.themes.data or []))))
        themes.sort(key=lambda t: t.position)
        recommendations = list(session.scalars(
            select(Recommendation).where(Recommendation.id.in_(self.recommendations.data or []))))
        recommendations.sort(key=lambda r: r.position)

        status = self.status.data or EventStatus.DRAFT.value
        if status not in {c.value for c in self.status.choices}:
            add_error(self, "status", _l("Please choose a status from the list."))
            ok = False

        rule, exdates = None, None
        if self.repeat.data and not is_session:
            rule, exdates = self._recurrence(start)
            if rule is False:
                ok = False
                rule = None
        elif self.repeat.data and is_session:
            add_error(self, "repeat", _l("A community meeting with sessions, or a session, cannot repeat."))
            ok = False

        if not ok:
            return None
        languages = [c.strip() for c in (self.languages.data or "").split(",") if c.strip()]
        return services.EventValues(
            kind=self.kind.data,
            title=self.title.data,
            summary=self.summary.data or "",
            description=self.description.data or "",
            **self.language_values(),
            start_dt=start,
            end_dt=end,
            slug=self.slug.data or "",
            venue=venue,
            online_url=self.online_url.data or None,
            council=council,
            presenter=self.presenter.data or None,
            languages=list(dict.fromkeys(languages)) or ["en"],
            accessibility_notes=self.accessibility_notes.data or "",
            interpretation_notes=self.interpretation_notes.data or "",
            childcare_notes=self.childcare_notes.data or "",
            capacity=capacity,
            registration_opens_dt=opens,
            registration_closes_dt=closes,
            reminder_offsets=offsets,
            recurrence_rule=rule,
            recurrence_exdates=exdates or None,
            status=status,
            themes=themes,
            recommendations=recommendations,
        )

    def _recurrence(self, start: datetime | None):
        """(rule, skipped dates), or (False, None) with messages set."""
        ok = True
        if self.repeat.data not in ("weekly", "monthly"):
            add_error(self, "repeat", _l("Please choose from the list."))
            return False, None
        interval = 1
        if self.repeat_interval.data:
            if not self.repeat_interval.data.isdigit() or not 1 <= int(self.repeat_interval.data) <= 12:
                add_error(self, "repeat_interval", _l("Please give a number from 1 to 12."))
                ok = False
            else:
                interval = int(self.repeat_interval.data)
        until = count = None
        if self.repeat_until.data:
            try:
                until = parse_date(self.repeat_until.data)
            except ValueError:
                add_error(self, "repeat_until", _l("Please give a date like 2027-03-07."))
                ok = False
        if self.repeat_count.data:
            if not self.repeat_count.data.isdigit() or not 2 <= int(self.repeat_count.data) <= recurrence.MAX_OCCURRENCES:
                add_error(self, "repeat_count", _l(
                    "Please give a number from 2 to %(max)d.", max=recurrence.MAX_OCCURRENCES))
                ok = False
            else:
                count = int(self.repeat_count.data)
        if ok and until is None and count is None:
            add_error(self, "repeat_until", _l("Say when it stops: an end date or a number of times."))
            ok = False
        if until is not None and count is not None:
            add_error(self, "repeat_count", _l("Give an end date or a number of times, not both."))
            ok = False
        exdates = []
        for part in re.split(r"[\s,;]+", self.skip_dates.data or ""):
            if not part:
                continue
            try:
                exdates.append(parse_date(part).isoformat())
            except ValueError:
                add_error(self, "skip_dates", _l("Please give dates like 2027-07-13, one per line."))
                ok = False
                break
        if not ok or start is None:
            return False, None
        local_start = to_local(start)
        if until is not None and until <= local_start.date():
            add_error(self, "repeat_until", _l("The end date must be after the first date."))
            return False, None
        if self.repeat_last.data and self.repeat.data == "monthly":
            if _next_week_month(local_start.date()) == local_start.month:
                add_error(self, "repeat_last", _l("The start date is not the last such weekday of its month."))
                return False, None
        rule = recurrence.build_rule(self.repeat.data, local_start, interval=interval,
                                   until=until, count=count,
                                   last_weekday=bool(self.repeat_last.data))
        return rule, sorted(set(exdates))


def _next_week_month(day: date) -> int:
    return (day + timedelta(days=7)).month


def _is_ambiguous(local: datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def event_form():
    """The event form with a section per site language for its texts."""
    return with_translations(EventForm, {
        "title": 200, "summary": 500, "description": 20000, "accessibility_notes": 2000,
        "interpretation_notes": 2000, "childcare_notes": 2000})


class CancelForm(Form):
    reason = TextAreaField(
        _l("Why is it cancelled?"), filters=[clean],
        validators=[DataRequired(_l("Please say why: registrants read it.")),
                    _max(services.MAX_REASON)],
        description=_l("Every registrant receives this in their e-mail."),
        render_kw={"rows": 4, "maxlength": services.MAX_REASON})


def cancel_form():
    """The reason, and its translations: each registrant reads it in their language."""
    return with_translations(CancelForm, {"reason": services.MAX_REASON})


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET form: filters in the address, nothing changes

    action = SelectField(_l("Action"), validate_choice=False)
    target_type = SelectField(_l("Type"), validate_choice=False)
    council = SelectField(_l("Sub-council"), validate_choice=False)
    date_from = StringField(_l("From"), filters=[one_line], render_kw={"type": "date"})
    date_to = StringField(_l("To"), filters=[one_line], render_kw={"type": "date"})

    def dates(self) -> tuple[date | None, date | None]:
        found = []
        for field in (self.date_from, self.date_to):
            value = None
            if field.data:
                try:
                    value = parse_date(field.data)
                except ValueError:
                    add_error(self, field.name, _l("Please give a date like 2027-03-07."))
            found.append(value)
        return found[0], found[1]
