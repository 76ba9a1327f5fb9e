"""`flask registrations …`: housekeeping that cron runs."""
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from ..cliutil import now_option
from ..extensions import db
from .services import erase_personal_data

registrations_cli = AppGroup("registrations", help="Registrations housekeeping.")


@registrations_cli.command("purge")
@now_option
def purge(now):
    """Erase registrants' personal details REGISTRATION_RETENTION_DAYS after their event."""
    days = current_app.config["REGISTRATION_RETENTION_DAYS"]
    erased = erase_personal_data(db.session, now, timedelta(days=days))
    click.echo(f"erased the personal details of {erased} registrations "
               f"(events that ended more than {days} days ago)")
