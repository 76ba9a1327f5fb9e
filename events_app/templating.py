"""Jinja filters and globals: dates in the site's zone and the reader's language."""
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import lru_cache

from flask import Flask, Response, current_app, render_template, request, stream_with_context, url_for
from babel import Locale, dates
from markupsafe import Markup, escape

from .timeutil import site_zone, to_local
from .i18n import (
    current_language, get_locale, html_lang, language_name, native_name, site_languages, text_direction,
)


# Babel's own formatters, given the locale and the zone: Flask-Babel's
# wrappers look both up again on every call, which is most of the cost of a
# date on a page that shows fifty of them.
_ENGLISH = Locale("en")


def _locale() -> Locale:
    return get_locale() or _ENGLISH


def local_date(value: datetime, format: str = "full") -> str:
    """The date of `value` in the site's zone, in the reader's language."""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return _formatted("date", value, format, _locale(), None)


def local_time(value: datetime) -> str:
    return _formatted("time", _instant(value), "short", _locale(), site_zone())


def local_datetime(value: datetime, format: str = "medium") -> str:
    return _formatted("datetime", _instant(value), format, _locale(), site_zone())


def _instant(value: datetime) -> datetime:
    """In UTC, as a key: two wall-clock times of the repeated hour are equal
    in their own zone (Python compares them without `fold`), never in UTC."""
    return value.astimezone(timezone.utc) if value.tzinfo is not None else value


@lru_cache(maxsize=8192)
def _formatted(kind: str, value, format: str, locale: Locale, zone) -> str:
    """Babel's formatting of one day or moment, kept: a page shows the same
    dates and times on every render (a list of 20 events formats about 60),
    and each costs Babel 10-30 µs. Pure: the key is everything it depends on
    (a day, not a datetime, for a date; the zone for a time)."""
    if kind == "date":
        return dates.format_date(value, format, locale=locale)
    if kind == "time":
        return dates.format_time(value, format, tzinfo=zone, locale=locale)
    return dates.format_datetime(value, format, tzinfo=zone, locale=locale)


def local_moment(value: datetime) -> str:
    """"Nov 22, 2026, 9:00 AM": an unambiguous date and a time without
    seconds, joined as the reader's language joins them."""
    glue = str(_locale().datetime_formats["medium"])
    return glue.format(local_time(value), local_date(value, "medium"))


def time_range(start: datetime, end: datetime) -> str:
    """'Sunday, March 7, 2027, 10:00 AM – 11:30 AM' in the reader's language."""
    zone = site_zone()
    if start.astimezone(zone).date() == end.astimezone(zone).date():
        # The date and the times joined as the language joins a date and a
        # time ("{1}, {0}"; Arabic with its own comma, Chinese with a space).
        glue = str(_locale().datetime_formats["medium"])
        return glue.format(f"{local_time(start)} – {local_time(end)}", local_date(start))
    return f"{local_datetime(start, 'full')} – {local_datetime(end, 'full')}"


def list_separator() -> str:
    """What separates the items of a list in the reader's language
    (", " in English, " و" (and) in Arabic, "、" in Chinese), from CLDR."""
    pattern = (get_locale() or Locale("en")).list_patterns["standard"]["middle"]
    return pattern.replace("{0}", "").replace("{1}", "")


def in_lang(text) -> Markup:
    """Content in a language other than the page's (a fallback, `LocalizedText`)
    wrapped in a span saying which, so screen readers pronounce it right and
    its direction is its own; anything else, escaped, as it is."""
    lang = getattr(text, "lang", None)
    if not text or not lang or lang == current_language():
        return escape(text)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(
        html_lang(lang), text_direction(lang), text)


def missing_languages(obj, fields: tuple[str, ...] | None = None) -> Markup:
    """The site languages a row's texts are not yet translated into, by name."""
    missing = obj.missing_languages(site_languages(), fields)
    if not missing:
        return Markup("—")
    return Markup(", ").join(
        Markup('<span lang="{}">{}</span>').format(html_lang(code), native_name(code))
        for code in missing)


