"""The embeddable events list and the share page that writes its snippet."""
from datetime import datetime, timedelta, timezone

import pytest

from htmltools import parse

# The suite's moment (tests/conftest.py's clock fixture pins the app to it).
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def events(clock, make_council, make_venue, make_event):
    health = make_council(slug="health", name="Health", name_ar="الصحة")
    hall = make_venue(slug="hall", name="Town Hall")
    made = [make_event(slug=f"event-{n}", title=f"Event {n}", title_ar=f"فعالية {n}", venue=hall,
                       council=health if n % 2 else None, kind="workshop" if n < 3 else "neighbourhood-event",
                       start_dt=NOW + timedelta(days=n + 1), end_dt=NOW + timedelta(days=n + 1, hours=2))
            for n in range(12)]
    make_event(slug="full", title="Full workshop", capacity=0, start_dt=NOW + timedelta(hours=5),
               end_dt=NOW + timedelta(hours=6))
    return made


def test_the_list_is_small_framable_by_anyone_and_opens_events_in_a_new_tab(client, events):
    response = client.get("/embed/events")
    assert response.status_code == 200
    assert len(response.data) < 20_000
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp
    assert "X-Frame-Options" not in response.headers
    html = parse(response.get_data(as_text=True))
    assert not html.find_all("script")
    items = html.find("ol", class_="events").find_all("li")
    assert len(items) == 10  # the default
    first = items[0].find("a")
    assert first.text.startswith("Full workshop")
    assert first["target"] == "_blank" and first["rel"] == "noopener"
    assert "Waitlist" in items[0].text


def test_every_other_page_stays_unframable(client, events):
    for path in ("/", "/events", "/events/event-1", "/share", "/api", "/login"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path


def test_filters_limit_and_language(client, events):
    html = parse(client.get("/embed/events?council=health&kind=workshop&limit=3&lang=ar").get_data(as_text=True))
    assert html.one("html")["dir"] == "rtl"
    links = [li.find("a") for li in html.find("ol", class_="events").find_all("li")]
    assert [a.text.split(" (")[0].strip() for a in links][:1] == ["فعالية 1"]
    assert len(links) == 1  # event-1 only: a workshop of Health
    assert links[0]["href"] == "/events/event-1?lang=ar"
    assert html.find("p", class_="all").find("a")["href"] == (
        "http://events.test/events?council=health&kind=workshop&lang=ar")


@pytest.mark.parametrize("query", ["limit=0", "limit=51", "limit=many", "council=nobody", "kind=party",
                                   "lang=xx"])
def test_a_wrong_address_says_so_in_the_frame(client, events, query):
    response = client.get(f"/embed/events?{query}")
    assert response.status_code == 400
    assert "not right" in response.get_data(as_text=True)


def test_the_share_page_writes_the_snippet_feeds_and_api_for_the_choice(client, events):
    response = client.get("/share?council=health&kind=workshop&limit=5&list_language=fr")
    assert response.status_code == 200
    html = parse(response.get_data(as_text=True))
    snippet = html.one("textarea", id="embed-snippet").text
    assert snippet.startswith('<iframe src="http://events.test/embed/events?council=health&amp;kind=workshop&amp;limit=5&amp;lang=fr"')
    assert 'title="' in snippet
    preview = html.one("iframe", class_="embed-preview")
    assert preview["src"] == "http://events.test/embed/events?council=health&kind=workshop&limit=5&lang=fr"
    values = {field["id"]: field["value"] for field in html.find_all("input") if field.attrs.get("readonly") is not None}
    assert values["atom-1"] == "http://events.test/feeds/councils/health.atom?lang=fr"
    assert values["ics-1"] == "http://events.test/calendar/councils/health.ics?lang=fr"
    assert values["atom-2"] == "http://events.test/feeds/kinds/workshop.atom?lang=fr"
    assert values["api-url"] == "http://events.test/api/v1/events?council=health&kind=workshop&limit=5&lang=fr"
    # Every address it writes answers.
    for url in [preview["src"], *values.values()]:
        assert client.get(url.removeprefix("http://events.test")).status_code == 200, url
    assert client.get("/share?limit=500").status_code == 400
    # The page itself stays in the reader's language; nothing remembers French.
    assert html.one("html")["lang"] == "en"
    assert "Set-Cookie" not in client.get("/embed/events?lang=ar").headers
    assert parse(client.get("/events").get_data(as_text=True)).one("html")["lang"] == "en"


def test_without_a_language_the_list_follows_each_readers_browser(client, events):
    html = parse(client.get("/share?council=health").get_data(as_text=True))
    preview = html.one("iframe", class_="embed-preview")
    assert preview["src"] == "http://events.test/embed/events?council=health&limit=10"
    values = {field["id"]: field["value"] for field in html.find_all("input") if field.attrs.get("readonly") is not None}
    assert values["api-url"] == "http://events.test/api/v1/events?council=health&limit=10"
    # Feed readers send no language: the feeds keep the page's.
    assert values["atom-1"] == "http://events.test/feeds/councils/health.atom?lang=en"
    arabic = parse(client.get("/embed/events?council=health", headers={"Accept-Language": "ar"}).get_data(as_text=True))
    assert arabic.one("html")["lang"] == "ar"
