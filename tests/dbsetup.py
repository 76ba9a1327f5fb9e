"""Which database the suite runs on, how an app is pointed at one, and
counting the statements it runs."""
import os
from contextlib import contextmanager

from sqlalchemy import event as sa_event

from config import TestConfig, database_url
from events_app.extensions import db

TEST_DATABASE_URL = database_url(os.environ.get("TEST_DATABASE_URL"))
ON_POSTGRES = bool(TEST_DATABASE_URL) and TEST_DATABASE_URL.startswith("postgresql")
NEEDS_POSTGRES = "needs PostgreSQL: set TEST_DATABASE_URL"


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
