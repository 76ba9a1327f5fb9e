"""Imports every model so the metadata (and Alembic) knows all tables."""
from .councils.models import Recommendation, SubCouncil, Theme  # noqa: F401
from .events.models import Event, Venue  # noqa: F401
from .registrations.models import Attendance, Registration  # noqa: F401
from .mail.models import OutboxMessage  # noqa: F401
from .reminders.models import JobRun, ReminderSend  # noqa: F401
from .accounts.models import User, user_councils  # noqa: F401
from .manage.models import AuditEntry  # noqa: F401
from .subscriptions.models import DigestSend, Subscription  # noqa: F401
from .reports.models import PublishedReport  # noqa: F401
from .councils.models import recommendation_themes  # noqa: E402
from .events.models import event_recommendations, event_themes  # noqa: E402
from .councils.attendance import recommendation_attendance  # noqa: E402,F401
from .pagecache import event_seat_state, site_state, track_public_content, track_seats  # noqa: E402,F401

# What the public pages show: a change to any of it makes cached pages stale.
track_public_content(
    SubCouncil.__table__, Theme.__table__, Recommendation.__table__, Venue.__table__,
    Event.__table__, recommendation_themes, event_themes, event_recommendations,
    PublishedReport.__table__,
)
# Event pages (and lists with places) show the places left of their events.
track_seats(Registration.__table__, "event_id")
