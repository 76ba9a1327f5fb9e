"""The registration form: short, in the reader's language, usable without JavaScript."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..events.models import EventKind
from ..forms import Form
from ..i18n import current_language, language_choices

# Control characters (NUL above all, which PostgreSQL refuses) never reach
# the database, nor do the bidirectional embedding and override characters
# (U+202A–U+202E, U+2066–U+2069) that make a name display as something else
# in a staff list; line breaks become "\n" (a lone "\r" in a title once
# made every later e-mail unsendable); tabs and line breaks stay only in the
# longer answers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def clean(value):
    """A text answer as it is stored: line breaks "\n", no control characters."""
    if isinstance(value, str):
        return _CONTROL.sub("", _LINE_BREAK.sub("\n", value)).strip()
    return value


def one_line(value):
    """A one-line answer (a name, a title, an address): no line break at all."""
    value = clean(value)
    if isinstance(value, str):
        # Runs of spaces and line breaks become one space; a no-break space
        # (French typography) stays.
        return re.sub(r"[ \t\n]+", " ", value)
    return value


def your_email_field() -> EmailField:
    """A resident's own address (registering, subscribing), checked for
    syntax only: no lookup of the domain (no network, no delay)."""
    return EmailField(
        _l("E-mail address"),
        filters=[one_line],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("Please use at most %(max)d characters.")),
            Email(_l("Please enter an e-mail address like name@example.com."),
                  check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationForm(Form):
    name = StringField(
        _l("Your name"),
        filters=[one_line],
        validators=[DataRequired(_l("Please enter your name.")),
                    Length(max=200, message=_l("Please use at most %(max)d characters."))],
        render_kw={"autocomplete": "name", "maxlength": 200},
    )
    email = your_email_field()
    phone = TelField(
        _l("Phone (optional)"),
        filters=[one_line],
        validators=[
            Optional(),
            Length(max=40, message=_l("Please use at most %(max)d characters.")),
            Regexp(r"^[0-9+()./\- ]*(?:(?:x|ext\.?) ?[0-9]+)?$", re.IGNORECASE,
                   message=_l("Please use digits, spaces and + ( ) - only.")),
        ],
        render_kw={"autocomplete": "tel", "maxlength": 40},
    )
    preferred_language = SelectField(_l("Language for our e-mails"))
    sessions = MultiCheckboxField(_l("Sessions"), coerce=int, validate_choice=False)
    interpretation_language = StringField(
        _l("Interpretation into another language (optional)"),
        filters=[one_line],
        validators=[Optional(), Length(max=100, message=_l("Please use at most %(max)d characters."))],
        description=_l("For example Arabic, Spanish or American Sign Language."),
        render_kw={"maxlength": 100},
    )
    accessibility_needs = TextAreaField(
        _l("Accessibility needs (optional)"),
        filters=[clean],
        validators=[Optional(), Length(max=1000, message=_l("Please use at most %(max)d characters."))],
        description=_l("For example step-free access, a sign language interpreter or large print."),
        render_kw={"maxlength": 1000, "rows": 3},
    )
    childcare_needs = TextAreaField(
        _l("Childcare (optional)"),
        filters=[clean],
        validators=[Optional(), Length(max=500, message=_l("Please use at most %(max)d characters."))],
        description=_l("How many children, and their ages."),
        render_kw={"maxlength": 500, "rows": 2},
    )
    consent = BooleanField(
        _l("I agree to the privacy notice: my details are used only for this event."),
        validators=[DataRequired(_l("Please agree to the privacy notice to register."))],
    )
    # A field people never see and spam robots fill in.
    website = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )

    def __init__(self, event=None, **kwargs):
        super().__init__(**kwargs)
        self.preferred_language.choices = language_choices()
        if not self.preferred_language.data:
            self.preferred_language.data = current_language()
        self.sessions.choices = []
        if event is not None and event.kind == EventKind.COMMUNITY_MEETING:
            self.sessions.choices = [
                SelectChoice(s.id, s.localized("title")) for s in event.sessions if s.is_published
            ]

    def validate_preferred_language(self, field):
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Please choose a language from the list."))

    def validate_sessions(self, field):
        offered = {choice.value for choice in self.sessions.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError(_l("Please pick sessions of this meeting only."))

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Please leave this field empty."))

    def person(self) -> dict:
        """What `registrations.services.register` takes from the form."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "consent": bool(self.consent.data),
            "phone": self.phone.data or None,
            "preferred_language": self.preferred_language.data,
            "interpretation_language": self.interpretation_language.data or None,
            "accessibility_needs": self.accessibility_needs.data or None,
            "childcare_needs": self.childcare_needs.data or None,
            "session_ids": list(self.sessions.data or []),
        }