def language_links() -> list[dict]:
    """Every site language by its own name, with this page's address in it."""
    current = current_language()
    return [{"code": code, "name": native_name(code), "lang": html_lang(code),
             "dir": text_direction(code), "url": url_with(lang=code), "current": code == current}
            for code in site_languages()]


def url_with(**changes) -> str:
    """This page with some query arguments changed (keeps the others)."""
    args = request.args.to_dict(flat=False)
    args.update({key: [value] for key, value in changes.items()})
    if request.endpoint is None:  # an error page: offer the home page
        return url_for("events.home", **changes)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def field_attrs(field, **extra) -> dict:
    """A form field's ARIA attributes: its hint and errors described, invalid when wrong."""
    attrs, described = {}, []
    if field.description:
        described.append(f"{field.id}-hint")
    if field.errors:
        described.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs.update(extra)
    return attrs


def organisation() -> dict[str, str]:
    """The organisation's name and contact details as configured (each may be empty)."""
    config = current_app.config
    return {
        "name": config["SITE_NAME"],
        "address": config.get("ORGANISATION_ADDRESS", ""),
        "email": config.get("ORGANISATION_EMAIL", ""),
        "phone": config.get("ORGANISATION_PHONE", ""),
        "website": config.get("ORGANISATION_WEBSITE", ""),
        "funder": config.get("ORGANISATION_FUNDER", ""),
    }


# Where a streamed page's rows go: user content is escaped, so it can never
# contain this.
ROWS_HERE = Markup("<!-- rows -->")


def stream_page(template_name: str, rows_template: str, rows: Iterable, **context) -> Response:
    """A page whose long list is sent while it is read from the database.

    The page itself (`template_name`, with `{{ rows_here }}` where the list
    goes) is rendered now, while the request's database session is open:
    everything it shows is loaded before the response begins. The rows are
    rendered afterwards by `rows_template` (which gets `rows` and the same
    context) as `rows` is consumed, in pieces of about STREAM_CHUNK
    characters; Flask-SQLAlchemy has by then closed the view's session, so
    `rows` must read through `db.session` as it goes (a fresh session) and
    the rows template may only use what the page already loaded of the
    objects passed in `context`. A page that leaves `rows_here` out (an empty
    list) is sent as it is.
    """
    head, here, tail = render_template(template_name, rows_here=ROWS_HERE, **context).partition(ROWS_HERE)
    if not here:  # the page shows no list (nothing to list)
        return current_app.response_class(head, mimetype="text/html")
    template = current_app.jinja_env.get_template(rows_template)
    context = dict(context, rows=rows)

    def body():
        yield head
        current_app.update_template_context(context)
        buffer, size = [], 0
        for piece in template.generate(context):
            buffer.append(piece)
            size += len(piece)
            if size >= STREAM_CHUNK:
                yield "".join(buffer)
                buffer, size = [], 0
        buffer.append(tail)
        yield "".join(buffer)

    return current_app.response_class(stream_with_context(body()), mimetype="text/html")


STREAM_CHUNK = 32 * 1024


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_date=local_date,
        local_time=local_time,
        local_datetime=local_datetime,
        local_moment=local_moment,
        language_name=language_name,
        in_lang=in_lang,
        html_lang=html_lang,
        text_direction=text_direction,
        native_name=native_name,
    )
    app.jinja_env.globals.update(
        time_range=time_range,
        organisation=organisation,
        url_with=url_with,
        current_language=current_language,
        field_attrs=field_attrs,
        site_languages=site_languages,
        list_separator=list_separator,
        missing_languages=missing_languages,
        language_links=language_links,
        page_lang=lambda: html_lang(current_language()),
        page_dir=lambda: text_direction(current_language()),
        # Mail clients that ignore `dir` still honour an explicit alignment.
        align_start=lambda: "right" if text_direction(current_language()) == "rtl" else "left",
    )
