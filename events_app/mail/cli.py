"""`flask mail …`: deliver the outbox (cron runs `send-due`; a service runs `work`)."""
import time

import click
from flask.cli import AppGroup

from ..cliutil import now_option
from ..extensions import db
from ..timeutil import now_utc
from .services import deliver_due, pending_count

mail_cli = AppGroup("mail", help="Deliver the mail outbox.")


@mail_cli.command("send-due")
@now_option
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1),
              help="Send at most this many messages over one connection.")
def send_due(now, batch_size):
    """Deliver every message that is due, once, and print a summary."""
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
    """Keep delivering due messages until interrupted (Ctrl-C).

    Any number of workers may run at once, on any hosts: each message is
    sent by one of them.
    """
    try:
        while True:
            report = deliver_due(db.session, now_utc(), batch_size=batch_size)
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
