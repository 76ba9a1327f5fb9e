"""The site's languages, the reader's language, and content kept in several languages.

Interface strings come from the gettext catalogues (`translations/<code>/`);
the languages themselves are configuration (`LANGUAGES`): a new one needs its
catalogue and a line of configuration, no code and no migration. Everything
about a language that is not configuration (its name in its own language,
its writing direction, which browser languages it answers) comes from
Babel's CLDR data.
"""
from functools import lru_cache
from typing import Any, ClassVar

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import current_app, g, request
from flask_babel import get_locale as babel_get_locale
from flask_babel import get_translations as babel_get_translations
from sqlalchemy import JSON, String, text
from sqlalchemy.orm import Mapped, mapped_column

LANG_COOKIE = "lang"


# --- languages ----------------------------------------------------------------


def site_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def default_language() -> str:
    return site_languages()[0]


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def text_direction(code: str | None) -> str:
    """"rtl" for Arabic (and Urdu, Persian, Hebrew …), else "ltr"."""
    locale = _locale(code) if code else None
    return locale.text_direction if locale else "ltr"


def html_lang(code: str | None) -> str:
    """The BCP 47 tag of a language code: "zh_Hans" → "zh-Hans"."""
    return (code or "").replace("_", "-")


def native_name(code: str) -> str:
    """A language's name in that language ("العربية", "Español", "简体中文")."""
    override = (current_app.config.get("LANGUAGE_NAMES") or {}).get(code)
    if override:
        return override
    locale = _locale(code)
    if locale is None:
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def base_language(code: str) -> str:
    """The ISO 639 language of a code: "zh_Hans" and "zh-Hans" → "zh"."""
    return code.replace("_", "-").split("-")[0].lower() if code else ""


def event_language_codes() -> list[str]:
    """The languages events are held in that the site offers a filter and a
    feed for: each site language's ISO 639 code ("zh_Hans" → "zh")."""
    return list(dict.fromkeys(base_language(code) for code in site_languages()))


def language_choices() -> list:
    """The site's languages for a select, each by its own name and marked
    with its language, so a screen reader reads "العربية" in Arabic."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(code, native_name(code),
                         render_kw={"lang": html_lang(code), "dir": text_direction(code)})
            for code in site_languages()]


def language_name(code: str) -> str:
    """A language's name in the reader's language ("ar" → "Arabic", "arabe", "阿拉伯语")."""
    locale = _locale(code.replace("-", "_")) if code else None
    if locale is None:
        return code
    name = locale.get_display_name(get_locale()) or code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=256)
def _language_and_script(tag: str) -> tuple[str, str | None] | None:
    """The language of a browser's language tag and the script it is written
    in ("zh-CN" → ("zh", "Hans"), "zh-TW" → ("zh", "Hant"), "ar-EG" → ("ar", "Arab"))."""
    locale = _locale(tag.replace("-", "_"))
    if locale is None:
        return None
    script = locale.script
    if script is None:
        likely = get_global("likely_subtags").get(locale.language)
        likely_locale = _locale(likely) if likely else None
        script = likely_locale.script if likely_locale else None
    return locale.language, script


def match_language(tag: str, languages: tuple[str, ...]) -> str | None:
    """The site language a browser's language tag asks for, if any.

    Same language, and the same script where the site's language names one:
    `fr-CA` → `fr`, `es-MX` → `es`, `zh-CN` and `zh-Hans` → `zh_Hans`, but
    `zh-TW` (traditional characters) is not `zh_Hans`.
    """
    asked = _language_and_script(tag)
    if asked is None:
        return None
    for code in languages:
        locale = _locale(code)
        if locale is None or locale.language != asked[0]:
            continue
        if locale.script is None or locale.script == asked[1]:
            return code
    return None


def select_locale() -> str:
    """`?lang=`, then the cookie, then the browser's Accept-Language."""
    languages = site_languages()
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in languages:
        return remembered
    for tag, _quality in request.accept_languages:  # best first
        found = match_language(tag, languages)
        if found:
            return found
    return languages[0]


