"""`flask reminders …`: write due reminders to the outbox; say how late they are."""
import sys

import click
from flask.cli import AppGroup

from ..cliutil import now_option
from ..extensions import db
from . import services

reminders_cli = AppGroup("reminders", help="Reminders before events.")


@reminders_cli.command("plan")
@now_option
def plan(now):
    """Write every reminder that is due to the outbox (`flask mail send-due` sends them).

    `flask mail send-due` and `flask mail work` run this first, so cron needs
    only that one command; this one is for catching up with --now.
    """
    click.echo(str(services.plan_due(db.session, now)))


@reminders_cli.command("status")
@now_option
def status(now):
    """How late the reminders are; exits 1 when the planner has not run in time."""
    state = services.status(db.session, now)
    last = state.last_run.isoformat() if state.last_run else "never"
    click.echo(f"last run: {last}")
    if state.due:
        click.echo(f"{state.due} reminders due and not written yet, "
                   f"the oldest due since {state.oldest_due.isoformat()} "
                   f"({_minutes(now - state.oldest_due)} late)")
    else:
        click.echo("no reminder is waiting")
    late = state.late_by(now)
    if late is not None:
        click.echo(f"LATE: nothing has planned reminders for {_minutes(late)} "
                   f"more than the shortest slot ({_minutes(state.shortest_slot)})")
        sys.exit(1)


def _minutes(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
