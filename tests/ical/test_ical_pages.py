"""The subscribe page and "Add to your calendar" on event pages."""
from datetime import datetime
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from events_app.events.models import EventKind
from htmltools import page

FEED_PATHS = {
    "feed-all": "/calendar.ics",
    "feed-council-health-and-wellbeing": "/calendar/councils/health-and-wellbeing.ics",
    "feed-council-employment": "/calendar/councils/employment.ics",
    "feed-theme-host-community": "/calendar/themes/host-community.ics",
    **{f"feed-kind-{kind}": f"/calendar/kinds/{kind}.ics" for kind in EventKind},
    # One per site language (zh_Hans: events held in Chinese, "zh").
    **{f"feed-language-{code}": f"/calendar/languages/{code}.ics" for code in ("en", "fr", "ar", "es", "zh")},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_subscribe_page_lists_every_feed(client, calendar_site, language):
    response = client.get(f"/calendar?lang={language}")
    assert response.status_code == 200
    root = page(response)
    feeds = {li["id"]: li for li in root.find_all("li", class_="feed")}
    assert set(feeds) == set(FEED_PATHS)
    for anchor, path in FEED_PATHS.items():
        item = feeds[anchor]
        url = f"http://events.test{path}?lang={language}"
        assert item.one("a", class_="button")["href"] == f"webcal://events.test{path}?lang={language}"
        field = item.one("input")
        assert field["value"] == url
        assert "readonly" in field.attrs and field["type"] == "text"
        label = item.one("label")
        assert label["for"] == field["id"]
        assert item.one("h3").text in label.text  # names the calendar for screen readers
        button = item.one("button", class_="copy-button")
        assert "hidden" in button.attrs  # shown by copy.js only
        assert button["data-copy"] == field["id"]
        # Google Calendar's add-by-address page: what works on Android, where
        # webcal:// does nothing (issue 16, item 10).
        google = [a["href"] for a in item.find_all("a") if a["href"].startswith("https://calendar.google")]
        assert google == ["https://calendar.google.com/calendar/r?cid="
                          + quote(f"webcal://events.test{path}?lang={language}", safe="")]
        # One line per calendar until opened, without JavaScript; all events open.
        details = item.one("details")
        assert ("open" in details.attrs) == (anchor == "feed-all")
        # The feed exists and answers.
        assert client.get(f"{path}?lang={language}").status_code == 200
    scripts = [s["src"] for s in root.find_all("script")]
    assert "/static/js/copy.js" in scripts
    with client.get("/static/js/copy.js") as script:
        assert script.status_code == 200
        assert b"data-copy" in script.get_data()


def test_subscribe_page_explains_each_calendar_app(client, calendar_site):
    english = page(client.get("/calendar?lang=en"))
    text = english.one("section", class_="how-to").text
    for words in ("Google Calendar", "From URL", "every 12 to 24 hours", "Outlook",
                  "Subscribe from web", "Apple Calendar", "New Calendar Subscription"):
        assert words in text
    french = page(client.get("/calendar?lang=fr"))
    text = french.one("section", class_="how-to").text
    for words in ("Google Agenda", "À partir de l’URL", "toutes les 12 à 24 heures", "Outlook",
                  "Calendrier d’Apple"):
        assert words in text
    assert french.one("h1").text == "Nos événements dans votre calendrier"


@pytest.mark.parametrize("language, label", [("en", "Calendars"), ("fr", "Calendriers")])
def test_main_navigation_links_to_calendars(client, calendar_site, language, label):
    nav = page(client.get(f"/?lang={language}")).one("nav", class_="main-nav")
    link = next(a for a in nav.find_all("a") if a["href"] == "/calendar")
    assert link.text == label
    nav = page(client.get("/calendar")).one("nav", class_="main-nav")
    link = next(a for a in nav.find_all("a") if a["href"] == "/calendar")
    assert link["aria-current"] == "page"


def test_council_page_links_to_its_feed(client, calendar_site):
    root = page(client.get("/councils/health-and-wellbeing"))
    assert "/calendar#feed-council-health-and-wellbeing" in root.links()


def _calendar_section(client, slug, language="en"):
    return page(client.get(f"/events/{slug}?lang={language}")).one("section", class_="add-to-calendar")


@pytest.mark.parametrize("slug, start, end", [
    ("march-meeting", "20270307T143000Z", "20270307T200000Z"),
    ("half-past-one-est", "20261101T063000Z", "20261101T073000Z"),
    ("spring-forward-sunday", "20270314T140000Z", "20270314T150000Z"),
])
def test_add_to_calendar_links(client, calendar_site, slug, start, end):
    section = _calendar_section(client, slug)
    links = section.links()
    assert f"/events/{slug}.ics" in links
    google = next(link for link in links if link.startswith("https://calendar.google.com/"))
    parts = urlsplit(google)
    assert parts.path == "/calendar/render"
    query = parse_qs(parts.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == [f"{start}/{end}"]
    assert query["ctz"] == ["America/Toronto"]
    assert f"http://events.test/events/{slug}" in query["details"][0]
    outlook = next(link for link in links if link.startswith("https://outlook.live.com/"))
    parts = urlsplit(outlook)
    assert parts.path == "/calendar/0/deeplink/compose"
    query = parse_qs(parts.query)
    assert query["path"] == ["/calendar/action/compose"]
    assert query["rru"] == ["addevent"]

    def iso(stamp):
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").strftime("%Y-%m-%dT%H:%M:%SZ")

    assert query["startdt"] == [iso(start)] and query["enddt"] == [iso(end)]
    assert "+" not in outlook  # spaces as %20: Outlook shows a + literally


def test_add_to_calendar_link_text(client, calendar_site):
    section = _calendar_section(client, "march-meeting")
    google = next(a for a in section.find_all("a") if a["href"].startswith("https://calendar.google"))
    assert google.text == "Google Calendar"
    assert "Central Library" in parse_qs(urlsplit(google["href"]).query)["location"][0]
    assert "text=March%207%20Community%20Meeting" in google["href"]
    french = _calendar_section(client, "march-meeting", "fr")
    assert french.one("h2").text == "Ajouter à votre calendrier"
    google = next(a for a in french.find_all("a") if a["href"].startswith("https://calendar.google"))
    assert google.text == "Google Agenda"
    assert "Rencontre%20communautaire%20du%207%20mars" in google["href"]


def test_cancelled_event_offers_only_its_file(client, calendar_site):
    section = _calendar_section(client, "cancelled-walk")
    assert section.links()[0] == "/events/cancelled-walk.ics"
    assert not [link for link in section.links() if link.startswith("https://")]
    assert "mark it as cancelled" in section.text
