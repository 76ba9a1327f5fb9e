"""Database details that differ between SQLite and PostgreSQL."""
from sqlalchemy import BigInteger, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
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


def serialise_sqlite(session: Session) -> None:
    """Make the session's SQLite transaction the database's one writer, now.

    The SQLite counterpart of PostgreSQL's row locks (registrations lock
    their events, the mail worker the outbox rows it sends); call it before
    the first read the decision depends on.

    SQLite has no row locks: the lock is the database's write lock. A
    transaction that only *reads* the seat count and then writes would let a
    second one read the same count in the meantime. So before reading, the
    transaction takes the write lock with `BEGIN IMMEDIATE` (waiting, up to the
    connection's busy timeout, for the current writer to commit) and then
    reads a snapshot nobody else can change until it commits.

    pysqlite (in its default mode, which the rest of the app relies on) runs
    reads outside any transaction and emits a deferred `BEGIN` itself before
    the first INSERT/UPDATE/DELETE. So, unless this connection already holds a
    write transaction, the `BEGIN IMMEDIATE` is sent on the driver connection
    here; pysqlite sees it is in a transaction and COMMIT/ROLLBACK from the
    session ends it as usual. The alternative — SQLAlchemy's recipe of
    `isolation_level = None` and a `BEGIN` from an engine event — would put
    every read in a deferred transaction, and any such transaction that later
    writes while another has committed fails at once with "database is
    locked" instead of waiting; making them all IMMEDIATE would serialise
    every page view.
    """
    dbapi_connection = session.connection().connection.driver_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


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


def _per_dialect(element_class, **templates) -> None:
    """Compile `element_class` on each dialect from a template of its
    arguments ({0}, {1}, … as SQL)."""
    for dialect, template in templates.items():
        def compile_(element, compiler, template=template, **kw):
            return template.format(*(compiler.process(clause, **kw) for clause in element.clauses))
        compiles(element_class, dialect)(compile_)


class event_length(FunctionElement):
    """How long an event lasts, `event_length(end, start)`, in SQL an index
    can hold: days as a real number on SQLite (which stores UTC text), an
    interval on PostgreSQL."""

    inherit_cache = True


_per_dialect(event_length, postgresql="({0} - {1})", sqlite="(julianday({0}) - julianday({1}))")


class less_length(FunctionElement):
    """`less_length(moment, length)`: the moment a second more than `length`
    (an `event_length`) before `moment`, comparable with the stored times
    (so that an index on them can be walked from it). NULL if `length` is.
    On SQLite, the stored text's form to the millisecond; the second spares
    julianday's rounding."""

    inherit_cache = True


_per_dialect(less_length, postgresql="({0} - {1} - interval '1 second')",
             sqlite="strftime('%Y-%m-%d %H:%M:%f', julianday({0}) - {1} - 1.0 / 86400)")
