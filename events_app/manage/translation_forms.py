"""Translations in the staff forms: one section per site language, no JavaScript.

A form that edits translatable content (`i18n.Localized`) gets, for each
configured language and each translated field, an optional field named
`<field>__<language>` (`title__ar`), plus `language`: the language the main
fields are written in. The form class is made for the site's languages when
the page asks for it, so a new language in `LANGUAGES` needs no code here.
"""
from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..i18n import native_name, site_languages
from ..registrations.forms import clean, one_line

TOO_LONG = _l("Please use at most %(max)d characters.")

# What each kind of translated field is: (label, maximum length, rows; 0 = one line).
FIELD_KINDS = {
    "title": (_l("Title"), 200, 0),
    "name": (_l("Name"), 200, 0),
    "summary": (_l("Summary"), 500, 2),
    "description": (_l("Description"), 20000, 5),
    "outcome": (_l("Intended outcome"), 2000, 3),
    "directions": (_l("How to get there"), 2000, 2),
    "accessibility_notes": (_l("Accessibility"), 2000, 2),
    "interpretation_notes": (_l("Interpretation"), 2000, 2),
    "childcare_notes": (_l("Childcare"), 2000, 2),
    # Not stored on a row: what a chair writes to registrants, per language.
    "reason": (_l("Why is it cancelled?"), 1000, 3),
    "subject": (_l("Subject"), 200, 0),
    "body": (_l("Message"), 5000, 6),
}


def _field(name: str, max_length: int | None = None):
    label, default_max, rows = FIELD_KINDS[name]
    limit = max_length or default_max
    validators = [Optional(), Length(max=limit, message=TOO_LONG)]
    if rows:
        return TextAreaField(label, filters=[clean], validators=validators,
                             render_kw={"rows": rows, "maxlength": limit})
    return StringField(label, filters=[one_line], validators=validators,
                       render_kw={"maxlength": limit})


class TranslationsMixin:
    """What a form made by `with_translations` can do."""

    translation_languages: tuple[str, ...] = ()
    translated_fields: tuple[str, ...] = ()

    def setup_languages(self) -> None:
        self.language.choices = [SelectChoice(code, native_name(code))
                                 for code in self.translation_languages]
        if not self.language.data or self.language.data not in self.translation_languages:
            self.language.data = self.translation_languages[0]

    def translation_sections(self) -> list[tuple[str, list]]:
        """(language, its fields) for every language but the one written in."""
        original = self.language.data
        return [(code, [self[f"{name}__{code}"] for name in self.translated_fields])
                for code in self.translation_languages if code != original]

    def translation_values(self) -> dict[str, dict[str, str]]:
        return {code: {name: self[f"{name}__{code}"].data or "" for name in self.translated_fields}
                for code, _fields in self.translation_sections()}

    def texts_by_language(self, name: str) -> dict[str, str]:
        """One field in every language it was given in ({language: text}), the
        main field (`name`) under the language it is written in."""
        texts = {self.language.data: self[name].data or ""}
        texts.update({code: values[name] for code, values in self.translation_values().items()
                      if values.get(name)})
        return {code: text for code, text in texts.items() if text}

    def language_values(self) -> dict:
        """The model values: the language written in and the translations."""
        return {"language": self.language.data, "translations": self.translation_values()}

    def fill_translations(self, obj) -> None:
        self.language.data = obj.language or "en"
        for code in self.translation_languages:
            texts = (obj.translations or {}).get(code) or {}
            for name in self.translated_fields:
                self[f"{name}__{code}"].data = texts.get(name, "")


@lru_cache(maxsize=32)
def _form_class(form_class, languages: tuple[str, ...], fields: tuple[tuple[str, int | None], ...]):
    attrs = {
        "language": SelectField(_l("Written in"), validate_choice=True,
                                description=_l("The language of the texts above.")),
        "translation_languages": languages,
        "translated_fields": tuple(name for name, _max in fields),
    }
    for code in languages:
        for name, max_length in fields:
            attrs[f"{name}__{code}"] = _field(name, max_length)
    return type(form_class.__name__, (TranslationsMixin, form_class), attrs)


def with_translations(form_class, fields: dict[str, int | None] | tuple[str, ...]):
    """`form_class` with a translation section per site language for `fields`
    (a name, or a name and its maximum length)."""
    if not isinstance(fields, dict):
        fields = dict.fromkeys(fields)
    return _form_class(form_class, site_languages(), tuple(fields.items()))
