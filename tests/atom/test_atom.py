"""Atom feeds as a feed reader reads them: valid (feedparser, no warning),
newest change first, in the reader's language, cached with a validator."""
from datetime import datetime, timedelta, timezone

import feedparser
import pytest

from events_app.extensions import db
from events_app.registrations.services import register

# The suite's moment (tests/conftest.py's clock fixture pins the app to it).
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def site(app, clock, make_council, make_theme, make_venue, make_event):
    health = make_council(slug="health", name="Health", name_fr="Santé")
    theme = make_theme(slug="host", name="Host Community")
    hall = make_venue(slug="hall", name="Town Hall", name_fr="Hôtel de ville", address="300 Dufferin Avenue")
    day = timedelta(days=1)
    made = {}
    for n, (slug, values) in enumerate([
        ("oldest-change", dict(council=health, themes=[theme], languages=["en", "ar"])),
        ("middle", dict(kind="workshop", title_fr="Atelier du milieu", summary="All about the middle")),
        ("newest-change", dict(status="cancelled", council=health)),
    ]):
        clock.set(NOW + timedelta(minutes=n))  # the order of their last change
        made[slug] = make_event(slug=slug, title=slug.replace("-", " ").title(), venue=hall,
                                start_dt=NOW + (3 - n) * day, end_dt=NOW + (3 - n) * day + timedelta(hours=2),
                                created_dt=clock.now, updated_dt=clock.now, **values)
    make_event(slug="a-draft", status="draft", title="Draft", updated_dt=NOW, created_dt=NOW)
    clock.set(NOW)
    with app.app_context():
        from events_app.events.models import Event

        register(db.session, db.session.get(Event, made["middle"].id), name="Private Person",
                 email="private@example.org", consent=True, now=NOW)
        db.session.commit()
    return made


def read(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return response, parsed


def test_the_feed_lists_the_newest_changes_first_with_date_place_and_link(client, site):
    response, parsed = read(client, "/feeds/events.atom?lang=fr")
    assert parsed.feed.language == "fr"
    assert parsed.feed.title.startswith("Événements communautaires")
    assert [e.link for e in parsed.entries] == [
        "http://events.test/events/newest-change?lang=fr",
        "http://events.test/events/middle?lang=fr",
        "http://events.test/events/oldest-change?lang=fr",
    ]
    cancelled, middle, _oldest = parsed.entries
    assert cancelled.title == "Annulé\u00a0: Newest Change"
    assert middle.title == "Atelier du milieu"
    assert "Hôtel de ville, 300 Dufferin Avenue" in middle.summary
    assert "novembre 2026" in middle.summary  # the date, in French
    assert "All about the middle" in middle.summary
    assert middle.id.startswith("urn:uuid:")
    assert "Atelier" in [tag.term for tag in middle.tags]
    assert parsed.feed.updated.startswith("2026-11-24T14:02")
    assert "Draft" not in response.get_data(as_text=True)
    for personal in ("Private Person", "private@example.org"):
        assert personal not in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "expected"), [
    ("/feeds/councils/health.atom", {"oldest-change", "newest-change"}),
    ("/feeds/themes/host.atom", {"oldest-change"}),
    ("/feeds/kinds/workshop.atom", {"middle"}),
    ("/feeds/languages/ar.atom", {"oldest-change"}),
])
def test_the_same_filters_as_the_calendar_feeds(client, site, path, expected):
    _response, parsed = read(client, path)
    assert {e.link.split("/events/")[1].split("?")[0] for e in parsed.entries} == expected


def test_an_unknown_feed_is_a_plain_404(client, site):
    for path in ("/feeds/councils/nobody.atom", "/feeds/kinds/party.atom", "/feeds/languages/%25.atom"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "text/plain"


def test_a_reader_that_has_the_feed_gets_a_304_until_an_event_changes(app, client, site, clock):
    response, _parsed = read(client, "/feeds/events.atom")
    etag = response.headers["ETag"]
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    unchanged = client.get("/feeds/events.atom", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert client.get("/feeds/events.atom?lang=ar", headers={"If-None-Match": etag}).status_code == 200
    # The calendar feed's validator for the same rows is another: not mixed up.
    assert client.get("/calendar.ics").headers["ETag"] != etag
    with app.app_context():
        from events_app.events.models import Event
        from events_app.events.services import apply_changes

        event = db.session.get(Event, site["oldest-change"].id)
        apply_changes(event, NOW + timedelta(hours=1), title="Renamed")
        db.session.commit()
    app.extensions["ical_validators"].seconds = 0  # no wait for the validator memo
    changed = client.get("/feeds/events.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert feedparser.parse(changed.data).entries[0].title == "Renamed"


def test_a_fixed_number_of_queries_whatever_the_number_of_events(app, client, site, make_event):
    from dbsetup import count_statements

    app.config["CALENDAR_VALIDATOR_SECONDS"] = 0
    with app.app_context():
        engine = db.engine

    def statements():
        app.extensions.pop("ical_bodies", None)
        app.extensions.pop("ical_validators", None)
        with count_statements(engine) as found:
            read(client, "/feeds/events.atom")
        return len(found)

    few = statements()
    for n in range(10):
        make_event(slug=f"more-{n}", start_dt=NOW + timedelta(days=9, hours=n),
                   end_dt=NOW + timedelta(days=9, hours=n + 1))
    assert statements() == few
