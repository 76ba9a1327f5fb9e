"""`/healthz`: 200 when the database answers, 503 when it does not."""
import logging
from datetime import timedelta

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .reminders.models import JobRun
from .reminders.services import JOB, default_offsets
from .timeutil import now_utc

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """200 while the app can serve (even when reminders are late: that is not
    the web process's fault, and a load balancer must keep sending it work)."""
    try:
        db.session.execute(text("SELECT 1"))
        reminders = reminders_state()
    except SQLAlchemyError:
        log.exception("health check: the database did not answer")
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    status = "ok" if reminders["state"] != "late" else "degraded"
    return {"status": status, "database": "ok", "reminders": reminders}


def reminders_state() -> dict:
    """Late when nothing has planned reminders for longer than the shortest slot."""
    now = now_utc()
    run = db.session.get(JobRun, JOB)
    offsets = default_offsets()
    if not offsets:
        return {"state": "off"}
    if run is None:
        return {"state": "never run"}
    age = now - run.last_run_dt
    late = age > timedelta(minutes=min(offsets))
    return {"state": "late" if late else "ok", "last_run": run.last_run_dt.isoformat(),
            "seconds_since": int(age.total_seconds())}
