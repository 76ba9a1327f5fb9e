"""The suite never drops what it did not create (tests/dbsetup.py `run_database`).

Two suites started at once on one PostgreSQL server each get a database of
their own; a database holding someone else's tables is refused, not wiped.
"""
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dbsetup import TEST_DATABASE_URL, ForeignTables, run_database


def _databases(server) -> set[str]:
    with server.connect() as connection:
        return set(connection.execute(text("SELECT datname FROM pg_database")).scalars())


def test_a_sqlite_file_with_tables_of_its_own_is_refused_and_kept(tmp_path):
    path = tmp_path / "precious.db"
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE precious (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO precious VALUES (1)"))

    with pytest.raises(ForeignTables, match="precious"):
        with run_database(f"sqlite:///{path}"):
            pytest.fail("the suite must not run here")

    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM precious")).scalar() == 1
    engine.dispose()


def test_an_empty_sqlite_file_is_used_as_it_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with run_database(url) as given:
        assert given == url


@pytest.mark.postgres_only
def test_two_runs_on_one_server_each_get_their_own_database():
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    before = _databases(server)
    try:
        with run_database(TEST_DATABASE_URL, "one") as first, \
                run_database(TEST_DATABASE_URL, "two") as second:
            first_name, second_name = make_url(first).database, make_url(second).database
            assert first_name != second_name
            assert {first_name, second_name} <= _databases(server)
            assert make_url(TEST_DATABASE_URL).database not in {first_name, second_name}
            # What one run makes, the other does not see.
            for url in (first, second):
                engine = create_engine(url, poolclass=NullPool)
                with engine.begin() as connection:
                    connection.execute(text("CREATE TABLE mine (id integer)"))
                engine.dispose()
        assert _databases(server) == before
    finally:
        server.dispose()


@pytest.mark.postgres_only
def test_without_the_right_to_create_a_database_one_with_tables_is_refused_and_kept():
    """A role that may not create databases, pointed at a database holding a
    table: the suite stops with a reason and the table is still there."""
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    suffix = uuid.uuid4().hex[:8]
    role, name = f"suite_reader_{suffix}", f"suite_precious_{suffix}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOCREATEDB'))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER "{role}"'))
    url = make_url(TEST_DATABASE_URL).set(database=name, username=role, password=None)
    owner = create_engine(url, poolclass=NullPool)
    try:
        with owner.begin() as connection:
            connection.execute(text("CREATE TABLE precious (id integer)"))
            connection.execute(text("INSERT INTO precious VALUES (1)"))

        with pytest.raises(ForeignTables, match="precious"):
            with run_database(url.render_as_string(hide_password=False)):
                pytest.fail("the suite must not run here")

        with owner.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM precious")).scalar() == 1
    finally:
        owner.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        server.dispose()
