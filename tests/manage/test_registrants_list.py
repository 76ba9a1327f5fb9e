"""/manage/events/<slug>/registrants: who registered, searched and counted,
and the same list as a CSV that Excel opens with accented and Arabic names."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.users import form_fields
from dbsetup import count_statements
from events_app.events.models import Event
from events_app.extensions import db
from events_app.registrations import services as registrations
from events_app.registrations.models import Registration
from htmltools import normalise, page

from manage.worlds import add_registrations


def register(app, slug, name, email, now, sessions=(), **details):
    """A registration made through the real service; returns its id."""
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.slug == slug)).one()
        ids = [s.id for s in event.sessions if s.slug in sessions]
        registration, _token, _created = registrations.register(
            db.session, event, name=name, email=email, consent=True, now=now,
            session_ids=ids, **details)
        db.session.commit()
        return registration.id


def submit(client, response, data: dict, **kwargs):
    """Send the page's own form (not the header's sign-out form) like a person,
    with its hidden fields (the CSRF token) and what is pre-filled."""
    forms = [f for f in page(response).find_all("form", method="post")
             if f["action"] != "/logout"]
    assert len(forms) == 1, [f["action"] for f in forms]
    fields = form_fields(forms[0])
    for node in forms[0].find_all("input", type="checkbox") + forms[0].find_all("input", type="radio"):
        if node["checked"] is not None and node["name"] not in data:
            fields[node["name"]] = node["value"] or "y"
    for select_node in forms[0].find_all("select"):
        options = select_node.find_all("option")
        chosen = [o for o in options if o["selected"] is not None] or options[:1]
        if chosen and select_node["name"] not in data:
            fields[select_node["name"]] = chosen[0]["value"]
    fields.update(data)
    return client.post(forms[0]["action"], data=fields, **kwargs)


def registration(app, registration_id) -> Registration:
    with app.app_context():
        found = db.session.get(Registration, registration_id)
        db.session.expunge(found)
        return found


@pytest.fixture
def world(app, clock, make_council, make_event, make_user):
    """A workshop (2 places) and a meeting with two parallel sessions (1 and 2
    places) and a later one; people registered in a known order."""
    here, there = make_council(slug="here"), make_council(slug="there")
    start = clock.now + timedelta(days=7)
    make_event(slug="workshop", title="Workshop", council=here, capacity=2, start_dt=start)
    meeting = make_event(slug="meeting", title="Meeting", kind="community-meeting", council=here,
                         start_dt=start, end_dt=start + timedelta(hours=3))
    make_event(slug="session-a", title="Session A", kind="workshop", parent=meeting, capacity=1,
               start_dt=start, end_dt=start + timedelta(hours=1))
    make_event(slug="session-b", title="Session B", kind="workshop", parent=meeting, capacity=2,
               start_dt=start, end_dt=start + timedelta(hours=1))
    make_event(slug="session-c", title="Session C", kind="workshop", parent=meeting, capacity=5,
               start_dt=start + timedelta(hours=1), end_dt=start + timedelta(hours=2))
    ids = {}
    t = clock.now - timedelta(days=2)
    ids["zoe"] = register(app, "workshop", "Zoë Côté", "zoe@example.org", t,
                          interpretation_language="French", accessibility_needs="Step-free access")
    ids["mohammed"] = register(app, "workshop", "محمد", "mohammed@example.org", t + timedelta(hours=1),
                               childcare_needs="Two children, 3 and 5")
    ids["wait"] = register(app, "workshop", "Wait Listed", "wait@example.org", t + timedelta(hours=2))
    ids["wait2"] = register(app, "workshop", "Second Waiting", "second@example.org", t + timedelta(hours=3))
    ids["ana"] = register(app, "meeting", "Ana Pick", "ana@example.org", t, sessions=["session-a", "session-c"])
    ids["ben"] = register(app, "meeting", "Ben Pick", "ben@example.org", t + timedelta(hours=1),
                          sessions=["session-a"])
    return {
        "ids": ids,
        "chair": make_user(councils=[here]),
        "other chair": make_user(councils=[there]),
        "admin": make_user(role="admin"),
    }


def table_rows(response) -> list[list[str]]:
    table = page(response).one("table", class_="registrants-table")
    return [
        [normalise(cell.text) for cell in row.children if getattr(cell, "tag", None) in ("th", "td")]
        for row in table.find_all("tr")[1:]
    ]


def test_the_list_shows_status_position_needs_and_counts(client, world, login):
    login(client, world["chair"])
    response = client.get("/manage/events/workshop/registrants")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = table_rows(response)
    assert [(r[0], r[1]) for r in rows] == [
        ("Zoë Côté zoe@example.org", "Place confirmed"),
        ("محمد mohammed@example.org", "Place confirmed"),
        ("Wait Listed wait@example.org", "On the waitlist (no. 1)"),
        ("Second Waiting second@example.org", "On the waitlist (no. 2)"),
    ]
    assert "Interpretation: French" in rows[0][2] and "Accessibility: Step-free access" in rows[0][2]
    assert "Childcare: Two children, 3 and 5" in rows[1][2]
    # Registered at, in local time (two days before 09:00 Eastern).
    # Issue 16, item 9: "Nov 22, 2026, 9:00 AM", never the ambiguous "11/22/26".
    assert rows[0][3] == "Nov 22, 2026, 9:00 AM"
    counts = page(response).one("ul", class_="counts").text
    assert counts == "2 confirmed 2 on the waitlist 0 attended 2 places"


def test_search_by_name_or_email_keeps_waitlist_positions(client, world, login):
    login(client, world["chair"])
    rows = table_rows(client.get("/manage/events/workshop/registrants?q=SECOND"))
    assert [(r[0], r[1]) for r in rows] == [("Second Waiting second@example.org", "On the waitlist (no. 2)")]
    rows = table_rows(client.get("/manage/events/workshop/registrants?q=zoe@"))
    assert [r[0] for r in rows] == ["Zoë Côté zoe@example.org"]
    rows = table_rows(client.get("/manage/events/workshop/registrants?q=محمد"))
    assert [r[0] for r in rows] == ["محمد mohammed@example.org"]
    # Wildcards are plain characters.
    response = client.get("/manage/events/workshop/registrants?q=%25")
    assert "Nobody matches “%”." in page(response).one("main").text


def test_a_meeting_lists_its_registrants_with_their_sessions(client, world, login):
    login(client, world["chair"])
    response = client.get("/manage/events/meeting/registrants")
    rows = table_rows(response)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Ana Pick ana@example.org", "Place confirmed",
         "Session A: Place confirmed Move Ana Pick to another session "
         "Session C: Place confirmed Move Ana Pick to another session"),
        ("Ben Pick ben@example.org", "Place confirmed", "Session A: On the waitlist (no. 1) Move Ben Pick to another session"),
    ]
    sessions = [normalise(li.text) for li in page(response).find_all("li")
                if li.find("a") is not None and "/registrants" in (li.find("a")["href"] or "")
                and "session-" in li.find("a")["href"]]
    assert "Session A: 1 confirmed, 1 on the waitlist, 0 attended · 1 place" in sessions  # not "1 places"
    # A session's own page lists its picks.
    rows = table_rows(client.get("/manage/events/session-a/registrants"))
    assert [(r[0], r[1]) for r in rows] == [
        ("Ana Pick ana@example.org", "Place confirmed"), ("Ben Pick ben@example.org", "On the waitlist (no. 1)")]


def test_another_councils_chair_sees_nothing(client, world, login):
    login(client, world["other chair"])
    assert client.get("/manage/events/workshop/registrants").status_code == 403
    assert client.get("/manage/events/workshop/registrants.csv").status_code == 403


def test_csv_is_utf8_with_bom_and_round_trips_non_ascii_names(client, world, login):
    login(client, world["chair"])
    response = client.get("/manage/events/workshop/registrants.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="workshop-registrants.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["Name"] for r in rows] == ["Zoë Côté", "محمد", "Wait Listed", "Second Waiting"]
    assert rows[0]["E-mail"] == "zoe@example.org"
    assert rows[0]["Status"] == "Place confirmed" and rows[2]["Waitlist position"] == "1"
    assert rows[0]["Registered at"] == "2026-11-22 09:00"  # Eastern time
    assert rows[0]["Accessibility needs"] == "Step-free access"
    assert rows[1]["Childcare"] == "Two children, 3 and 5"


def test_csv_lists_session_picks_and_defuses_formulas(app, client, world, login, clock):
    register(app, "meeting", "=HYPERLINK(\"x\")", "formula@example.org", clock.now,
             sessions=["session-b"])
    login(client, world["admin"])
    data = client.get("/manage/events/meeting/registrants.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    by_email = {r["E-mail"]: r for r in rows}
    assert by_email["ana@example.org"]["Sessions"] == "Session A (Place confirmed); Session C (Place confirmed)"
    assert by_email["ben@example.org"]["Sessions"] == "Session A (On the waitlist 1)"
    assert by_email["formula@example.org"]["Name"] == "'=HYPERLINK(\"x\")"


def test_the_french_csv_has_french_headers(client, world, login):
    login(client, world["chair"])
    data = client.get("/manage/events/workshop/registrants.csv?lang=fr").get_data().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(data)))
    assert header[0] == "Nom"


@pytest.mark.parametrize("path", ["/manage/events/workshop/registrants",
                                  "/manage/events/meeting/registrants",
                                  "/manage/events/meeting/check-in"])
def test_the_lists_run_the_same_queries_for_4_or_200_registrants(app, client, world, login, clock, path):
    login(client, world["chair"])
    client.get(path)  # warm up

    def statements():
        with app.app_context():
            engine = db.engine
        with count_statements(engine) as found:
            response = client.get(path)
            response.get_data()  # a streamed list reads as it is sent
        assert response.status_code == 200
        return list(found), response

    few, _ = statements()
    with app.app_context():
        for slug in ("workshop", "meeting", "session-a", "session-c"):
            event = db.session.scalars(select(Event).where(Event.slug == slug)).one()
            add_registrations(event.id, clock.now, confirmed=50, waitlisted=20, cancelled=10)
    many, response = statements()
    assert len(many) == len(few), "\n---\n".join(many)
    # The user, the event, its sessions, the counts, the list.
    assert len(many) <= 6, "\n---\n".join(many)
