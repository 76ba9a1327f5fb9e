"""Public pages are served from a per-process cache while the content is
unchanged, and never once it has changed, in this process or another."""
from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from dbsetup import config_for, count_statements
from events_app import create_app
from events_app.events.models import Event, event_themes
from events_app.extensions import db
from events_app.pagecache import content_version


@pytest.fixture
def statements(app):
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as seen:
        yield seen


def test_a_repeated_page_costs_one_query(client, clock, make_event, statements):
    event = make_event(title="Welcome Potluck")
    assert b"Welcome Potluck" in client.get(f"/events/{event.slug}").data
    statements.clear()
    again = client.get(f"/events/{event.slug}")
    assert again.status_code == 200
    assert b"Welcome Potluck" in again.data
    assert len(statements) == 1 and "content_version" in statements[0]


def test_an_edit_shows_at_once(app, client, clock, make_event):
    event = make_event(title="Welcome Potluck")
    client.get("/events")
    with app.app_context():
        db.session.get(Event, event.id).title = "Spring Potluck"
        db.session.commit()
    page = client.get("/events").data
    assert b"Spring Potluck" in page and b"Welcome Potluck" not in page


def test_a_bulk_statement_also_makes_pages_stale(app, client, clock, make_event, make_theme):
    event = make_event(title="Welcome Potluck")
    theme = make_theme(name="Host Community")
    client.get(f"/events/{event.slug}")
    with app.app_context():
        db.session.execute(update(Event).where(Event.id == event.id).values(title="Harvest Festival"))
        db.session.execute(insert(event_themes).values(event_id=event.id, theme_id=theme.id))
        db.session.commit()
    page = client.get(f"/events/{event.slug}").data
    assert b"Harvest Festival" in page and b"Host Community" in page


def test_an_edit_made_by_another_process_shows_at_once(app, client, clock, make_event):
    event = make_event(title="Welcome Potluck")
    client.get(f"/events/{event.slug}")
    other = create_app(config_for(app.config["SQLALCHEMY_DATABASE_URI"]))  # another process
    with other.app_context():
        db.session.get(Event, event.id).title = "Moved Potluck"
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    assert b"Moved Potluck" in client.get(f"/events/{event.slug}").data


def test_saving_unchanged_values_keeps_the_cache(app, make_event):
    event = make_event(title="Welcome Potluck")
    with app.app_context():
        before = content_version(db.session)
        found = db.session.get(Event, event.id)
        found.title = "Welcome Potluck"
        db.session.commit()
        assert content_version(db.session) == before


def test_pages_follow_the_clock(client, clock, make_event):
    event = make_event(title="Evening Walk", start_dt=clock.now + timedelta(hours=1),
                       end_dt=clock.now + timedelta(hours=2))
    assert b"Evening Walk" in client.get("/events").data
    clock.now += timedelta(hours=3)  # it has ended: no longer upcoming
    assert b"Evening Walk" not in client.get("/events").data
    assert event.slug


def test_a_reader_with_a_session_gets_a_fresh_page(client, clock, make_event, statements):
    event = make_event()
    client.get(f"/events/{event.slug}")
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Saved")]
    statements.clear()
    client.get(f"/events/{event.slug}")
    assert len(statements) > 1


def test_a_cached_page_never_turns_typed_text_into_the_readers_token(
        app, client, clock, make_event, test_database_url):
    """The word that stands for the reader's CSRF token in a shared page is
    random: typed into a field the page echoes, it comes back as typed."""
    app.config["WTF_CSRF_ENABLED"] = True
    event = make_event()
    placeholder = app.extensions["page_cache_csrf_placeholder"]
    other = create_app(config_for(test_database_url))
    assert placeholder != other.extensions["page_cache_csrf_placeholder"]

    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert placeholder not in page  # replaced by the reader's real token
    assert 'name="csrf_token"' in page

    typed = "__CSRF_TOKEN_PLACEHOLDER__"
    for _ in range(2):  # rendered, then served from the cache
        page = client.get(f"/events?from={typed}").get_data(as_text=True)
        assert typed in page


def test_a_reader_who_has_seen_a_form_still_gets_cached_pages(client, clock, make_event, statements):
    """Reading a page with a form leaves a CSRF token in the session, and
    Flask-Login then marks the session as holding no fresh sign-in: neither
    makes the reader's pages personal."""
    event = make_event(title="Welcome Potluck", capacity=10)
    client.get(f"/events/{event.slug}")  # the registration form: a CSRF token
    client.get("/events")
    with client.session_transaction() as kept:
        assert set(kept) == {"csrf_token", "_fresh"}
    statements.clear()
    assert client.get("/events").status_code == 200
    assert len(statements) == 1 and "content_version" in statements[0]
