"""A registration makes stale only the cached pages that show its event's
places: the event's page, its meeting's page, an embedded list or an API
answer holding it; never the home page, /events or another event's page —
in this process or any other."""
from datetime import datetime, timedelta, timezone

import pytest

from dbsetup import config_for, count_statements
from events_app import create_app
from events_app.events.models import Event
from events_app.extensions import db
from events_app.pagecache import content_version
from events_app.registrations.services import cancel, register

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)  # tests/conftest.py's clock


@pytest.fixture
def events(clock, make_event):
    meeting = make_event(slug="meeting", kind="community-meeting", title="Meeting", capacity=10,
                         start_dt=NOW + timedelta(days=3), end_dt=NOW + timedelta(days=3, hours=4))
    session = make_event(slug="session", parent=meeting, title="Session", capacity=5,
                         start_dt=meeting.start_dt, end_dt=meeting.start_dt + timedelta(hours=1))
    other = make_event(slug="other", title="Other", capacity=3)
    return meeting, session, other


def _sign_up(app, slug, email, session_slug=None):
    with app.app_context():
        event = db.session.scalars(db.select(Event).where(Event.slug == slug)).one()
        picks = []
        if session_slug:
            picks = [db.session.scalars(db.select(Event).where(Event.slug == session_slug)).one().id]
        registration, _token, _created = register(db.session, event, name="A Person", email=email,
                                                  consent=True, now=NOW, session_ids=picks)
        db.session.commit()
        return registration.id


PAGES = ["/", "/events", "/events/meeting", "/events/session", "/events/other",
         "/embed/events", "/api/v1/events", "/api/v1/events/other", "/api/v1/events/meeting"]


def _rendered(app, client, paths) -> set[str]:
    """Which of `paths` were rendered afresh (not served from the cache)."""
    with app.app_context():
        engine = db.engine
    fresh = set()
    for path in paths:
        with count_statements(engine) as statements:
            assert client.get(path).status_code == 200, path
        if len(statements) > 1:
            fresh.add(path)
    return fresh


def test_a_registration_makes_stale_only_what_shows_its_places(app, client, events):
    assert _rendered(app, client, PAGES) == set(PAGES)  # the first time, everything
    assert _rendered(app, client, PAGES) == set()  # then from the cache, one query each
    with app.app_context():
        before = content_version(db.session)
    _sign_up(app, "other", "a@example.org")
    with app.app_context():
        assert content_version(db.session) == before  # not every page of every process
    assert _rendered(app, client, PAGES) == {"/events/other", "/embed/events", "/api/v1/events",
                                             "/api/v1/events/other"}
    assert b"2 places left" in client.get("/events/other").data
    # A session's place is on its page and its meeting's.
    _sign_up(app, "meeting", "b@example.org", session_slug="session")
    assert _rendered(app, client, PAGES) == {"/events/meeting", "/events/session", "/embed/events",
                                             "/api/v1/events", "/api/v1/events/meeting"}


def test_a_cancellation_too_and_another_process_sees_it_at_once(app, client, events):
    registration_id = _sign_up(app, "other", "a@example.org")
    assert b"2 places left" in client.get("/events/other").data
    other = create_app(config_for(app.config["SQLALCHEMY_DATABASE_URI"]))  # another process
    with other.app_context():
        from events_app.registrations.models import Registration

        cancel(db.session, db.session.get(Registration, registration_id), NOW)
        db.session.commit()
    with other.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    assert b"3 places left" in client.get("/events/other").data
    assert client.get("/api/v1/events/other").get_json()["places"]["left"] == 3


def test_an_edit_still_makes_every_page_stale(app, client, events):
    _rendered(app, client, PAGES)
    with app.app_context():
        db.session.scalars(db.select(Event).where(Event.slug == "other")).one().title = "Renamed"
        db.session.commit()
    assert _rendered(app, client, PAGES) == set(PAGES)


def test_during_a_rush_a_page_with_places_is_made_at_most_once_a_second(app, client, clock, events):
    """PAGE_SEATS_GRACE_SECONDS: a page whose only change is its places may be
    served for that long after it was made; an edit is never held back."""
    app.config["PAGE_SEATS_GRACE_SECONDS"] = 1
    assert b"3 places left" in client.get("/events/other").data
    _sign_up(app, "other", "a@example.org")
    assert _rendered(app, client, ["/events/other"]) == set()  # within the second: as it was
    assert b"3 places left" in client.get("/events/other").data
    clock.set(clock.now + timedelta(seconds=1))
    assert _rendered(app, client, ["/events/other"]) == {"/events/other"}
    assert b"2 places left" in client.get("/events/other").data
    _sign_up(app, "other", "b@example.org")
    with app.app_context():
        db.session.scalars(db.select(Event).where(Event.slug == "other")).one().title = "Renamed"
        db.session.commit()
    assert b"Renamed" in client.get("/events/other").data  # an edit shows at once
