"""The feeds over HTTP: exact bytes, validators that change with every change,
304 without building the calendar, HEAD, plain-text 404s."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from werkzeug.http import http_date

from dbsetup import config_for
from events_app import create_app
from events_app.events.models import Event, EventStatus
from events_app.events.services import apply_changes
from events_app.extensions import db
from events_app.ical import services
from dbsetup import count_statements

FEED = "/calendar.ics"


def test_headers_and_body(client, calendar_site, clock):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    assert "Content-Encoding" not in response.headers
    assert "Set-Cookie" not in response.headers
    etag, weak = response.get_etag()
    assert etag and not weak
    assert response.last_modified is not None
    assert "Content-Disposition" not in response.headers
    body = response.get_data()
    assert body.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    with client.application.test_request_context(FEED):
        built = services.build_feed(db.session, services.all_feed(), clock.now,
                                    "http://events.test", ZoneInfo("America/Toronto"))
        assert body == built  # exactly the builder's bytes
    for line in (b"METHOD:PUBLISH", b"VERSION:2.0", b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                 b"X-PUBLISHED-TTL:PT1H",
                 b"X-WR-CALNAME:Community events: London & Middlesex Local Immigration Partnership",
                 b"NAME:Community events: London & Middlesex Local Immigration Partnership",
                 b"X-WR-CALDESC:Every community meeting"):
        assert b"\r\n" + line in body.replace(b"\r\n ", b"")  # as a parser unfolds it
    assert b"PRODID:-//London & Middlesex Local Immigration Partnership//Community Even" in body


def test_single_event_file(client, calendar_site):
    response = client.get("/events/tricky.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=tricky.ics"
    body = response.get_data()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.count(b"BEGIN:VEVENT") == 1
    assert b"X-WR-CALNAME" not in body and b"\r\nNAME:" not in body
    assert b"REFRESH-INTERVAL" not in body
    assert response.get_etag()[0] and response.last_modified is not None
    again = client.get("/events/tricky.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize(
    "path",
    ["/calendar/councils/no-such-council.ics", "/calendar/themes/no-such-theme.ics",
     "/calendar/kinds/no-such-kind.ics", "/events/no-such-event.ics", "/events/draft-plan.ics"],
)
def test_unknown_feed_is_a_plain_text_404(client, calendar_site, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.get_data(as_text=True)
    assert "<" not in text
    assert "http://events.test/calendar" in text
    french = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert french != text


def test_if_none_match_and_if_modified_since(client, calendar_site):
    first = client.get(FEED)
    etag = first.headers["ETag"]
    not_modified = client.get(FEED, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.get_data() == b""
    assert not_modified.headers["ETag"] == etag
    assert not_modified.headers["Cache-Control"] == "public, max-age=300"
    assert "Content-Type" not in not_modified.headers
    assert client.get(FEED, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200

    since = first.headers["Last-Modified"]
    assert client.get(FEED, headers={"If-Modified-Since": since}).status_code == 304
    earlier = http_date(first.last_modified - timedelta(seconds=1))
    assert client.get(FEED, headers={"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    both = client.get(FEED, headers={"If-None-Match": '"other"', "If-Modified-Since": since})
    assert both.status_code == 200


def test_head(client, calendar_site):
    get = client.get(FEED)
    head = client.head(FEED)
    assert head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(get.get_data()))
    assert head.headers["ETag"] == get.headers["ETag"]
    assert client.head(FEED, headers={"If-None-Match": get.headers["ETag"]}).status_code == 304
    assert client.head("/calendar/councils/nope.ics").status_code == 404


def test_a_304_does_not_build_the_calendar(app, client, calendar_site, monkeypatch):
    etag = client.get(FEED).headers["ETag"]
    council_etag = client.get("/calendar/councils/health-and-wellbeing.ics").headers["ETag"]
    with app.app_context():
        services.body_cache().clear()

    def refuse(*_args, **_kwargs):
        raise AssertionError("a 304 built the calendar")

    monkeypatch.setattr(services, "feed_events", refuse)
    monkeypatch.setattr(services, "build_calendar", refuse)
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as statements:
        response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(statements) == 1, statements  # the aggregate, nothing else
    with count_statements(engine) as statements:
        response = client.get("/calendar/councils/health-and-wellbeing.ics",
                              headers={"If-None-Match": council_etag})
    assert response.status_code == 304
    assert len(statements) == 2, statements  # the council by its slug, the aggregate


def test_an_unchanged_feed_is_built_once(app, client, calendar_site, monkeypatch):
    first = client.get(FEED).get_data()
    calls = []
    real = services.feed_events
    monkeypatch.setattr(services, "feed_events", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert client.get(FEED).get_data() == first
    assert client.get(FEED, headers={"Accept-Language": "fr"}).get_data() != first
    assert len(calls) == 1  # French built once; English from the cache


def etag_of(client, path=FEED, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.headers["ETag"]


def test_etag_changes_with_every_change(app, client, calendar_site, make_event, clock):
    seen = [etag_of(client)]

    def changed(label):
        etag = etag_of(client)
        assert etag not in seen, label
        seen.append(etag)

    assert etag_of(client) == seen[0]  # stable while nothing changes
    with app.app_context():
        event = db.session.get(Event, calendar_site.tricky.id)
        apply_changes(event, clock.now, summary="A new summary")  # no SEQUENCE bump
        db.session.commit()
    changed("edit of the summary")
    with app.app_context():
        event = db.session.get(Event, calendar_site.tricky.id)
        apply_changes(event, clock.now + timedelta(seconds=1), title="Retitled")
        db.session.commit()
    changed("edit of the title")
    with app.app_context():
        event = db.session.get(Event, calendar_site.sessions[0].id)
        apply_changes(event, clock.now + timedelta(seconds=2), status=EventStatus.CANCELLED)
        db.session.commit()
    changed("cancellation of a session")
    with app.app_context():
        event = db.session.get(Event, calendar_site.meeting.id)
        # An earlier `now` than the newest change still shows.
        apply_changes(event, clock.now - timedelta(days=1),
                      translations={"fr": {"title": "Rencontre de mars"}})
        db.session.commit()
    changed("French title of the meeting")
    make_event(slug="brand-new")
    changed("a new event")
    with app.app_context():
        event = db.session.get(Event, calendar_site.draft.id)
        apply_changes(event, clock.now + timedelta(seconds=3), status=EventStatus.PUBLISHED)
        db.session.commit()
    changed("a draft published")
    with app.app_context():
        db.session.execute(db.delete(Event).where(Event.slug == "brand-new"))
        db.session.commit()
    changed("an event deleted")
    # The sessions say "part of" their meeting: the meeting's change shows in
    # a feed that holds a session but not the meeting.
    theme_feed = "/calendar/kinds/workshop.ics"
    before = etag_of(client, theme_feed)
    with app.app_context():
        event = db.session.get(Event, calendar_site.meeting.id)
        apply_changes(event, clock.now + timedelta(seconds=4), title="March Meeting")
        db.session.commit()
    assert etag_of(client, theme_feed) != before
    assert b"Part of: March Meeting" in client.get(theme_feed).get_data().replace(b"\r\n ", b"")


def test_etag_differs_by_language_and_feed(client, calendar_site):
    english = etag_of(client)
    french = etag_of(client, **{"Accept-Language": "fr"})
    assert english != french
    assert etag_of(client, "/calendar.ics?lang=fr") == french
    assert etag_of(client, "/calendar/themes/host-community.ics") != english
    response = client.get(FEED, headers={"If-None-Match": english, "Accept-Language": "fr"})
    assert response.status_code == 200
    assert b"Communautaires" in response.get_data() or b"communautaires" in response.get_data()


def test_two_processes_agree(app, client, calendar_site, clock, test_database_url):
    """Another app (another process) on the same database: same validator, and
    an edit made through one is served by the other, whatever either cached."""
    other_app = create_app(config_for(test_database_url))
    other = other_app.test_client()
    first = client.get(FEED)
    assert other.get(FEED).headers["ETag"] == first.headers["ETag"]
    with other_app.app_context():
        event = db.session.get(Event, calendar_site.tricky.id)
        apply_changes(event, clock.now + timedelta(seconds=5), title="Changed elsewhere")
        db.session.commit()
    response = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert b"SUMMARY:Changed elsewhere" in response.get_data()
    with other_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_language_cookie_is_not_set_by_feeds(client, calendar_site):
    response = client.get("/calendar.ics?lang=fr")
    assert "Set-Cookie" not in response.headers
    page = client.get("/calendar?lang=fr")
    assert "lang=fr" in page.headers.get("Set-Cookie", "")


def test_validators_are_trusted_for_a_few_seconds(app, client, calendar_site, clock, monkeypatch,
                                                  test_database_url):
    """In production a process trusts a validator it read for
    CALENDAR_VALIDATOR_SECONDS: a 304 then runs no query at all, and a change
    made anywhere shows once those seconds are over."""
    app.config["CALENDAR_VALIDATOR_SECONDS"] = 2
    moment = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: moment[0])
    first = client.get(FEED)
    etag = first.headers["ETag"]
    event_etag = client.get("/events/tricky.ics").headers["ETag"]
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as statements:
        assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
        assert client.get("/events/tricky.ics", headers={"If-None-Match": event_etag}).status_code == 304
        assert client.get(FEED).get_data() == first.get_data()
        assert client.get("/calendar/kinds/no-such-kind.ics").status_code == 404
    assert statements == []

    other_app = create_app(config_for(test_database_url))
    with other_app.app_context():
        event = db.session.get(Event, calendar_site.tricky.id)
        apply_changes(event, clock.now + timedelta(seconds=5), title="Changed elsewhere")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    moment[0] += 1.9
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304  # trusted still
    moment[0] += 0.2
    response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"SUMMARY:Changed elsewhere" in response.get_data()
    response = client.get("/events/tricky.ics", headers={"If-None-Match": event_etag})
    assert response.status_code == 200


def test_renaming_a_venue_changes_the_feeds_etag(app, client, clock, make_event, make_venue):
    """The feed repeats the venue's name: an edit to the venue alone must reach calendars."""
    from events_app.events.models import Event
    from events_app.extensions import db

    event = make_event(venue=make_venue(name="East Lions Community Centre"))
    before = client.get("/calendar.ics")
    single_before = client.get(f"/events/{event.slug}.ics")
    with app.app_context():
        venue = db.session.get(Event, event.id).venue
        venue.name = "Renamed Community Centre"
        db.session.commit()
    after = client.get("/calendar.ics")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Renamed Community Centre" in after.data
    assert client.get(f"/events/{event.slug}.ics").headers["ETag"] != single_before.headers["ETag"]


