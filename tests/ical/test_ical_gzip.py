"""Feeds gzipped for the clients that ask (and only for them): the same
calendar, an ETag of its own, compressed once per build."""
import gzip

import feedparser

from events_app.extensions import db
from events_app import httputil

FEED = "/calendar.ics"
ATOM = "/feeds/events.atom"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_client_that_asks_gets_the_same_calendar_gzipped_with_its_own_etag(client, calendar_site):
    plain = client.get(FEED)
    packed = client.get(FEED, headers=GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert "Content-Encoding" not in plain.headers
    for response in (plain, packed):
        assert "Accept-Encoding" in response.vary
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # Each ETag gets its 304 from its own encoding only.
    assert client.get(FEED, headers={**GZIP, "If-None-Match": packed.headers["ETag"]}).status_code == 304
    assert client.get(FEED, headers={"If-None-Match": packed.headers["ETag"]}).status_code == 200
    assert client.get(FEED, headers={**GZIP, "If-None-Match": plain.headers["ETag"]}).status_code == 200


def test_never_for_a_client_that_refuses_it(client, calendar_site):
    for header in ("identity", "gzip;q=0", "br", "*;q=0"):
        response = client.get(FEED, headers={"Accept-Encoding": header})
        assert "Content-Encoding" not in response.headers, header
        assert response.get_data().startswith(b"BEGIN:VCALENDAR")


def test_compressed_once_per_build(app, client, calendar_site, monkeypatch):
    calls = []
    real = gzip.compress
    monkeypatch.setattr(httputil.gzip, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = client.get(FEED, headers=GZIP).get_data()
    for _ in range(3):
        assert client.get(FEED, headers=GZIP).get_data() == first
    assert len(calls) == 1
    with app.app_context():
        from events_app.events.models import Event

        event = db.session.scalars(db.select(Event)).first()
        event.title = "A new title"
        db.session.commit()
    app.extensions["ical_validators"].seconds = 0
    assert client.get(FEED, headers=GZIP).get_data() != first
    assert len(calls) == 2


def test_the_atom_feed_too(client, calendar_site):
    packed = client.get(ATOM, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    parsed = feedparser.parse(gzip.decompress(packed.get_data()))
    assert not parsed.bozo and parsed.entries
    assert gzip.decompress(packed.get_data()) == client.get(ATOM).get_data()
    assert client.get(ATOM, headers={**GZIP, "If-None-Match": packed.headers["ETag"]}).status_code == 304
    assert client.get(ATOM, headers={"If-None-Match": packed.headers["ETag"]}).status_code == 200
