"""Data for the /manage tests: registrations inserted in bulk."""
import uuid
from datetime import datetime

from sqlalchemy import insert

from events_app.extensions import db
from events_app.registrations.models import Registration


def add_registrations(event_id: int, now: datetime, *, confirmed: int = 0, waitlisted: int = 0,
                      cancelled: int = 0) -> None:
    """Rows as the registration service leaves them, in one statement; inside an app context."""
    rows = []
    for status, count in (("confirmed", confirmed), ("waitlisted", waitlisted),
                          ("cancelled", cancelled)):
        for _ in range(count):
            key = f"{uuid.uuid4().hex[:12]}@example.org"
            rows.append({
                "event_id": event_id, "name": "Someone", "email": key, "email_key": key,
                "preferred_language": "en", "consent_dt": now, "status": status,
                "registered_dt": now, "status_changed_dt": now,
                "cancelled_dt": now if status == "cancelled" else None,
                "link_id": uuid.uuid4().hex[:22],
            })
    if rows:
        db.session.execute(insert(Registration), rows)
        db.session.commit()
