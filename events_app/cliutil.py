"""Shared pieces of the CLI: every time-driven command takes `--now`."""
from datetime import datetime

import click

from .timeutil import now_utc


def _parse_now(_ctx, _param, value: str | None) -> datetime:
    if value is None:
        return now_utc()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value}") from error
    if parsed.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-24T09:00:00-05:00 or …Z")
    return parsed


now_option = click.option(
    "--now",
    callback=_parse_now,
    metavar="ISO-8601",
    help="Act as if it were this time, e.g. 2027-03-06T10:00:00-05:00 (default: the real clock).",
)
