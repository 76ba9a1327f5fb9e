from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms import Form
from ..registrations.forms import one_line
from .services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(Form):
    email = EmailField(
        _l("E-mail address"), filters=[one_line],
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    # No length rule here: a wrong password gets the one generic message.
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail address"), filters=[one_line],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254),
            Email(_l("Please enter a valid e-mail address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


class SetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("The password must be between %(min)d and %(max)d characters long.",
                           min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
            ),
        ],
        description=_l("At least %(count)d characters. A few unrelated words make a good one.",
                       count=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(_l("Please type the password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


