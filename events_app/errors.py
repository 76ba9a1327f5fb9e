"""The one kind of error a service raises when a rule says no."""
from flask_babel import lazy_gettext as _l


class RuleError(Exception):
    """A rule said no. `code` is for programs, `message` for the person
    (shown in their language, so often a lazy string)."""

    code = "rule_error"
    message = _l("This could not be done.")

    def __init__(self, message=None, **details):
        super().__init__(self.code)
        if message is not None:
            self.message = message
        self.details = details

    def __str__(self) -> str:
        return str(self.message)
