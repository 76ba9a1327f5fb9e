"""`flask users …`: the first account comes from here."""
import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from ..extensions import db
from ..timeutil import now_utc
from . import services
from .models import Role

users_cli = AppGroup("users", help="Manage chair and admin accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # The first line; the newline an `echo` or a file adds is not part of it.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, as shown to others.")
@click.option("--role", required=True, type=click.Choice([str(r) for r in Role]),
              help="admin: everything; chair: the events of their Sub-councils.")
@click.option("--council", "councils", multiple=True, metavar="SLUG",
              help="A Sub-council the chair chairs (repeat for several), e.g. education.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
def create(email, name, role, councils, password_stdin):
    """Create an account with a password, e.g.

    flask users create ana@example.org --name "Ana Silva" --role chair --council education
    """
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if not name.strip():
        raise click.BadParameter("give the person's name", param_hint="--name")
    try:
        found = services.councils_by_slug(db.session, councils)
    except services.UnknownCouncil as error:
        raise click.BadParameter(
            f"no Sub-council with the slug {', '.join(error.details['slugs'])}",
            param_hint="--council",
        ) from error
    if services.find_user(db.session, email) is not None:
        raise click.ClickException(f"an account with the e-mail {email} already exists")
    if role == Role.ADMIN and found:
        click.echo("Note: admins manage every Sub-council; --council is recorded but not needed.")
    if role == Role.CHAIR and not found:
        click.echo("Warning: this chair has no Sub-council yet and can manage no event "
                   "until an admin gives them one.", err=True)

    password = _read_password(password_stdin)
    try:
        services.check_password_rules(password)
    except services.AccountError as error:
        raise click.ClickException(
            f"the password must be {services.MIN_PASSWORD_LENGTH} to "
            f"{services.MAX_PASSWORD_LENGTH} characters long") from error
    try:
        user = services.create_user(db.session, email=email, name=name, role=role,
                                    councils=found, password=password, now=now_utc())
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    where = f" of {', '.join(c.slug for c in user.councils)}" if user.councils else ""
    click.echo(f"Created {user.role} {user.email}{where}.")
