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


def test_many_events_on_a_recommendation_are_bounded_lists_with_their_totals(
        app, client, clock, make_council, make_recommendation, make_event):
    """However many events act on a recommendation, its council's page lists
    the latest five and its own page the next and latest twenty, each saying
    how many there are, in the same number of queries."""
    from dbsetup import count_statements
    from events_app.extensions import db

    council = make_council(slug="busy")
    rec = make_recommendation(code="BU-1", council=council)
    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        engine = db.engine

    def add(first, count, past=False):
        for n in range(first, first + count):
            start = clock.now + timedelta(days=(-n - 2) if past else (n + 1))
            make_event(slug=f"{'past' if past else 'next'}-{n}", recommendations=[rec],
                       start_dt=start, end_dt=start + timedelta(hours=1))

    def statements(path):
        with count_statements(engine) as found:
            assert client.get(path).status_code == 200
        return len(found)

    add(0, 3)
    add(0, 2, past=True)
    few = (statements("/councils/busy"), statements("/recommendations/BU-1"))
    add(3, 30)
    add(2, 25, past=True)
    assert (statements("/councils/busy"), statements("/recommendations/BU-1")) == few

    listing = page(client.get("/councils/busy")).one("ul", class_="rec-events")
    assert listing.links() == [f"/events/next-{n}" for n in range(28, 33)]  # the latest five
    assert "55 more events: see them all" in page(client.get("/councils/busy")).text
    recommendation = page(client.get("/recommendations/BU-1"))
    assert "The next 20 of 33 upcoming events." in recommendation.text
    assert "The latest 20 of 27 past events." in recommendation.text
    upcoming = recommendation.one("section", **{"aria-labelledby": "upcoming-heading"}).links()
    assert upcoming[:2] == ["/events/next-0", "/events/next-1"] and len(upcoming) == 20
    past = recommendation.one("section", **{"aria-labelledby": "past-heading"}).links()
    assert past[:2] == ["/events/past-0", "/events/past-1"] and len(past) == 20

    # Counted no further than COUNTED_AT_MOST (issue 15: the same cost at
    # 100,000 events): the pages say "more than", the API says it is capped.
    from events_app.events import services as event_services

    app.config["PAGE_CACHE_SECONDS"] = 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(event_services, "COUNTED_AT_MOST", 30)
        assert "More than 30 events in all: see them" in page(client.get("/councils/busy")).text
        recommendation = page(client.get("/recommendations/BU-1"))
        assert "The next 20 of more than 30 upcoming events." in recommendation.text
        assert "The latest 20 of 27 past events." in recommendation.text  # under the cap: exact
        item = client.get("/api/v1/recommendations?council=busy").get_json()["items"][0]
        assert (item["events_total"], item["events_total_capped"]) == (30, True)
        # Still the latest five, the next twenty.
        assert page(client.get("/councils/busy")).one("ul", class_="rec-events").links() == [
            f"/events/next-{n}" for n in range(28, 33)]
    item = client.get("/api/v1/recommendations?council=busy").get_json()["items"][0]
    assert (item["events_total"], item["events_total_capped"]) == (60, False)


def test_a_repeating_event_still_running_counts_as_upcoming_not_past(
        client, clock, make_recommendation, make_event):
    """The upcoming count adds the events not over yet and the repeating ones
    whose first date is over but whose series runs on (two ranges of two
    indexes); the past count takes neither."""
    rec = make_recommendation(code="RP-1")
    first = clock.now - timedelta(weeks=2)
    make_event(slug="weekly-circle", recommendations=[rec], start_dt=first,
               end_dt=first + timedelta(hours=2), recurrence_rule="FREQ=WEEKLY;COUNT=6")
    make_event(slug="finished-series", recommendations=[rec], start_dt=first - timedelta(weeks=10),
               end_dt=first - timedelta(weeks=10, hours=-2), recurrence_rule="FREQ=WEEKLY;COUNT=3")
    for n in range(3):
        make_event(slug=f"next-{n}", recommendations=[rec], start_dt=clock.now + timedelta(days=n + 1))
    make_event(slug="last-month", recommendations=[rec], start_dt=clock.now - timedelta(days=30))
    main = page(client.get("/recommendations/RP-1")).one("main")
    upcoming = main.one("section", **{"aria-labelledby": "upcoming-heading"})
    past = main.one("section", **{"aria-labelledby": "past-heading"})
    assert upcoming.links() == ["/events/weekly-circle", "/events/next-0", "/events/next-1", "/events/next-2"]
    assert sorted(past.links()) == ["/events/finished-series", "/events/last-month"]

    from events_app.events import services as event_services

    with pytest.MonkeyPatch.context() as patch:  # the totals, shown once capped
        patch.setattr(event_services, "COUNTED_AT_MOST", 3)
        text = page(client.get("/recommendations/RP-1?lang=en&n=1")).text
        assert "The next 4 of more than 3 upcoming events." in text
        assert "latest 2 of" not in text and "more than 3 past" not in text
