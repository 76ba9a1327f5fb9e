"""Forms of the accounts pages (admins only): invite a person, change an account."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from ..accounts.models import ROLE_LABELS, Role
from ..forms import Form
from ..registrations.forms import MultiCheckboxField, clean, one_line

_MAX = _l("Please use at most %(max)d characters.")


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class _AccountFields(Form):
    name = StringField(
        _l("Name"), filters=[one_line],
        validators=[DataRequired(_l("Please enter the person's name.")),
                    Length(max=200, message=_MAX)],
        render_kw={"maxlength": 200, "autocomplete": "off"},
    )
    role = RadioField(
        _l("Role"), choices=_role_choices(), default=Role.CHAIR.value,
        validators=[InputRequired(_l("Please choose a role."))],
    )
    councils = MultiCheckboxField(
        _l("Sub-councils"), coerce=int, validate_choice=False,
        description=_l("The Sub-councils whose events a chair manages. Administrators manage every Sub-council."),
    )

    def set_councils(self, councils) -> None:
        self.councils.choices = [SelectChoice(c.id, c.localized("name")) for c in councils]

    def validate_role(self, field):
        if field.data not in {role.value for role in Role}:
            raise ValidationError(_l("Please choose a role from the list."))

    def validate_councils(self, field):
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Please pick Sub-councils from the list."))


class InviteForm(_AccountFields):
    email = EmailField(
        _l("E-mail address"), filters=[one_line],
        validators=[
            DataRequired(_l("Please enter the person's e-mail address.")),
            Length(max=254, message=_MAX),
            Email(_l("Please enter an e-mail address like name@example.com."),
                  check_deliverability=False),
        ],
        description=_l("The invitation is sent here: a link to choose a password."),
        render_kw={"maxlength": 254, "autocomplete": "off"},
    )


class UserForm(_AccountFields):
    """Name, role and Sub-councils of an existing account (the address stays)."""
