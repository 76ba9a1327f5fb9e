"""Database details that differ between SQLite and PostgreSQL."""
from sqlalchemy import BigInteger, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL so readers never wait for the writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class epoch_ms(FunctionElement):
    """Milliseconds since 1970 of a `UTCDateTime` column, as an integer, in SQL.

    For cheap fingerprints of many rows (the calendar feeds' ETags sum it):
    PostgreSQL has `extract(epoch …)`, SQLite (which stores UTC text) has
    `julianday()`. Milliseconds, not microseconds, so that a sum over
    millions of rows still fits SQLite's 64-bit integers.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_ms, "postgresql")
def _epoch_ms_postgresql(element, compiler, **kw):
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) * 1000 AS BIGINT)"


@compiles(epoch_ms, "sqlite")
def _epoch_ms_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"CAST(ROUND((julianday({value}) - 2440587.5) * 86400000.0) AS INTEGER)"
