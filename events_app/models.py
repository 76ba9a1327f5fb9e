"""Imports every model so the metadata (and Alembic) knows all tables."""
from .councils.models import Recommendation, SubCouncil, Theme  # noqa: F401
from .events.models import Event, Venue  # noqa: F401
