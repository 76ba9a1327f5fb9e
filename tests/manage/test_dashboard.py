"""/manage: the chair's upcoming events with their counts, drafts, and the
recommendations no upcoming event acts on."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert

from dbsetup import count_statements
from events_app.events.models import Event, EventStatus, event_recommendations
from events_app.extensions import db
from htmltools import normalise, page

from manage.worlds import add_registrations


@pytest.fixture
def world(app, clock, make_council, make_event, make_recommendation, make_user):
    here = make_council(slug="here", name="Here Council")
    there = make_council(slug="there", name="There Council")
    recs = {
        "open, nothing scheduled": make_recommendation(council=here, code="H-1", status="open"),
        "in progress, upcoming event": make_recommendation(council=here, code="H-2", status="in-progress"),
        "done": make_recommendation(council=here, code="H-3", status="done"),
        "open, only a draft": make_recommendation(council=here, code="H-4", status="open"),
        "open, only a past event": make_recommendation(council=here, code="H-5", status="open"),
        "in progress, only a cancelled event": make_recommendation(council=here, code="H-6", status="in-progress"),
        "there, open": make_recommendation(council=there, code="T-1", status="open"),
    }
    soon = clock.now + timedelta(days=3)
    workshop = make_event(slug="workshop-here", title="Workshop Here", council=here, capacity=10,
                          start_dt=soon, recommendations=[recs["in progress, upcoming event"]])
    meeting = make_event(slug="meeting-here", title="Meeting Here", kind="community-meeting",
                         council=here, start_dt=soon + timedelta(days=1), capacity=None)
    session = make_event(slug="session-here", title="Session Here", kind="workshop", parent=meeting,
                         council=there, capacity=5, start_dt=meeting.start_dt,
                         end_dt=meeting.start_dt + timedelta(hours=1))
    make_event(slug="draft-here", title="Draft Here", council=here, status=EventStatus.DRAFT,
               recommendations=[recs["open, only a draft"]])
    make_event(slug="past-here", title="Past Here", council=here,
               start_dt=clock.now - timedelta(days=3), recommendations=[recs["open, only a past event"]])
    make_event(slug="cancelled-here", title="Cancelled Here", council=here, status=EventStatus.CANCELLED,
               recommendations=[recs["in progress, only a cancelled event"]])
    make_event(slug="event-there", title="Event There", council=there)
    make_event(slug="partnership", title="Partnership Event")
    with app.app_context():
        add_registrations(workshop.id, clock.now, confirmed=3, waitlisted=2, cancelled=4)
        add_registrations(meeting.id, clock.now, confirmed=7)
        add_registrations(session.id, clock.now, confirmed=5, waitlisted=1)
    return {
        "chair": make_user(councils=[here], name="Ana Chair"),
        "other chair": make_user(councils=[there]),
        "admin": make_user(role="admin", name="Staff Admin"),
        "no council": make_user(),
        "here": here,
    }


def rows(response, section_id: str) -> list[list[str]]:
    section = page(response).one("section", **{"aria-labelledby": section_id})
    return [
        [normalise(cell.text) for cell in row.children if getattr(cell, "tag", None) in ("th", "td")]
        for row in section.find_all("tr")[1:]
    ]


def recommendation_codes(response) -> list[str]:
    section = page(response).one("section", **{"aria-labelledby": "recommendations-heading"})
    return [node.text for node in section.find_all("span", class_="code")]


def test_a_chairs_dashboard(client, world, login):
    login(client, world["chair"])
    response = client.get("/manage/")
    assert response.status_code == 200
    main = page(response).one("main")
    assert "Signed in as Ana Chair, chair of: Here Council" in main.text

    upcoming = rows(response, "upcoming-heading")
    # Title, when, confirmed, capacity, waitlist (one council: no council column).
    assert [(r[0], r[2], r[3], r[4]) for r in upcoming] == [
        ("Workshop Here", "3", "10", "2"),
        ("Meeting Here", "7", "No limit", "0"),
        ("Session: Session Here", "5", "5 (full)", "1"),
    ]
    drafts = rows(response, "drafts-heading")
    assert [r[0] for r in drafts] == ["Draft Here"]
    assert recommendation_codes(response) == ["H-1", "H-4", "H-5", "H-6"]
    links = main.links()
    assert "/manage/events/workshop-here" in links
    assert "/recommendations/H-1" in links


def test_an_admin_sees_every_council(client, world, login):
    login(client, world["admin"])
    response = client.get("/manage/")
    upcoming = rows(response, "upcoming-heading")
    assert [r[0] for r in upcoming] == [
        "Workshop Here", "Meeting Here", "Session: Session Here", "Event There", "Partnership Event"]
    assert [r[2] for r in upcoming] == [
        "Here Council", "Here Council", "Here Council", "There Council", "Partnership-wide"]
    assert recommendation_codes(response) == ["H-1", "H-4", "H-5", "H-6", "T-1"]


def test_another_chair_sees_only_theirs(client, world, login):
    login(client, world["other chair"])
    response = client.get("/manage/")
    # The session is presented by their council, but it is the meeting's council's to manage.
    assert [r[0] for r in rows(response, "upcoming-heading")] == ["Event There"]
    assert rows(response, "drafts-heading") == []
    assert recommendation_codes(response) == ["T-1"]


def test_a_chair_without_council_is_told_what_to_do(client, world, login):
    login(client, world["no council"])
    response = client.get("/manage/")
    assert response.status_code == 200
    assert "You are not a chair of any Sub-council yet" in page(response).one("main").text
    assert rows(response, "upcoming-heading") == []


def test_the_event_page_shows_counts_and_publishes_a_draft(app, client, world, login, clock):
    login(client, world["chair"])
    response = client.get("/manage/events/meeting-here")
    assert response.status_code == 200
    registrations = [t for t in page(response).find_all("table")
                     if t.find("caption").text == "People registered"][0]
    table = [[normalise(c.text) for c in r.children if getattr(c, "tag", None) in ("th", "td")]
             for r in registrations.find_all("tr")[1:]]
    assert [(r[0], r[2], r[3], r[4]) for r in table] == [
        ("Meeting Here", "7", "No limit", "0"), ("Session: Session Here", "5", "5 (full)", "1")]
    # The meeting's sessions, with their status (issue 16, item 1).
    [sessions] = [t for t in page(response).find_all("table")
                  if t.find("caption").text == "The sessions of this meeting"]
    [session] = sessions.find("tbody").find_all("tr")
    assert session.find("th").text == "Session Here" and session.find_all("td")[-1].text == "Published"

    response = client.post("/manage/events/draft-here/publish")
    assert response.headers["Location"] == "/manage/events/draft-here"
    assert "The event is published." in page(client.get("/manage/events/draft-here")).text
    # Publishing again is refused with a message, not an error.
    response = client.post("/manage/events/draft-here/publish", follow_redirects=True)
    assert response.status_code == 200
    assert "Only a draft can be published." in page(response).text
    # The public page shows it now.
    assert client.get("/events/draft-here").status_code == 200


def add_many_events(council_id: int, recommendation_id: int, now, count: int) -> None:
    """`count` upcoming events of one council, a third of them drafts, every
    fifth a meeting with two sessions; each with registrations. In bulk."""
    def row(n, **values):
        start = now + timedelta(days=1 + n % 30, hours=n % 7)
        return {
            "slug": f"bulk-{uuid.uuid4().hex[:12]}", "kind": "neighbourhood-event",
            "title": f"Bulk {n}", "summary": "", "description": "", "start_dt": start,
            "end_dt": start + timedelta(hours=2), "council_id": council_id,
            "status": "draft" if n % 3 == 0 else "published", "languages": ["en"],
            "capacity": 20, "accessibility_notes": "", "interpretation_notes": "",
            "childcare_notes": "", "uid": uuid.uuid4().hex, "sequence": 0,
            "created_dt": now, "updated_dt": now, **values,
        }

    parents = [row(n, kind="community-meeting" if n % 5 == 0 else "workshop") for n in range(count)]
    ids = db.session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), parents).all()
    children = [row(n, kind="workshop", parent_id=event_id, start_dt=p["start_dt"], end_dt=p["end_dt"])
                for n, (event_id, p) in enumerate(zip(ids, parents)) if p["kind"] == "community-meeting"
                for _ in range(2)]
    child_ids = db.session.scalars(
        insert(Event).returning(Event.id, sort_by_parameter_order=True), children).all()
    db.session.execute(insert(event_recommendations),
                       [{"event_id": e, "recommendation_id": recommendation_id} for e in ids[:10]])
    db.session.commit()
    for event_id in list(ids) + list(child_ids):
        add_registrations(event_id, now, confirmed=2, waitlisted=1, cancelled=1)


@pytest.mark.parametrize("who", ["chair", "admin"])
def test_the_dashboard_runs_the_same_number_of_queries_with_5_or_300_events(
        app, client, world, login, clock, make_recommendation, who):
    login(client, world[who])
    client.get("/manage/")  # warm up: the first request connects

    def statements():
        with app.app_context():
            engine = db.engine
        with count_statements(engine) as found:
            response = client.get("/manage/")
        assert response.status_code == 200
        return list(found), response

    few, _ = statements()
    with app.app_context():
        from events_app.councils.models import Recommendation, SubCouncil

        here = db.session.scalars(db.select(SubCouncil).where(SubCouncil.slug == "here")).one()
        rec = db.session.scalars(db.select(Recommendation).where(Recommendation.code == "H-1")).one()
        add_many_events(here.id, rec.id, clock.now, 300)
    many, response = statements()
    assert len(rows(response, "upcoming-heading")) > 200
    assert "H-1" not in recommendation_codes(response)  # now acted on
    assert len(many) == len(few), "\n---\n".join(many)
    # The user and their councils, then what the page shows.
    assert len(many) <= 7, "\n---\n".join(many)


def test_a_repeating_meeting_stays_on_the_dashboard_at_its_next_date(client, world, login, clock,
                                                                     make_event):
    # Weekly, Tuesdays 18:00 (23:00 UTC), the first date already past.
    first = clock.now.replace(hour=23, minute=0) - timedelta(weeks=2)
    make_event(slug="weekly-here", title="Weekly Here", council=world["here"], start_dt=first,
               end_dt=first + timedelta(hours=1), recurrence_rule="FREQ=WEEKLY;COUNT=5")
    login(client, world["chair"])
    upcoming = rows(client.get("/manage/"), "upcoming-heading")
    [line] = [r for r in upcoming if r[0] == "Weekly Here"]
    local = first + timedelta(weeks=2) - timedelta(hours=5)  # tonight, local time
    assert f"{local:%B} {local.day}, {local.year}" in line[1]
    assert "Every week on" in line[1]
