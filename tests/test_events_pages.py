"""The public event pages: home, one event, its programme, statuses, errors."""
from datetime import datetime, timedelta, timezone

import pytest

from dbsetup import config_for, dispose_engines
from events_app import create_app
from htmltools import event_slugs, page

MEETING = "community-meeting-2027-03-07"
WORKSHOPS = {
    "common-assessment-process-2027-03-07": "Common Assessment Process",
    "journeys-to-canada-2027-03-07": "Journeys to Canada",
    "breath-self-care-2027-03-07": "Breath – self-care in stressful times",
    "building-bridges-anti-racism-101-2027-03-07": "Building Bridges: Anti-racism 101",
}


def test_home_lists_the_march_7_community_meeting(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    home = page(response)
    assert f"/events/{MEETING}" in home.one("main").links()
    card = next(a for a in home.find_all("article", class_="event-card")
                if f"/events/{MEETING}" in a.links())
    assert "March 7 Community Meeting" in card.text
    assert "Sunday, March 7, 2027, 9:30 AM – 3:00 PM" in card.text
    # Its workshops are part of the meeting, not events of their own on the home page.
    assert not set(WORKSHOPS) & set(event_slugs(response))


def test_home_lists_the_coming_days(client, demo):
    """From 24 November the coming weeks hold the Sub-councils' monthly meetings."""
    days = page(client.get("/")).find_all("section", class_="day")
    assert days
    first_day = days[0].find("time")["datetime"]
    assert "2026-11-24" <= first_day <= "2026-12-31"
    assert sum(len(d.find_all("article")) for d in days) >= 6


def test_meeting_page_shows_four_workshops_in_two_slots(client, demo):
    response = client.get(f"/events/{MEETING}")
    assert response.status_code == 200
    programme = page(response).one("section", class_="timetable")
    slots = programme.find_all("section", class_="slot")
    assert len(slots) == 2
    timetable = []
    for slot in slots:
        sessions = slot.find_all("li", class_="session")
        timetable.append((
            slot.one("h3").find("time").text,
            [(s.one("h4").text, s.one("h4").one("a")["href"]) for s in sessions],
        ))
    assert timetable == [
        ("10:00 AM", [
            ("Common Assessment Process", "/events/common-assessment-process-2027-03-07"),
            ("Journeys to Canada", "/events/journeys-to-canada-2027-03-07"),
        ]),
        ("1:00 PM", [
            ("Breath – self-care in stressful times", "/events/breath-self-care-2027-03-07"),
            ("Building Bridges: Anti-racism 101", "/events/building-bridges-anti-racism-101-2027-03-07"),
        ]),
    ]
    assert "10:00 AM – 11:30 AM" in slots[0].one("h3").text
    assert "1:00 PM – 2:30 PM" in slots[1].one("h3").text
    presenters = [s.text for s in programme.find_all("li", class_="session")
                  if "Opening Doors Project" in s.text]
    assert len(presenters) == 2
    # Each workshop says which recommendations it acts on.
    for session in programme.find_all("li", class_="session"):
        codes = [href.rsplit("/", 1)[-1] for href in session.one(class_="session-recs").links()]
        assert codes and all(code.startswith(("HW-", "EM-")) for code in codes)


def test_workshop_page_points_back_to_its_meeting(client, demo):
    response = client.get("/events/breath-self-care-2027-03-07")
    assert response.status_code == 200
    breadcrumb = page(response).one(class_="breadcrumb")
    assert breadcrumb.links() == [f"/events/{MEETING}"]
    assert "Opening Doors Project" in page(response).one("dl", class_="facts").text


def test_sessions_are_listed_under_their_meeting(client, make_event):
    meeting = make_event(kind="community-meeting", title="Spring Meeting")
    make_event(parent=meeting, kind="workshop", title="Morning workshop", slug="morning",
               start_dt=meeting.start_dt, end_dt=meeting.start_dt + timedelta(hours=1))
    make_event(parent=meeting, kind="workshop", title="Afternoon workshop", slug="afternoon",
               start_dt=meeting.start_dt + timedelta(hours=1), end_dt=meeting.end_dt)
    response = client.get("/events")
    assert event_slugs(response) == [meeting.slug]
    card = page(response).one("article", class_="event-card")
    assert "2 sessions: Morning workshop; Afternoon workshop" in card.one(class_="event-sessions").text

    detail = page(client.get(f"/events/{meeting.slug}"))
    assert [s.one("h4").text for s in detail.find_all("li", class_="session")] == [
        "Morning workshop", "Afternoon workshop"]
    assert len(detail.find_all("section", class_="slot")) == 2


def test_draft_events_are_not_public(client, make_event):
    draft = make_event(status="draft", title="Secret plans")
    shown = make_event(title="Public event")
    assert client.get(f"/events/{draft.slug}").status_code == 404
    response = client.get("/events")
    assert event_slugs(response) == [shown.slug]
    assert "Secret plans" not in response.get_data(as_text=True)
    assert "Secret plans" not in client.get("/").get_data(as_text=True)


def test_draft_sessions_are_not_shown_in_their_meeting(client, make_event):
    meeting = make_event(kind="community-meeting")
    make_event(parent=meeting, kind="workshop", title="Confirmed workshop")
    hidden = make_event(parent=meeting, kind="workshop", title="Unconfirmed workshop", status="draft")
    text = client.get(f"/events/{meeting.slug}").get_data(as_text=True)
    assert "Confirmed workshop" in text
    assert "Unconfirmed workshop" not in text
    assert "Unconfirmed workshop" not in client.get("/events").get_data(as_text=True)
    assert client.get(f"/events/{hidden.slug}").status_code == 404


def test_cancelled_events_are_shown_marked_cancelled(client, make_event):
    cancelled = make_event(status="cancelled", title="Rained out")
    response = client.get(f"/events/{cancelled.slug}?lang=en")
    assert response.status_code == 200
    notice = page(response).one(class_="notice-cancelled")
    assert notice.text == "This event has been cancelled."

    card = page(client.get("/events")).one("article", class_="event-card")
    assert "is-cancelled" in card.classes
    assert card.one(class_="badge-cancelled").text == "Cancelled"


def test_cancelled_session_is_marked_in_the_programme(client, make_event):
    meeting = make_event(kind="community-meeting")
    make_event(parent=meeting, kind="workshop", title="Called off", status="cancelled")
    session = page(client.get(f"/events/{meeting.slug}")).one("li", class_="session")
    assert "is-cancelled" in session.classes
    assert session.find(class_="badge-cancelled") is not None


def test_past_event_page_says_it_took_place(client, clock, make_event):
    event = make_event(start_dt=clock.now - timedelta(days=3))
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    assert "This event has already taken place." in page(response).one("main").text
    assert event_slugs(client.get("/events")) == []


@pytest.mark.parametrize(
    "path",
    ["/events/no-such-event", "/councils/no-such-council", "/recommendations/XX-99", "/no/such/page"],
)
def test_unknown_addresses_get_the_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    main = page(response).one("main")
    assert main.one("h1").text == "Page not found"
    assert "/events" in main.links()
    assert 'lang="en"' in response.get_data(as_text=True)


def test_healthz_answers_with_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok",
                                   "reminders": {"state": "never run"}}


