"""Which database the suite runs on, how an app is pointed at one, and
counting the statements it runs."""
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, inspect, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from config import TestConfig, database_url
from events_app.extensions import db

TEST_DATABASE_URL = database_url(os.environ.get("TEST_DATABASE_URL"))
ON_POSTGRES = bool(TEST_DATABASE_URL) and TEST_DATABASE_URL.startswith("postgresql")
NEEDS_POSTGRES = "needs PostgreSQL: set TEST_DATABASE_URL"


class ForeignTables(Exception):
    """The database the suite was pointed at holds tables it did not make."""


def _refuse_foreign_tables(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    if names:
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        raise ForeignTables(
            f"refusing to run the tests in {make_url(url).render_as_string()}: it holds "
            f"tables the suite did not make ({shown}). Point TEST_DATABASE_URL at a "
            "PostgreSQL role that may create databases, or at an empty database."
        )


@contextmanager
def run_database(url: str, label: str = "suite") -> Iterator[str]:
    """A database of this run's own on the server `url` names; gone afterwards.

    On PostgreSQL a new database named for the run (`<name>_<label>_<pid>_<random>`)
    is created beside the one `url` names and dropped at the end, so two
    suites started at once on one server never meet, and the database named
    in `url` is never touched. Where databases cannot be created (a role
    without CREATEDB, or a SQLite file), the named database is used only if it
    is empty: the suite never drops what it did not create.
    """
    base = make_url(url)
    if base.get_backend_name() == "postgresql":
        name = f"{base.database or 'test'}_{label}_{os.getpid()}_{secrets.token_hex(3)}"[:63]
        server = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with server.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except DBAPIError as error:
            if "permission denied" not in str(error.orig):
                server.dispose()
                raise
        else:
            try:
                yield base.set(database=name).render_as_string(hide_password=False)
            finally:
                with server.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                server.dispose()
            return
        server.dispose()
    _refuse_foreign_tables(url)
    yield url


def config_for(url: str) -> type[TestConfig]:
    """TestConfig pointed at `url`."""
    return type("SuiteTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})


def dispose_engines(app) -> None:
    """Close the app's connections (a new app is made for every test)."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@contextmanager
def count_statements(engine):
    """The SQL statements run inside the block, for query-count assertions."""
    statements = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
