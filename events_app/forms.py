"""The base of every form: Flask-WTF's, with WTForms' own messages ("This
field is required.", "Not a valid choice.") translated from a catalogue
loaded once per process and language.

Flask-WTF reads WTForms' catalogue from disk again for each request that
shows or checks a form (about 0.3 ms: every event page and registration).
"""
from functools import lru_cache

from babel import support
from flask import current_app, has_request_context
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from .i18n import get_locale


@lru_cache(maxsize=None)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            if not has_request_context() or not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            locale = get_locale()
            return _wtforms_translations(str(locale)) if locale is not None else None
