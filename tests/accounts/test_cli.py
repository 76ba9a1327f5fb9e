"""`flask users create`."""
import pytest
from sqlalchemy import select

from events_app.accounts.models import User
from events_app.extensions import db

from accounts.users import sign_in

PASSWORD = "a long enough password"


def users(app) -> list[User]:
    with app.app_context():
        found = db.session.scalars(select(User).order_by(User.id)).all()
        for user in found:
            user.councils  # noqa: B018  (loaded before the session closes)
        db.session.expunge_all()
        return found


@pytest.fixture
def councils(make_council):
    return [make_council(slug="education", position=1), make_council(slug="employment", position=2)]


def test_create_an_admin_with_a_prompted_password(app, runner, client):
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--name", "Central Staff",
                                 "--role", "admin"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Created admin Admin@example.org." in result.output
    [user] = users(app)
    assert (user.email, user.email_key, user.name, user.role, user.is_active) == (
        "Admin@example.org", "admin@example.org", "Central Staff", "admin", True)
    # Hashed (scrypt outside the tests: test_password_hashing.py), never kept as typed.
    assert user.password_hash and PASSWORD not in user.password_hash
    assert PASSWORD not in result.output

    from accounts.users import Account

    response = sign_in(client, Account(user.id, "admin@example.org", PASSWORD, "admin"))
    assert response.status_code == 302


def test_the_prompt_asks_twice(app, runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--role", "admin"],
                           input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert len(users(app)) == 1


def test_create_a_chair_of_two_councils_from_stdin(app, runner, councils):
    result = runner.invoke(
        args=["users", "create", "chair@example.org", "--name", "Ana Silva", "--role", "chair",
              "--council", "employment", "--council", "education", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created chair chair@example.org of education, employment." in result.output
    [user] = users(app)
    assert [c.slug for c in user.councils] == ["education", "employment"]
    assert user.check_password(PASSWORD)


def test_password_from_stdin_keeps_inner_spaces(app, runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--role", "admin",
                                 "--password-stdin"], input="  spaced out words  \r\n")
    assert result.exit_code == 0, result.output
    assert users(app)[0].check_password("  spaced out words  ")


def test_a_short_password_is_refused(app, runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--role", "admin",
                                 "--password-stdin"], input="too short\n")
    assert result.exit_code != 0
    assert "the password must be 10 to 200 characters long" in result.output
    assert users(app) == []


def test_an_unknown_council_is_named(app, runner, councils):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--role", "chair",
                                 "--council", "education", "--council", "educaton", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert "no Sub-council with the slug educaton" in result.output
    assert users(app) == []


def test_a_duplicate_address_is_refused(app, runner, make_user):
    make_user(email="chair@example.org")
    result = runner.invoke(args=["users", "create", "CHAIR@example.org", "--name", "A", "--role", "chair",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert len(users(app)) == 1


def test_a_chair_without_council_is_created_with_a_warning(app, runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--role", "chair",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Warning: this chair has no Sub-council" in result.output
    assert users(app)[0].councils == []


@pytest.mark.parametrize("args, message", [
    (["not-an-address", "--name", "A", "--role", "admin"], "Invalid value for EMAIL: An email address must have an @-sign."),
    (["a@example.org", "--name", "A", "--role", "owner"], "Invalid value for '--role'"),
    (["a@example.org", "--role", "admin"], "Missing option '--name'"),
    (["a@example.org", "--name", "  ", "--role", "admin"], "give the person's name"),
])
def test_bad_arguments_get_clear_messages(app, runner, args, message):
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert message in result.output
    assert users(app) == []


def test_help_describes_the_command(runner):
    result = runner.invoke(args=["users", "create", "--help"])
    assert result.exit_code == 0
    for option in ("--name", "--role", "--council", "--password-stdin"):
        assert option in result.output
