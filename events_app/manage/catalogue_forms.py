"""Forms of the Sub-council, theme, venue and recommendation screens.

Numbers are text fields parsed here, so every message is our own and in the
reader's language. `values()` hands the service model attribute names;
the rules that need the database (a unique code, who may move a
recommendation) are the service's, which raises `FieldError` for a field.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..councils.models import RECOMMENDATION_STATUS_LABELS, RecommendationStatus
from ..forms import Form
from ..registrations.forms import clean, one_line
from .event_forms import MultiCheckboxField
from .translation_forms import with_translations

TOO_LONG = _l("Please use at most %(max)d characters.")
POSITION = re.compile(r"-?\d{1,6}")
CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
WEB_ADDRESS = re.compile(r"https?://[^\s/]+\.[^\s]+")


def _max(n: int) -> Length:
    return Length(max=n, message=TOO_LONG)


def _text(label, n: int, *, required=None, description=None, area=False, rows=2):
    validators = [DataRequired(required) if required else Optional(), _max(n)]
    field = TextAreaField if area else StringField
    render_kw = {"maxlength": n}
    if area:
        render_kw["rows"] = rows
    return field(label, filters=[clean if area else one_line], validators=validators, description=description,
                 render_kw=render_kw)


def upper(value):
    return value.upper() if isinstance(value, str) else value


def _position():
    return StringField(
        _l("Position (optional)"), filters=[one_line], validators=[Optional(), _max(7)],
        description=_l("Lists are sorted by this number, smallest first. Empty: after the others."),
        render_kw={"type": "number", "inputmode": "numeric", "maxlength": 7})


class _PositionMixin:
    def validate_position(self, field):
        if field.data and not POSITION.fullmatch(field.data):
            raise ValidationError(_l("Please give a whole number, like 3."))

    def position_value(self) -> int | None:
        return int(self.position.data) if self.position.data else None


class CouncilForm(_PositionMixin, Form):
    name = _text(_l("Name"), 120, required=_l("Please give the Sub-council a name."))
    description = _text(_l("Description (optional)"), 20000, area=True, rows=5)
    position = _position()
    digest_email = EmailField(
        _l("Digest e-mail address (optional)"), filters=[one_line],
        validators=[Optional(), _max(254),
                    Email(_l("Please enter an e-mail address like name@example.com."),
                          check_deliverability=False)],
        description=_l("Where the chairs' weekly digest goes while the Sub-council "
                       "has no active chair account."),
        render_kw={"maxlength": 254, "autocomplete": "off"})

    def values(self) -> dict:
        return {"name": self.name.data, "description": self.description.data or "",
                "position": self.position_value(), "digest_email": self.digest_email.data or None,
                **self.language_values()}


class ThemeForm(_PositionMixin, Form):
    name = _text(_l("Name"), 120, required=_l("Please give the theme a name."))
    outcome = _text(_l("Intended outcome (optional)"), 2000, area=True, rows=3,
                    description=_l("What the partnership means to achieve under this theme, "
                                   "as its report states it."))
    position = _position()

    def values(self) -> dict:
        return {"name": self.name.data, "outcome": self.outcome.data or "",
                "position": self.position_value(), **self.language_values()}


class VenueForm(Form):
    name = _text(_l("Name"), 200, required=_l("Please give the venue a name."))
    address = _text(_l("Address"), 300, required=_l("Please give the venue's address."),
                    description=_l("Street, city and postal code, as residents would look it up."))
    directions = _text(
        _l("How to get there (optional)"), 2000, area=True, rows=2,
        description=_l("Bus routes, which door, which floor or room."))
    accessibility_notes = _text(
        _l("Accessibility (optional)"), 2000, area=True, rows=3,
        description=_l("Entrances, lifts, washrooms, parking, public transit: "
                       "shown on every event held here."))
    map_url = StringField(
        _l("Map address (optional)"), filters=[one_line], validators=[Optional(), _max(500)],
        description=_l("A link to the place on a map: https://…"),
        render_kw={"type": "url", "maxlength": 500})

    def validate_map_url(self, field):
        if field.data and not (WEB_ADDRESS.fullmatch(field.data)
                               and urlsplit(field.data).scheme in ("http", "https")):
            raise ValidationError(_l("Please give a full address starting with https://"))

    def values(self) -> dict:
        return {"name": self.name.data, "address": self.address.data,
                "directions": self.directions.data or "",
                "accessibility_notes": self.accessibility_notes.data or "",
                "map_url": self.map_url.data or None, **self.language_values()}


def _status_choices() -> list[SelectChoice]:
    return [SelectChoice(status.value, label)
            for status, label in RECOMMENDATION_STATUS_LABELS.items()]


class RecommendationForm(_PositionMixin, Form):
    # First on the page: changing the status is what the form is mostly for.
    status = RadioField(
        _l("Status"), choices=_status_choices(), default=RecommendationStatus.OPEN.value,
        validate_choice=False,  # our own message (validate_status), in the reader's language
        validators=[InputRequired(_l("Please choose a status."))])
    code = StringField(
        _l("Code"), filters=[one_line, upper],
        validators=[DataRequired(_l("Please give the recommendation a code.")), _max(20)],
        description=_l("Like HW-3: letters and digits, parts joined by hyphens. "
                       "It is part of the recommendation's public address and cannot be changed later."),
        render_kw={"maxlength": 20, "autocomplete": "off"})
    title = _text(_l("Title"), 200, required=_l("Please give the recommendation a title."))
    description = _text(_l("Description (optional)"), 20000, area=True, rows=5)
    council = SelectField(_l("Sub-council"), validate_choice=False)
    themes = MultiCheckboxField(_l("Themes"), coerce=int, validate_choice=False)
    position = _position()

    def setup(self, councils, themes, *, may_move: bool, creating: bool) -> None:
        """Choices; a chair keeps the Sub-council, and the code is given once."""
        self.council.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(str(c.id), c.localized("name")) for c in councils]
        self._councils = {str(c.id): c for c in councils}
        self.themes.choices = [SelectChoice(t.id, t.localized("name")) for t in themes]
        self._themes = {t.id: t for t in themes}
        if not creating:
            del self.code
        if not may_move:
            del self.council

    def fill_from(self, recommendation) -> None:
        for name in ("status", "title", "description"):
            getattr(self, name).data = getattr(recommendation, name) or ""
        self.fill_translations(recommendation)
        self.position.data = str(recommendation.position)
        if "council" in self:
            self.council.data = str(recommendation.council_id)
        self.themes.data = [t.id for t in recommendation.themes]

    def validate_status(self, field):
        if field.data not in {status.value for status in RecommendationStatus}:
            raise ValidationError(_l("Please choose a status from the list."))

    def validate_council(self, field):
        if field.data not in self._councils:
            raise ValidationError(_l("Please choose a Sub-council from the list."))

    def validate_themes(self, field):
        if any(value not in self._themes for value in field.data or []):
            raise ValidationError(_l("Please pick themes from the list."))

    def validate_code(self, field):
        if field.data and not CODE.fullmatch(field.data):
            raise ValidationError(_l("Use letters, digits and hyphens only, like HW-3."))

    def values(self) -> dict:
        picked = set(self.themes.data or [])
        values = {"status": self.status.data, "title": self.title.data,
                  "description": self.description.data or "", **self.language_values(),
                  "themes": [t for t in self._themes.values() if t.id in picked],
                  "position": self.position_value()}
        if "code" in self:
            values["code"] = self.code.data
        if "council" in self:
            values["council"] = self._councils[self.council.data]
        return values


# Each form with a section per site language for its translatable texts
# (made when first asked for, for the configured languages).
def council_form():
    return with_translations(CouncilForm, {"name": 120, "description": 20000})


def theme_form():
    return with_translations(ThemeForm, {"name": 120, "outcome": 2000})


def venue_form():
    return with_translations(VenueForm, {"name": 200, "directions": 2000, "accessibility_notes": 2000})


def recommendation_form():
    return with_translations(RecommendationForm, {"title": 200, "description": 20000})
