"""Sub-councils and recommendations, and the events that act on them."""
from datetime import timedelta

import pytest

from htmltools import event_slugs, page

COUNCIL_SLUGS = [
    "education", "employment", "health-and-wellbeing", "inclusion-and-civic-engagement",
    "justice-and-protection-services", "settlement",
]


def test_councils_index_lists_the_six_sub_councils(client, demo):
    response = client.get("/councils")
    assert response.status_code == 200
    links = page(response).one("ul", class_="council-list").links()
    assert links == [f"/councils/{slug}" for slug in COUNCIL_SLUGS]
    assert "3 recommendations" in page(response).one("ul", class_="council-list").text


def test_health_and_wellbeing_lists_its_recommendations_with_their_events(client, demo):
    response = client.get("/councils/health-and-wellbeing")
    assert response.status_code == 200
    listing = page(response).one("ul", class_="recommendation-list")
    recommendations = {}
    for item in (child for child in listing.children if getattr(child, "tag", None) == "li"):
        heading = item.one("h3")
        code = heading.one(class_="code").text
        events = item.find("ul", class_="rec-events")
        recommendations[code] = (heading.text, events.links() if events else [])
    assert list(recommendations) == ["HW-1", "HW-2", "HW-3"]
    assert "Holistic supports for newcomers’ mental health" in recommendations["HW-2"][0]
    assert recommendations["HW-1"][1] == [
        "/events/community-meeting-2027-03-07",
        "/events/building-bridges-anti-racism-101-2027-03-07",
    ]
    assert recommendations["HW-2"][1] == [
        "/events/community-meeting-2027-03-07",
        "/events/breath-self-care-2027-03-07",
    ]
    assert recommendations["HW-3"][1] == [
        "/events/community-meeting-2027-03-07",
        "/events/journeys-to-canada-2027-03-07",
    ]
    # A workshop is named with its meeting.
    assert "(March 7 Community Meeting)" in page(response).one("ul", class_="recommendation-list").text


def test_council_page_lists_its_upcoming_events(client, demo):
    response = client.get("/councils/health-and-wellbeing")
    upcoming = event_slugs(response)
    assert "health-and-wellbeing-sub-council-meeting-2026-12" in upcoming
    assert "community-meeting-2027-03-07" in upcoming
    assert "health-and-wellbeing-sub-council-meeting-2026-10" not in upcoming  # last month's


@pytest.mark.parametrize("code", ["HW-2", "hw-2", "Hw-2"])
def test_recommendation_page(client, demo, code):
    response = client.get(f"/recommendations/{code}")
    assert response.status_code == 200
    main = page(response).one("main")
    assert main.one("h1").text == "HW-2 Holistic supports for newcomers’ mental health and wellbeing"
    assert "/councils/health-and-wellbeing" in main.links()
    upcoming = main.one("section", **{"aria-labelledby": "upcoming-heading"})
    assert upcoming.links() == [
        "/events/community-meeting-2027-03-07",
        "/events/breath-self-care-2027-03-07",
    ]


def test_recommendation_page_separates_past_from_upcoming(client, clock, make_event, make_recommendation):
    rec = make_recommendation(code="SE-9")
    make_event(slug="long-ago", recommendations=[rec], start_dt=clock.now - timedelta(days=60))
    make_event(slug="last-week", recommendations=[rec], start_dt=clock.now - timedelta(days=7))
    make_event(slug="next-week", recommendations=[rec], start_dt=clock.now + timedelta(days=7))
    make_event(slug="draft", recommendations=[rec], status="draft")
    make_event(slug="called-off", recommendations=[rec], status="cancelled",
               start_dt=clock.now + timedelta(days=8))
    main = page(client.get("/recommendations/se-9")).one("main")
    upcoming = main.one("section", **{"aria-labelledby": "upcoming-heading"})
    past = main.one("section", **{"aria-labelledby": "past-heading"})
    assert upcoming.links() == ["/events/next-week", "/events/called-off"]
    assert "Cancelled" in upcoming.text
    assert past.links() == ["/events/last-week", "/events/long-ago"]  # most recent first


def test_council_without_recommendations(client, make_council):
    council = make_council(slug="new-council", name="New Council")
    response = client.get(f"/councils/{council.slug}?lang=en")
    assert response.status_code == 200
    assert "This Sub-council has no recommendations yet." in page(response).one("main").text


def test_council_page_in_french_uses_french_names(client, demo):
    response = client.get("/councils/health-and-wellbeing?lang=fr")
    assert response.status_code == 200
    assert page(response).one("h1").text == "Santé et bien-être"
