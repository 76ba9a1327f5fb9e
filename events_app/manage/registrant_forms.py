"""Forms of the registrants pages: a walk-in, a move, a message, the door."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..forms import Form
from ..i18n import language_choices
from ..registrations.forms import MultiCheckboxField, clean, one_line
from .translation_forms import with_translations

_MAX = _l("Please use at most %(max)d characters.")


class WalkInForm(Form):
    name = StringField(
        _l("Name"), filters=[one_line],
        validators=[DataRequired(_l("Please enter the person's name.")), Length(max=200, message=_MAX)],
        render_kw={"maxlength": 200, "autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail address (optional)"), filters=[one_line],
        validators=[
            Optional(), Length(max=254, message=_MAX),
            Email(_l("Please enter an e-mail address like name@example.com."),
                  check_deliverability=False),
        ],
        description=_l("Without one, the person gets no confirmation or reminders by e-mail."),
        render_kw={"maxlength": 254, "autocomplete": "off"},
    )
    phone = TelField(_l("Phone (optional)"), filters=[one_line],
                     validators=[Optional(), Length(max=40, message=_MAX)],
                     render_kw={"maxlength": 40, "autocomplete": "off"})
    preferred_language = SelectField(_l("Language for our e-mails"), default="en")
    sessions = MultiCheckboxField(_l("Sessions"), coerce=int, validate_choice=False)
    interpretation_language = StringField(
        _l("Interpretation into another language (optional)"), filters=[one_line],
        validators=[Optional(), Length(max=100, message=_MAX)], render_kw={"maxlength": 100})
    accessibility_needs = TextAreaField(
        _l("Accessibility needs (optional)"), filters=[clean],
        validators=[Optional(), Length(max=1000, message=_MAX)],
        render_kw={"maxlength": 1000, "rows": 2})
    childcare_needs = TextAreaField(
        _l("Childcare (optional)"), filters=[clean],
        validators=[Optional(), Length(max=500, message=_MAX)],
        render_kw={"maxlength": 500, "rows": 2})
    consent = BooleanField(
        _l("The person agreed to the privacy notice (on paper or aloud)."),
        validators=[DataRequired(_l("Registration needs the person's agreement to the privacy notice."))],
    )
    attended = BooleanField(_l("They are here now: mark them attended."))

    def __init__(self, event=None, **kwargs):
        super().__init__(**kwargs)
        self.preferred_language.choices = language_choices()
        self.sessions.choices = []
        if event is not None:
            self.sessions.choices = [
                SelectChoice(s.id, s.localized("title")) for s in event.sessions if s.is_published]

    def validate_preferred_language(self, field):
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Please choose a language from the list."))

    def validate_sessions(self, field):
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Please pick sessions of this meeting only."))


class MoveForm(Form):
    # By slug: a session's address, as in the rest of /manage.
    to_session = SelectField(_l("Move to"), validate_choice=False)

    def __init__(self, sessions=(), **kwargs):
        super().__init__(**kwargs)
        self.to_session.choices = [SelectChoice(s.slug, s.localized("title")) for s in sessions]

    def validate_to_session(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Please pick a session of this meeting."))


class MessageForm(Form):
    audience = RadioField(
        _l("Send to"),
        choices=[SelectChoice("confirmed", _l("People with a confirmed place")),
                 SelectChoice("waitlisted", _l("People on the waitlist")),
                 SelectChoice("all", _l("Everyone registered (confirmed and waitlisted)"))],
        default="confirmed",
        validators=[InputRequired(_l("Please choose who gets the message."))],
    )
    subject = StringField(
        _l("Subject"), filters=[one_line],
        validators=[DataRequired(_l("Please write a subject.")), Length(max=200, message=_MAX)],
        render_kw={"maxlength": 200},
    )
    body = TextAreaField(
        _l("Message"), filters=[clean],
        validators=[DataRequired(_l("Please write the message.")), Length(max=5000, message=_MAX)],
        description=_l("Sent as you write it, followed by the person's registration link."),
        render_kw={"maxlength": 5000, "rows": 8},
    )


def message_form():
    """The message, and its translations: each registrant reads their language's."""
    return with_translations(MessageForm, {"subject": 200, "body": 5000})


class AttendForm(Form):
    """One button at the door; `q` brings the person back to the same search."""

    attended = HiddenField()
    q = HiddenField()
    day = HiddenField()  # a repeating event: the date (YYYY-MM-DD) checked in for
    admit = HiddenField()  # "1": let someone on the waitlist in (gives them a place)

    def validate_attended(self, field):
        if field.data not in ("1", "0"):
            raise ValidationError("attended must be 1 or 0")


class ConfirmForm(Form):
    """A confirmation page's button: its CSRF token and nothing else."""
