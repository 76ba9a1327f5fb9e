"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from events_app import create_app

app = create_app()
