"""`flask mail …`: deliver the outbox (cron runs `send-due`; a service runs `work`)."""
import logging
import time

import click
from flask.cli import AppGroup

from ..cliutil import now_option
from ..extensions import db
from ..reminders.services import plan_due
from ..timeutil import now_utc
from .services import deliver_due, pending_count

log = logging.getLogger(__name__)


def plan_reminders(now) -> str | None:
    """Reminders due by now go to the outbox first; a failure here never
    stops mail from being delivered."""
    try:
        report = plan_due(db.session, now)
    except Exception:  # noqa: BLE001 - logged; delivery goes on
        db.session.rollback()
        log.exception("planning reminders failed")
        return None
    return str(report) if report.reminders or report.moved_notices else None

mail_cli = AppGroup("mail", help="Deliver the mail outbox.")


@mail_cli.command("send-due")
@now_option
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1),
              help="Send at most this many messages over one connection.")
def send_due(now, batch_size):
    """Write due reminders, deliver every message that is due, once, and print a summary.

    The one command cron needs (every minute or few).
    """
    planned = plan_reminders(now)
    if planned:
        click.echo(planned)
    total_sent = total_deferred = total_failed = 0
    while True:
        report = deliver_due(db.session, now, batch_size=batch_size)
        total_sent += report.sent
        total_deferred += report.deferred
        total_failed += report.failed
        # A full batch may leave more behind; a deferral means the server is
        # away, and trying again at once would not help.
        if report.attempted < batch_size or report.deferred:
            break
    click.echo(f"sent {total_sent}, deferred {total_deferred}, failed {total_failed}; "
               f"{pending_count(db.session)} pending")


@mail_cli.command("work")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds to wait when nothing was due.")
@click.option("--once", is_flag=True, help="Deliver one batch and stop.")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1),
              help="Send at most this many messages over one connection.")
def work(interval, once, batch_size):
    """Keep writing due reminders and delivering due messages until interrupted (Ctrl-C).

    Any number of workers may run at once, on any hosts: each message is
    sent by one of them.
    """
    try:
        while True:
            now = now_utc()
            planned = plan_reminders(now)
            if planned:
                click.echo(planned)
            report = deliver_due(db.session, now, batch_size=batch_size)
            if report.attempted:
                click.echo(str(report))
            if once:
                break
            # A full batch without trouble: more may be waiting, go on at once.
            if report.attempted < batch_size or report.deferred:
                time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        db.session.remove()