def remember_locale(response):
    """Keep the language chosen with `?lang=` for the next pages."""
    # The same address answers in the reader's language: tell caches so.
    response.vary.update(("Accept-Language", "Cookie"))
    asked = request.args.get("lang")
    # Pages only: a calendar feed (?lang= in its address) is public and
    # cacheable, and a calendar app has no use for the cookie.
    if (
        asked in current_app.config["LANGUAGES"]
        and request.cookies.get(LANG_COOKIE) != asked
        and response.mimetype == "text/html"
        # The framed list's language is the framing page's choice, not the reader's.
        and request.blueprint != "embed"
    ):
        response.set_cookie(
            LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def get_locale() -> Locale | None:
    """Flask-Babel's `get_locale`, quicker once the request's locale is chosen.

    Flask-Babel keeps the chosen locale (or the one `force_locale` sets for a
    mail) on `g._flask_babel.babel_locale`, and reaches it through three
    context-local lookups per call; a list page asks 300 times. Read it
    directly, and ask Flask-Babel only while it is not chosen yet (or outside
    an application context).
    """
    found = getattr(_babel_namespace(), "babel_locale", None)
    return found if found is not None else babel_get_locale()


def _babel_namespace():
    """Where Flask-Babel keeps the request's choices (`g._flask_babel`), or None."""
    try:
        return getattr(g._get_current_object(), "_flask_babel", None)
    except RuntimeError:  # no application context
        return None


def get_translations():
    """Flask-Babel's `get_translations`, from its own cache once it has them:
    the templates' `_()` asked it through eight context-local lookups, about
    9 µs a text and 70 texts a page."""
    namespace = _babel_namespace()
    locale = getattr(namespace, "babel_locale", None)
    domain = getattr(namespace, "babel_domain", None)
    if locale is not None and domain is not None:
        found = domain.get_translations_cache(namespace).get((str(locale), domain.domain[0]))
        if found is not None:
            return found
    return babel_get_translations()


def install_template_gettext(app) -> None:
    """The templates' `_()`/`ngettext()` as Flask-Babel installs them, with `get_translations` above."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def current_language() -> str:
    """The reader's language as configured ("en", "fr", "ar", "zh_Hans", …)."""
    locale = get_locale()
    return str(locale) if locale else default_language()


# --- content in several languages ---------------------------------------------


class LocalizedText(str):
    """A piece of content and the language it is actually in.

    A text missing in the reader's language falls back to another: pages
    mark it with its own `lang` and `dir` so screen readers pronounce it
    right (see the `in_lang` filter).
    """

    lang: str

    def __new__(cls, value: str, lang: str):
        text_ = super().__new__(cls, value)
        text_.lang = lang
        return text_

    @property
    def dir(self) -> str:
        return text_direction(self.lang)


def pick_text(texts: dict[str, str], language: str, original: str) -> LocalizedText:
    """From one text in several languages ({language: text}, as a chair gave a
    cancellation reason or a message): the reader's, else the original, else
    English, else any."""
    for candidate in (language, original, "en", *sorted(texts)):
        if texts.get(candidate):
            return LocalizedText(texts[candidate], candidate)
    return LocalizedText("", language)


class Localized:
    """Content written in `language`, with its translations kept as data.

    The columns named in `TRANSLATED` hold the text as it was written, in
    `language`; `translations` holds the others as one JSON map per row,
    `{"fr": {"title": "…", "summary": "…"}, "ar": {…}}`.

    Why a JSON map and not a table of translations: every page that shows a
    row shows its texts, so they come with the row in the same query (no
    join, no second query per listing); a new language is a new key, never a
    schema change; and JSON columns work alike on SQLite and PostgreSQL.
    What it costs — searching inside translations with SQL — no page needs.
    """

    TRANSLATED: ClassVar[tuple[str, ...]] = ()

    # The language the TRANSLATED columns are written in.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'"))

    def translation(self, language: str, field: str) -> str | None:
        """The text of `field` given in `language` (the original in its own language)."""
        if language == (self.language or "en"):
            return getattr(self, field) or None
        return ((self.translations or {}).get(language) or {}).get(field) or None

    def localized(self, field: str, language: str | None = None) -> LocalizedText:
        """`field` in the reader's language; else in the language it was
        written in; else English; else any language that has it; else ""."""
        language = language or current_language()
        original = self.language or "en"
        for candidate in (language, original, "en"):
            found = self.translation(candidate, field)
            if found:
                return LocalizedText(found, candidate)
        for candidate, texts in sorted((self.translations or {}).items()):
            if texts.get(field):
                return LocalizedText(texts[field], candidate)
        return LocalizedText("", language)

    @classmethod
    def clean_translations(cls, values: dict[str, dict[str, Any]], original: str) -> dict:
        """`values` ({language: {field: text}}) as stored: only TRANSLATED
        fields with a text, nothing for the original language, and a new
        dict each time (JSON columns are not tracked in place: assigning a
        new value is what the ORM sees)."""
        cleaned = {}
        for language, texts in sorted(values.items()):
            if language == original:
                continue
            kept = {field: value.strip() for field, value in texts.items()
                    if field in cls.TRANSLATED and isinstance(value, str) and value.strip()}
            if kept:
                cleaned[language] = kept
        return cleaned

    def missing_languages(self, languages, fields: tuple[str, ...] | None = None) -> list[str]:
        """The languages among `languages` lacking a text for one of `fields`
        (default: the first TRANSLATED field, the title or name) that the
        original has."""
        fields = fields or self.TRANSLATED[:1]
        needed = [field for field in fields if getattr(self, field)]
        return [language for language in languages
                if any(self.translation(language, field) is None for field in needed)]
