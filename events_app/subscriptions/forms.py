"""Subscribing to the weekly digest, and changing a subscription."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from ..forms import Form
from ..i18n import current_language, language_choices
from ..registrations.forms import MultiCheckboxField, your_email_field


def _int_or_none(value):
    """Checkbox values as ids; anything else (a bogus value) becomes None and
    is refused by the validator, with a message, instead of a coercion error."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ChoicesForm(Form):
    """What the digest holds and its language (the subscription page)."""

    language = SelectField(_l("Language of the digest"))
    is_language_only = BooleanField(
        _l("Only events I can follow in this language: held in it, or with interpretation into it"))
    councils = MultiCheckboxField(_l("Sub-councils"), coerce=_int_or_none, validate_choice=False)
    themes = MultiCheckboxField(_l("Themes"), coerce=_int_or_none, validate_choice=False)

    def __init__(self, councils=(), themes=(), **kwargs):
        super().__init__(**kwargs)
        self.language.choices = language_choices()
        if not self.language.data:
            self.language.data = current_language()
        self.councils.choices = [SelectChoice(c.id, c.localized("name")) for c in councils]
        self.themes.choices = [SelectChoice(t.id, t.localized("name")) for t in themes]

    def validate_language(self, field):
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Please choose a language from the list."))

    def _check_offered(self, field):
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError(_l("Please pick from the list only."))

    def validate_councils(self, field):
        self._check_offered(field)

    def validate_themes(self, field):
        self._check_offered(field)

    def choices(self) -> dict:
        return {
            "language": self.language.data,
            "is_language_only": bool(self.is_language_only.data),
            "council_ids": list(self.councils.data or []),
            "theme_ids": list(self.themes.data or []),
        }


class SubscribeForm(ChoicesForm):
    email = your_email_field()
    consent = BooleanField(
        _l("I agree to the privacy notice: my address is used only to send this digest."),
        validators=[DataRequired(_l("Please agree to the privacy notice to subscribe."))],
    )
    # A field people never see and spam robots fill in.
    website = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Please leave this field empty."))

    def choices(self) -> dict:
        return {**super().choices(), "email": self.email.data, "consent": bool(self.consent.data)}
