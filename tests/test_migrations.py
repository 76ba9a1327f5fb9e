"""`flask db upgrade` builds exactly the schema the models describe, on both databases."""
import logging
import uuid
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate.cli import db as db_cli
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dbsetup import TEST_DATABASE_URL, config_for, dispose_engines
from events_app import create_app
from events_app.extensions import db


@pytest.fixture(autouse=True)
def keep_logging():
    """Alembic's env.py applies alembic.ini's logging (fileConfig), which would
    silence every logger already created for the rest of the session."""
    manager = logging.root.manager
    disabled = {name: logger.disabled for name, logger in manager.loggerDict.items()
                if isinstance(logger, logging.Logger)}
    handlers, level = logging.root.handlers[:], logging.root.level
    yield
    for name, was_disabled in disabled.items():
        manager.loggerDict[name].disabled = was_disabled
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection skips indexes on expressions (the length of
        # events); `expression_indexes_differ` compares them.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": db.metadata})
        return compare_metadata(context, db.metadata)


def expression_indexes_differ(app) -> list[str]:
    """The indexes on expressions the models declare, missing or different
    in the database (by the SQL SQLite keeps; by name and expression on
    PostgreSQL, which rewrites the SQL)."""
    from sqlalchemy.schema import CreateIndex

    differ = []
    with app.app_context(), db.engine.connect() as connection:
        dialect = connection.dialect
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                if all(isinstance(expression, type(table.c[0])) for expression in index.expressions):
                    continue  # columns only: compared by Alembic
                wanted = " ".join(str(CreateIndex(index).compile(dialect=dialect)).split())
                if dialect.name == "sqlite":
                    found = connection.execute(text(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"),
                        {"name": index.name}).scalar()
                    same = found is not None and " ".join(found.split()) == wanted
                else:
                    found = connection.execute(text(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                        {"name": index.name}).scalar()
                    same = found is not None and "(end_dt - start_dt)" in found \
                        and "WHERE (recurrence_rule IS NULL)" in found
                if not same:
                    differ.append(f"{index.name}: {found!r}, not {wanted!r}")
    return differ


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def upgrade_compare_downgrade(url: str) -> None:
    app = create_app(config_for(url))
    runner = app.test_cli_runner()
    try:
        assert table_names(app) == set()

        result = runner.invoke(db_cli, ["upgrade"])
        assert result.exit_code == 0, result.output
        assert table_names(app) == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
        assert schema_differences(app) == []
        assert expression_indexes_differ(app) == []

        # Upgrading again is a no-op.
        assert runner.invoke(db_cli, ["upgrade"]).exit_code == 0

        result = runner.invoke(db_cli, ["downgrade", "base"])
        assert result.exit_code == 0, result.output
        assert table_names(app) == {"alembic_version"}
        with app.app_context(), db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0

        # And back up: the migrations hold together both ways.
        assert runner.invoke(db_cli, ["upgrade"]).exit_code == 0
        assert schema_differences(app) == []
        assert expression_indexes_differ(app) == []
    finally:
        dispose_engines(app)


def test_migrations_match_the_models_on_sqlite(tmp_path):
    upgrade_compare_downgrade(f"sqlite:///{tmp_path / 'migrated.db'}")


@pytest.mark.postgres_only
def test_migrations_match_the_models_on_postgresql():
    name = f"test_migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(TEST_DATABASE_URL).set(database=name)
        upgrade_compare_downgrade(url.render_as_string(hide_password=False))
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_the_test_schema_matches_the_models_too(app):
    """The suite's own schema comes from create_all(); it must agree with the migrations' models."""
    assert schema_differences(app) == []
    assert expression_indexes_differ(app) == []
