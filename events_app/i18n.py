"""Locale selection and the helpers that show content in the reader's language."""
from flask import current_app, request
from flask_babel import get_locale

LANG_COOKIE = "lang"


def select_locale() -> str:
    """`?lang=`, then the cookie, then the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


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
    ):
        response.set_cookie(
            LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


class Localized:
    """Mixin for content kept in English with optional French columns.

    `obj.localized("title")` returns `title_fr` for a French reader when it is
    filled in, else the English text.
    """

    def localized(self, field: str) -> str:
        if current_language() == "fr":
            french = getattr(self, f"{field}_fr", None)
            if french:
                return french
        return getattr(self, field)
