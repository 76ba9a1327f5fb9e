"""The language an event is held in is not the interface language (issue 11, item 9):
`/events?language=`, `/calendar/languages/<code>.ics` and the digest's
"only events I can follow in my language"."""
from datetime import timedelta

import pytest

from htmltools import page

from subscriptions.helpers import outbox, run_digests, subscribe_and_confirm


def fetch(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/calendar"
    return response.get_data(as_text=True).replace("\r\n ", "")


def summaries(body: str) -> set[str]:
    return {line[len("SUMMARY:"):] for line in body.split("\r\n") if line.startswith("SUMMARY:")}


@pytest.fixture
def languages_site(make_event, clock):
    soon = clock.now + timedelta(days=3)
    meeting = make_event(slug="meeting", kind="community-meeting", title="Meeting",
                         languages=["en"], start_dt=soon)
    return {
        "arabic": make_event(slug="arabic", title="Arabic circle", languages=["ar"], start_dt=soon),
        "bilingual": make_event(slug="bilingual", title="Bilingual", languages=["en", "ar"], start_dt=soon),
        "english": make_event(slug="english", title="English only", languages=["en"], start_dt=soon),
        "chinese": make_event(slug="chinese", title="Chinese", languages=["zh-Hans"], start_dt=soon),
        # Found through a session held in Arabic.
        "meeting": meeting,
        "session": make_event(slug="session", kind="workshop", title="Session in Arabic",
                              parent=meeting, languages=["ar"], start_dt=soon),
        # "ar" only as part of another word in the JSON text: must not match.
        "aramaic": make_event(slug="aramaic", title="Aramaic", languages=["arc"], start_dt=soon),
    }


def listed(client, query) -> set[str]:
    response = client.get(f"/events?{query}")
    assert response.status_code == 200
    return {a["href"].rsplit("/", 1)[1] for a in page(response).find_all("a")
            if a.attrs.get("href", "").startswith("/events/") and a.parent.tag.startswith("h")}


def test_the_list_filters_by_the_language_an_event_is_held_or_interpreted_in(client, languages_site):
    assert listed(client, "language=ar") == {"arabic", "bilingual", "meeting"}
    assert listed(client, "language=zh") == {"chinese"}
    assert listed(client, "language=arc") == {"aramaic"}
    # The filter is offered by each language's name in the reader's language.
    options = {o["value"]: o.text for o in
               page(client.get("/events?lang=fr")).one("select", id="language").find_all("option")}
    assert options["ar"] == "Arabe" and options["zh"] == "Chinois" and options[""]


def test_a_malformed_language_is_refused_with_a_message(client, languages_site):
    response = client.get("/events?language=%22%25")
    assert response.status_code == 400
    assert "Please choose a language from the list." in response.get_data(as_text=True)


def test_a_feed_per_language_holds_exactly_those_events(client, languages_site):
    body = fetch(client, "/calendar/languages/ar.ics")
    # The session is its own event in calendars; its meeting, held in English, is not.
    assert summaries(body) == {"Arabic circle", "Bilingual", "Session in Arabic"}
    assert "X-WR-CALNAME:Events in Arabic: London & Middlesex Local Immigration Partnership" in body
    assert summaries(fetch(client, "/calendar/languages/zh.ics")) == {"Chinese"}
    assert client.get("/calendar/languages/%25.ics").status_code == 404


def test_the_subscribe_page_lists_a_feed_per_site_language(client, languages_site):
    feeds = {li["id"] for li in page(client.get("/calendar")).find_all("li", class_="feed")}
    assert {f"feed-language-{code}" for code in ("en", "fr", "ar", "es", "zh")} <= feeds


def test_a_digest_can_hold_only_the_events_one_can_follow(app, client, runner, clock, languages_site):
    subscribe_and_confirm(client, app, email="amina@example.org", language="ar",
                          is_language_only="y")
    subscribe_and_confirm(client, app, email="omar@example.org", language="ar")
    run_digests(runner, clock.now)
    digests = {m.to_address: m.body_text for m in outbox(app, "digest")}
    assert "Arabic circle" in digests["amina@example.org"]
    assert "English only" not in digests["amina@example.org"]
    assert "Chinese" not in digests["amina@example.org"]
    assert "English only" in digests["omar@example.org"]