def test_a_feed_carries_its_first_events_only(app, client, clock, make_event, monkeypatch):
    """Issue 15: a feed carries at most FEED_MAX_EVENTS events, the first of
    its window by start, so that checking and building it cost the same at
    100,000 events as at 2,000. An event past them is not in it; one
    before them takes the place of the last."""
    monkeypatch.setattr(services, "FEED_MAX_EVENTS", 3)
    # The statements are built once per scope, with the limit in them.
    services._events_statements.cache_clear()
    services._validator_statement.cache_clear()
    try:
        for day in range(1, 6):
            make_event(slug=f"day-{day}", title=f"Day {day}", start_dt=clock.now + timedelta(days=day))

        def summaries(path=FEED):
            body = client.get(path).get_data()
            return [line.split(b":", 1)[1].decode() for line in body.split(b"\r\n")
                    if line.startswith(b"SUMMARY:")]

        assert summaries() == ["Day 1", "Day 2", "Day 3"]
        make_event(slug="day-9", title="Day 9", start_dt=clock.now + timedelta(days=9))
        assert summaries() == ["Day 1", "Day 2", "Day 3"]
        etag = etag_of(client)
        assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
        make_event(slug="soon", title="Soon", start_dt=clock.now + timedelta(hours=3))
        assert etag_of(client) != etag
        assert summaries() == ["Soon", "Day 1", "Day 2"]
        atom = client.get("/feeds/events.atom").get_data(as_text=True)
        assert atom.count("<entry>") == 3 and "Day 3" not in atom
    finally:
        services._events_statements.cache_clear()
        services._validator_statement.cache_clear()