def test_healthz_says_503_when_the_database_does_not_answer(tmp_path):
    # A SQLite file in a folder that does not exist cannot be opened.
    app = create_app(config_for(f"sqlite:///{tmp_path / 'missing' / 'events.db'}"))
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "error", "database": "unreachable"}
    finally:
        dispose_engines(app)


def test_markdown_description_is_rendered_and_sanitised(client, make_event):
    event = make_event(description=(
        "Bring **your family** and *friends*.\n\n"
        "* tea\n* coffee\n\n"
        "<script>alert('stolen')</script>\n\n"
        '<p onclick="steal()" onmouseover="steal()">Hover me</p>\n\n'
        '<img src="x" onerror="steal()">\n\n'
        "[bad link](javascript:steal()) and [good link](https://example.org/info)"
    ))
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = page(response).one("section", class_="description")
    assert section.one("strong").text == "your family"
    assert section.one("em").text == "friends"
    assert [li.text for li in section.find_all("li")] == ["tea", "coffee"]
    good = section.find("a", href="https://example.org/info")
    assert good is not None and "noopener" in good["rel"]
    assert "Hover me" in section.text
    for dangerous in ("<script", "alert(", "onclick", "onmouseover", "onerror", "javascript:", "<img"):
        assert dangerous not in html


def test_event_page_shows_where_and_who(client, make_event, make_venue, make_council, make_theme):
    venue = make_venue(name="Central Library", address="251 Dundas Street",
                       accessibility_notes="Step-free entrance.")
    council = make_council(slug="settlement", name="Settlement")
    theme = make_theme(slug="host-community", name="Host Community")
    event = make_event(venue=venue, council=council, themes=[theme], capacity=25,
                       presenter="Opening Doors Project", languages=["en", "ar"])
    facts = page(client.get(f"/events/{event.slug}")).one("dl", class_="facts")
    assert "Central Library" in facts.text and "251 Dundas Street" in facts.text
    assert "/councils/settlement" in facts.links()
    assert "/events?theme=host-community" in facts.links()
    assert "Opening Doors Project" in facts.text
    assert "25 places" in facts.text
    assert "English, Arabic" in facts.text
    access = page(client.get(f"/events/{event.slug}")).one("section", class_="access")
    assert "Step-free entrance." in access.text


def test_times_are_utc_instants_in_the_markup(client, make_event):
    start = datetime(2027, 3, 14, 14, 0, tzinfo=timezone.utc)
    event = make_event(start_dt=start)
    time = page(client.get(f"/events/{event.slug}")).one("dl", class_="facts").one("time")
    assert time["datetime"] == "2027-03-14T14:00:00+00:00"
