"""The app gunicorn serves in the registration benchmark (`bench/registration.py`).

Without settings it is exactly `bench_wsgi.app` (the real app plus the
`/_bench/…` endpoints). With `BENCH_REGISTRATION_STATS=<folder>` each worker
also measures where the time of a registration (`POST /events/<slug>/register`)
goes, and writes it to `<folder>/registration-stats-<pid>.json` every
`BENCH_REGISTRATION_DUMP_EVERY` (default 50) registrations:

- the whole request (WSGI call, body included);
- `registrations.services.register` (the transactional core: locks, counts,
  inserts), and inside it `registrations.notifications.registered`
  (rendering the mail, building the invitation, writing the outbox row);
- the commit (`db.session.commit()` as called by the view);
- the SQL statements (count and time, from SQLAlchemy's cursor events).

With `BENCH_REGISTRATION_PROFILE=1` as well, every registration request also
runs under cProfile, dumped to `<folder>/registration-<pid>.prof`. The
profiler's clock is the worker's CPU time (`time.process_time`), so that
waiting (for PostgreSQL, a row lock or a CPU another process holds) does not
count; `BENCH_REGISTRATION_PROFILE_CLOCK=wall` profiles wall-clock time.

Nothing here changes what the app does: the functions are wrapped, not
replaced, and the wrappers call the originals with the same arguments.
"""
import cProfile
import json
import os
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from bench_wsgi import app  # noqa: E402  (the real app, as pages.py serves it)

STATS_DIR = os.environ.get("BENCH_REGISTRATION_STATS") or None
PROFILE = bool(STATS_DIR) and os.environ.get("BENCH_REGISTRATION_PROFILE") == "1"
DUMP_EVERY = int(os.environ.get("BENCH_REGISTRATION_DUMP_EVERY") or 50)


def _instrument(flask_app, folder: Path, profile: bool):
    from sqlalchemy import event

    from events_app.extensions import db
    from events_app.registrations import notifications, services

    local = threading.local()
    totals = {"requests": 0, "request_s": 0.0, "register_s": 0.0, "notify_s": 0.0,
              "commit_s": 0.0, "sql_count": 0, "sql_s": 0.0, "sql_in_register_s": 0.0,
              "sql_in_notify_s": 0.0, "request_cpu": 0.0, "register_cpu": 0.0, "notify_cpu": 0.0,
              "commit_cpu": 0.0, "statements": {}}
    if not profile:
        profiler = None
    elif os.environ.get("BENCH_REGISTRATION_PROFILE_CLOCK") == "wall":
        profiler = cProfile.Profile()
    else:
        profiler = cProfile.Profile(time.process_time)
    cpu_clock = time.thread_time
    pid = os.getpid()

    def active() -> bool:
        return getattr(local, "on", False)

    def timed(name, function, sql_key=None):
        def wrapper(*args, **kwargs):
            if not active():
                return function(*args, **kwargs)
            began, cpu, sql_before = time.perf_counter(), cpu_clock(), local.sql_s
            try:
                return function(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - began
                totals[name.replace("_s", "_cpu")] += cpu_clock() - cpu
                if sql_key:
                    totals[sql_key] += local.sql_s - sql_before
        wrapper.__wrapped__ = function
        return wrapper

    services.register = timed("register_s", services.register, "sql_in_register_s")
    notifications.registered = timed("notify_s", notifications.registered, "sql_in_notify_s")

    with flask_app.app_context():
        engine = db.engine
        session_class = type(db.session())
    original_commit = session_class.commit

    def commit(self, *args, **kwargs):
        if not active():
            return original_commit(self, *args, **kwargs)
        began, cpu = time.perf_counter(), cpu_clock()
        try:
            return original_commit(self, *args, **kwargs)
        finally:
            totals["commit_s"] += time.perf_counter() - began
            totals["commit_cpu"] += cpu_clock() - cpu

    session_class.commit = commit

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        if active():
            local.sql_began = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        if active() and getattr(local, "sql_began", None) is not None:
            spent = time.perf_counter() - local.sql_began
            local.sql_began = None
            local.sql_s += spent
            totals["sql_count"] += 1
            key = " ".join(statement.split())[:90]
            count, seconds = totals["statements"].get(key, (0, 0.0))
            totals["statements"][key] = (count + 1, seconds + spent)

    def dump():
        (folder / f"registration-stats-{pid}.json").write_text(json.dumps(totals))
        if profiler is not None:
            profiler.dump_stats(str(folder / f"registration-{pid}.prof"))

    inner = flask_app.wsgi_app

    def wsgi_app(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or not environ.get("PATH_INFO", "").endswith("/register"):
            return inner(environ, start_response)
        local.on, local.sql_s, local.sql_began = True, 0.0, None
        began, cpu = time.perf_counter(), cpu_clock()
        if profiler is not None:
            profiler.enable()
        try:
            # The body is produced here, so that its time is counted too.
            return [b"".join(inner(environ, start_response))]
        finally:
            if profiler is not None:
                profiler.disable()
            local.on = False
            totals["requests"] += 1
            totals["request_s"] += time.perf_counter() - began
            totals["request_cpu"] += cpu_clock() - cpu
            totals["sql_s"] += local.sql_s
            if totals["requests"] % DUMP_EVERY == 0:
                dump()

    flask_app.wsgi_app = wsgi_app
    return dump


if STATS_DIR:
    dump_stats = _instrument(app, Path(STATS_DIR), PROFILE)
