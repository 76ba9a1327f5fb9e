"""A repeating event is stored once and listed at each of its dates.

The Sub-council's monthly meeting must not vanish from /events after its
first date, nor appear there only once: residents look for "what is on
next Tuesday". Skipped dates are left out, a cancelled series shows once.
"""
from datetime import datetime, timedelta, timezone

import pytest

from events_app.events.models import EventStatus
from htmltools import event_slugs, page


@pytest.fixture(autouse=True)
def render_every_time(app):
    app.config["PAGE_CACHE_SECONDS"] = 0


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# Second Tuesday of each month, 18:00 in Toronto (EST: 23:00 UTC), six times
# from 2026-12-08, the February date skipped.
MONTHLY = "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"
FIRST = utc(2026, 12, 8, 23, 0)


def listed(response) -> list[tuple[str, str]]:
    """(slug, local start) of each card on a page."""
    return [
        (card.one(class_="event-title").one("a")["href"].rsplit("/", 1)[-1],
         card.one(class_="event-when").one("time")["datetime"][:10])
        for card in page(response).find_all("article", class_="event-card")
    ]


@pytest.fixture
def series(make_event, make_council):
    council = make_council(slug="education", name="Education")
    return make_event(slug="monthly", title="Education Sub-council", kind="council-meeting",
                      council=council, start_dt=FIRST, end_dt=FIRST + timedelta(hours=2),
                      recurrence_rule=MONTHLY, recurrence_exdates=["2027-02-09"])


def test_each_date_is_listed_in_order_among_other_events(client, series, make_event):
    make_event(slug="workshop", start_dt=utc(2027, 1, 20, 15), end_dt=utc(2027, 1, 20, 17))
    make_event(slug="fair", start_dt=utc(2027, 3, 1, 15), end_dt=utc(2027, 3, 1, 17))
    response = client.get("/events")
    assert response.status_code == 200
    assert listed(response) == [
        ("monthly", "2026-12-08"), ("monthly", "2027-01-12"), ("workshop", "2027-01-20"),
        ("fair", "2027-03-01"), ("monthly", "2027-03-09"), ("monthly", "2027-04-13"),
        ("monthly", "2027-05-11"),
    ]
    assert "7 events" in page(response).text
    cards = page(response).find_all("article", class_="event-card")
    assert "Repeats" in cards[0].text and "Repeats" not in cards[2].text


def test_the_series_stays_listed_after_its_first_dates(client, clock, series):
    clock.now = utc(2027, 1, 13, 12)  # the December and January dates are over
    assert [d for _, d in listed(client.get("/events"))] == [
        "2027-03-09", "2027-04-13", "2027-05-11"]
    text = page(client.get("/events/monthly")).text
    assert "This event has already taken place" not in text
    assert "Next dates:" in text
    clock.now = utc(2027, 5, 12, 12)  # after the last
    assert listed(client.get("/events")) == []
    assert "This event has already taken place" in page(client.get("/events/monthly")).text


def test_pages_split_the_merged_dates(app, client, series, make_event):
    app.config["EVENTS_PER_PAGE"] = 2
    make_event(slug="workshop", start_dt=utc(2027, 1, 20, 15), end_dt=utc(2027, 1, 20, 17))
    pages = [listed(client.get(f"/events?page={n}")) for n in (1, 2, 3)]
    assert pages == [
        [("monthly", "2026-12-08"), ("monthly", "2027-01-12")],
        [("workshop", "2027-01-20"), ("monthly", "2027-03-09")],
        [("monthly", "2027-04-13"), ("monthly", "2027-05-11")],
    ]
    assert "Page 3 of 3" in page(client.get("/events?page=3")).text


def test_from_date_and_filters_apply_to_the_dates(client, series, make_event):
    make_event(slug="workshop", start_dt=utc(2027, 4, 1, 15), end_dt=utc(2027, 4, 1, 17))
    assert [d for _, d in listed(client.get("/events?from=2027-04-01"))] == [
        "2027-04-01", "2027-04-13", "2027-05-11"]
    assert event_slugs(client.get("/events?council=education&from=2027-04-01")) == [
        "monthly", "monthly"]


def test_home_and_council_page_show_the_next_dates(client, clock, series):
    clock.now = utc(2027, 1, 10, 12)
    assert listed(client.get("/"))[0] == ("monthly", "2027-01-12")
    council = event_slugs(client.get("/councils/education"))
    assert council[:2] == ["monthly", "monthly"]


def test_a_cancelled_series_is_listed_once(app, client, series):
    from events_app.events.models import Event
    from events_app.extensions import db

    with app.app_context():
        event = db.session.get(Event, series.id)
        event.status = EventStatus.CANCELLED
        db.session.commit()
    cards = page(client.get("/events")).find_all("article", class_="event-card")
    assert len(cards) == 1 and "Cancelled" in cards[0].text


def test_listing_runs_a_fixed_number_of_queries_with_a_series(app, client, series, make_event):
    from dbsetup import count_statements
    from events_app.extensions import db

    for n in range(3):
        make_event(slug=f"one-off-{n}", start_dt=utc(2027, 1, 20 + n, 15),
                   end_dt=utc(2027, 1, 20 + n, 17))
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as few:
        client.get("/events")
    for n in range(30):
        make_event(slug=f"more-{n}", start_dt=utc(2027, 2, 1 + n % 27, 15),
                   end_dt=utc(2027, 2, 1 + n % 27, 17))
    with count_statements(engine) as many:
        client.get("/events?page=2")
    assert len(many) == len(few), "\n---\n".join(many)


def test_the_series_page_says_when_the_next_date_is(client, clock, series):
    clock.now = utc(2027, 1, 13, 12)  # after the January date
    when = page(client.get("/events/monthly")).one("dl", class_="facts")
    assert when.find_all("time")[0]["datetime"].startswith("2027-03-09")  # February is skipped
    assert "Tuesday, March 9, 2027" in when.text
