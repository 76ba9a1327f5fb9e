"""`flask hint`: what `make run` prints once the server answers, so that a
new developer or coordinator knows what to do next: the address, how to make
the first admin account, and where the mail goes."""
import time
import urllib.error
import urllib.request

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .accounts.models import User
from .extensions import db
from .mail.services import outbox_dir


def wait_until_up(url: str, timeout: float, interval: float = 0.3) -> bool:
    """True once `url` answers 200 (the server is serving), False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def hint_lines(site_url: str) -> list[str]:
    """The lines to print, for the app in the current context."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        mail = f"sent through {config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    else:
        mail = f"written as .eml files to {outbox_dir()} (no MAIL_SERVER is set)"
    lines = [
        "",
        f"Community Events is running at {site_url}",
        f"  Mail is {mail}.",
    ]
    if not db.session.scalar(select(func.count()).select_from(User)):
        lines += [
            "  There is no account yet. Make the first administrator in another terminal:",
            '    .venv/bin/flask users create you@example.org --name "Your Name" --role admin',
            f"  then sign in at {site_url}/login",
        ]
    else:
        lines.append(f"  Staff sign in at {site_url}/login")
    lines.append("  Stop with Ctrl+C.")
    return lines


@click.command("hint")
@click.option("--wait", "wait_seconds", type=float, default=0,
              help="Wait up to this many seconds for the server to answer first.")
@click.option("--server", metavar="URL",
              help="Where the server listens, if not at SITE_URL (behind a proxy, say).")
@with_appcontext
def hint_command(wait_seconds: float, server: str | None):
    """Print the address, how to make the first admin, and where mail lands."""
    site_url = current_app.config["SITE_URL"]
    server = (server or site_url).rstrip("/")
    if wait_seconds and not wait_until_up(f"{server}/healthz", wait_seconds):
        click.echo(f"The server did not answer at {server} within {wait_seconds:g} s.", err=True)
        raise SystemExit(1)
    click.echo("\n".join(hint_lines(site_url)))
