"""Jinja filters and globals: dates in the site's zone and the reader's language."""
from datetime import datetime

from babel import Locale
from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_time, get_locale

from .i18n import current_language


def local_date(value: datetime, format: str = "full") -> str:
    return format_date(value, format)


def local_time(value: datetime) -> str:
    return format_time(value, "short")


def local_datetime(value: datetime, format: str = "medium") -> str:
    return format_datetime(value, format)


def time_range(start: datetime, end: datetime) -> str:
    """'Sunday, March 7, 2027, 10:00 AM – 11:30 AM' in the reader's language."""
    if format_date(start, "short") == format_date(end, "short"):
        return f"{local_date(start)}, {local_time(start)} – {local_time(end)}"
    return f"{local_datetime(start, 'full')} – {local_datetime(end, 'full')}"


def language_name(code: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(get_locale())
    except (ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


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


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_date=local_date,
        local_time=local_time,
        local_datetime=local_datetime,
        language_name=language_name,
    )
    app.jinja_env.globals.update(
        time_range=time_range,
        url_with=url_with,
        current_language=current_language,
        field_attrs=field_attrs,
    )
