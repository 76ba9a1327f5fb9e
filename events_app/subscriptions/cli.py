"""`flask digests …`: the weekly digests, for cron."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..cliutil import now_option
from ..councils.models import SubCouncil
from ..extensions import db
from ..timeutil import to_local
from . import services

digests_cli = AppGroup("digests", help="Weekly e-mail digests for subscribers and chairs.")


@digests_cli.command("send")
@now_option
def send(now):
    """Write this week's digests to the outbox, each recipient's once.

    Safe to run daily or hourly from cron: nothing goes out before
    DIGEST_WEEKDAY at DIGEST_HOUR (local time) of the ISO week containing
    --now; from then on each run writes only the digests not yet written for
    that week. `flask mail send-due` (or `flask mail work`) delivers them.
    Also forgets subscriptions never confirmed within SUBSCRIPTION_CONFIRM_DAYS.
    """
    days = current_app.config["SUBSCRIPTION_CONFIRM_DAYS"]
    forgotten = services.purge_unconfirmed(db.session, now, days)
    db.session.commit()
    if forgotten:
        click.echo(f"forgot {forgotten} subscriptions not confirmed within {days} days")
    week = services.digest_week(now)
    if not week.is_due(now):
        due = to_local(week.due_dt)
        click.echo(f"{week.label}: not due yet; the digests go out from "
                   f"{due:%A %Y-%m-%d %H:%M %Z}")
        return
    subscribers = services.send_subscriber_digests(db.session, now)
    click.echo(f"{week.label} subscriber digests: {subscribers}")
    chairs = services.send_chair_digests(db.session, now)
    click.echo(f"{week.label} chairs' digests: {chairs}")
    if chairs.no_address:
        click.echo("no chair and no digest address for: " + ", ".join(chairs.no_address)
                   + " (set one with `flask digests council-address SLUG EMAIL`)")


@digests_cli.command("council-address")
@click.argument("slug")
@click.argument("email", required=False)
@click.option("--clear", is_flag=True, help="Remove the Sub-council's digest address.")
def council_address(slug, email, clear):
    """Where a Sub-council's chairs' digest goes while it has no chair account."""
    council = db.session.scalars(select(SubCouncil).where(SubCouncil.slug == slug)).first()
    if council is None:
        raise click.BadParameter(f"no Sub-council {slug!r}", param_hint="SLUG")
    if clear:
        council.digest_email = None
    elif email:
        if "@" not in email or len(email) > 254:
            raise click.BadParameter(f"not an e-mail address: {email}", param_hint="EMAIL")
        council.digest_email = email.strip()
    db.session.commit()
    click.echo(f"{council.slug}: {council.digest_email or '(no digest address)'}")
