"""Check-in at the door: search, one button per person (a plain form POST
with its CSRF token: no JavaScript), counts of attended / confirmed."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from accounts.users import form_fields
from events_app.extensions import db
from events_app.manage.models import AuditEntry
from htmltools import normalise, page

from manage.test_registrants_list import registration, world  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def at_the_door(world, clock):
    """The world's events start a week after the pinned clock: the door opens
    then (check-in is refused before, see below)."""
    clock.set(clock.now + timedelta(days=7))


def person_form(response, registration_id):
    item = page(response).one("li", id=f"r-{registration_id}")
    return item, item.one("form")


def press(client, response, registration_id, **kwargs):
    """Press the person's button the way a browser without JavaScript does."""
    _item, form = person_form(response, registration_id)
    return client.post(form["action"], data=form_fields(form), **kwargs)


def counts(response) -> str:
    return normalise(page(response).one("p", class_="checkin-counts").text)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_mark_attended_and_undo_without_javascript(app, client, world, login):
    login(client, world["chair"])
    zoe = world["ids"]["zoe"]
    response = client.get("/manage/events/workshop/check-in?q=zo")
    assert response.status_code == 200
    assert counts(response) == "0 attended / 2 confirmed · 2 on the waitlist"
    names = [normalise(li.one("strong").text) for li in page(response).find_all("li", class_="checkin-person")]
    assert names == ["Zoë Côté"]
    item, form = person_form(response, zoe)
    assert form["method"] == "post" and "csrf_token" in form_fields(form)
    assert "Mark attended" in item.one("button").text

    answer = press(client, response, zoe)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert (location.path, location.query, location.fragment) == (
        "/manage/events/workshop/check-in", "q=zo", f"r-{zoe}")
    after = client.get(answer.headers["Location"])
    assert counts(after) == "1 attended / 2 confirmed · 2 on the waitlist"
    item, _form = person_form(after, zoe)
    assert "Attended, 9:00 AM" in item.text and "Undo" in item.one("button").text
    first = registration(app, zoe).attended_dt
    assert first is not None

    # The same button pressed twice (a double tap, a second phone): no change.
    press(client, response, zoe)
    assert registration(app, zoe).attended_dt == first
    assert audit_actions(app) == ["registration.check_in"]

    # Undo, twice.
    press(client, after, zoe)
    press(client, after, zoe)
    assert registration(app, zoe).attended_dt is None
    assert audit_actions(app) == ["registration.check_in", "registration.check_in_undo"]
    assert counts(client.get("/manage/events/workshop/check-in")) == "0 attended / 2 confirmed · 2 on the waitlist"


def test_attendance_shows_on_the_registrants_list(client, world, login):
    login(client, world["chair"])
    response = client.get("/manage/events/workshop/check-in")
    press(client, response, world["ids"]["zoe"])
    listing = page(client.get("/manage/events/workshop/registrants"))
    assert normalise(listing.one("ul", class_="counts").text).startswith("2 confirmed 2 on the waitlist 1 attended")
    assert "Yes" in listing.one("tr", id=f"r-{world['ids']['zoe']}").text


def test_the_form_carries_a_csrf_token_that_is_checked(app, client, world, login):
    app.config["WTF_CSRF_ENABLED"] = True
    login(client, world["chair"])
    zoe = world["ids"]["zoe"]
    url = f"/manage/events/workshop/registrants/{zoe}/attend"
    assert client.post(url, data={"attended": "1"}).status_code == 400
    assert registration(app, zoe).attended_dt is None
    response = client.get("/manage/events/workshop/check-in")
    assert press(client, response, zoe).status_code == 303
    assert registration(app, zoe).attended_dt is not None


def test_check_in_lists_active_people_and_refuses_bad_requests(app, client, world, login, clock):
    login(client, world["chair"])
    ids = world["ids"]
    door = clock.now
    clock.set(door - timedelta(days=1))  # cancelled the day before
    client.post(f"/manage/events/workshop/registrants/{ids['wait2']}/cancel")
    clock.set(door)
    response = client.get("/manage/events/workshop/check-in")
    people = [li["id"] for li in page(response).find_all("li", class_="checkin-person")]
    assert people == [f"r-{ids['zoe']}", f"r-{ids['mohammed']}", f"r-{ids['wait']}"]
    # A cancelled registration cannot be marked attended.
    answer = client.post(f"/manage/events/workshop/registrants/{ids['wait2']}/attend",
                         data={"attended": "1"}, follow_redirects=True)
    assert "cannot be marked attended" in page(answer).one("main").text
    assert registration(app, ids["wait2"]).attended_dt is None
    # Only 1 or 0; only this event's registrations.
    assert client.post(f"/manage/events/workshop/registrants/{ids['zoe']}/attend",
                       data={"attended": "yes"}).status_code == 400
    assert client.post(f"/manage/events/workshop/registrants/{ids['ana']}/attend",
                       data={"attended": "1"}).status_code == 404


def test_a_session_has_its_own_check_in(app, client, world, login):
    login(client, world["admin"])
    response = client.get("/manage/events/session-a/check-in")
    assert counts(response) == "0 attended / 1 confirmed · 1 on the waitlist"
    first = page(response).find_all("li", class_="checkin-person")[0]
    client.post(first.one("form")["action"], data=form_fields(first.one("form")))
    assert counts(client.get("/manage/events/session-a/check-in")).startswith("1 attended / 1 confirmed")
    # The meeting's list counts its own registrations, not the session's.
    assert counts(client.get("/manage/events/meeting/check-in")).startswith("0 attended / 2 confirmed")


def test_another_councils_chair_cannot_check_in(app, client, world, login):
    login(client, world["other chair"])
    zoe = world["ids"]["zoe"]
    assert client.get("/manage/events/workshop/check-in").status_code == 403
    assert client.post(f"/manage/events/workshop/registrants/{zoe}/attend",
                       data={"attended": "1"}).status_code == 403
    assert registration(app, zoe).attended_dt is None


def test_a_repeating_event_is_checked_in_date_by_date(app, client, world, login, clock, make_event,
                                                       make_recommendation):
    """A weekly circle: a person checked in last week is not yet checked in
    today; each date counts on the recommendation page."""
    from datetime import timedelta

    from events_app.events.models import Event
    from events_app.registrations import services as registrations
    from events_app.registrations.models import Attendance

    recommendation = make_recommendation(code="WK-1")
    first = clock.now - timedelta(weeks=1)  # same hour last week; today is the second date
    make_event(slug="weekly", title="Weekly circle", start_dt=first,
               end_dt=first + timedelta(hours=2), recurrence_rule="FREQ=WEEKLY;COUNT=4",
               recommendations=[recommendation])
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.slug == "weekly")).one()
        amina, _token, _ = registrations.register(
            db.session, event, name="Amina", email="amina@example.org", consent=True,
            now=first - timedelta(days=1))
        db.session.commit()
        amina = amina.id
    login(client, world["admin"])  # a partnership-wide event
    last_week, today = [(first + timedelta(weeks=n) - timedelta(hours=5)).date() for n in (0, 1)]

    response = client.get("/manage/events/weekly/check-in")
    assert response.status_code == 200
    options = page(response).one("select", id="day").find_all("option")
    assert [o["value"] for o in options] == [today.isoformat(), last_week.isoformat()]
    assert options[0].attrs.get("selected") is not None
    # Last week's date is listed (to see it, or undo a mark) but closed.
    last_page = client.get(f"/manage/events/weekly/check-in?day={last_week}")
    assert page(last_page).one("li", id=f"r-{amina}").find("button") is None
    assert "Check-in closed at" in page(last_page).text
    with app.app_context():
        db.session.add(Attendance(registration_id=amina, day=last_week, attended_dt=first))
        db.session.commit()
    assert counts(client.get(f"/manage/events/weekly/check-in?day={last_week}")).startswith("1 attended")

    today_page = client.get("/manage/events/weekly/check-in")
    item, _form = person_form(today_page, amina)
    assert "Mark attended" in item.one("button").text  # last week's check-in is not today's
    assert counts(today_page).startswith("0 attended")
    press(client, today_page, amina)
    assert counts(client.get("/manage/events/weekly/check-in")).startswith("1 attended")

    # Undo today's: last week's stays.
    press(client, client.get("/manage/events/weekly/check-in"), amina)
    with app.app_context():
        days = sorted(db.session.scalars(select(Attendance.day)))
    assert days == [last_week]
    press(client, client.get("/manage/events/weekly/check-in"), amina)
    # Undoing last week's mark stays possible after its window closed.
    press(client, client.get(f"/manage/events/weekly/check-in?day={last_week}"), amina)
    with app.app_context():
        assert list(db.session.scalars(select(Attendance.day))) == [today]

    # A date still to come cannot be checked in; neither can a made-up one.
    _item, form = person_form(today_page, amina)
    fields = form_fields(form)
    for bad in [(first + timedelta(weeks=2)).date().isoformat(), "2026-02-30", "nonsense"]:
        refused = client.post(form["action"], data={**fields, "day": bad}, follow_redirects=True)
        assert refused.status_code == 200
        assert "Please choose one of the event's dates that has come." in page(refused).text
    # Both dates count on the recommendation page once the second is over.
    clock.set(first + timedelta(weeks=1, hours=3))
    assert "1 attendee" in page(client.get("/recommendations/WK-1")).text
    assert audit_actions(app).count("registration.check_in") == 2


# Issue 16, item 6: someone was marked attended 16 days before the event, and
# a waitlisted person too.


@pytest.mark.parametrize(("moment", "open_"), [
    (-timedelta(days=16), False),
    (-timedelta(minutes=121), False),   # CHECK_IN_OPENS_MINUTES is 120
    (-timedelta(minutes=119), True),
    (timedelta(hours=2), True),         # the workshop's end
    (timedelta(hours=2, minutes=1), False),
])
def test_check_in_opens_shortly_before_the_start_and_closes_at_the_end(
        app, client, world, login, clock, moment, open_):
    start = clock.now
    clock.set(start + moment)
    login(client, world["chair"])
    zoe = world["ids"]["zoe"]
    response = client.get("/manage/events/workshop/check-in")
    buttons = page(response).one("li", id=f"r-{zoe}").find_all("button")
    notice = page(response).find("p", class_="notice")
    answer = client.post(f"/manage/events/workshop/registrants/{zoe}/attend", data={"attended": "1"},
                         follow_redirects=True)
    if open_:
        assert [b.text for b in buttons] == ["Mark attended: Zoë Côté"] and notice is None
        assert registration(app, zoe).attended_dt == start + moment
    else:
        assert buttons == [] and notice is not None
        assert ("Check-in opens at" if moment < timedelta(0) else "Check-in closed at") in notice.text
        assert "Check-in is open from shortly before the event starts until it ends." in page(answer).text
        assert registration(app, zoe).attended_dt is None
        assert audit_actions(app) == []


def test_a_mark_can_be_undone_after_check_in_closed(app, client, world, login, clock):
    login(client, world["chair"])
    zoe = world["ids"]["zoe"]
    press(client, client.get("/manage/events/workshop/check-in"), zoe)
    clock.set(clock.now + timedelta(days=1))
    closed = client.get("/manage/events/workshop/check-in")
    item, _form = person_form(closed, zoe)
    assert "Undo" in item.one("button").text
    press(client, closed, zoe)
    assert registration(app, zoe).attended_dt is None


def test_someone_on_the_waitlist_is_let_in_only_explicitly(app, client, world, login):
    login(client, world["chair"])
    wait = world["ids"]["wait"]
    # A plain "attended" for a waitlisted person is refused.
    refused = client.post(f"/manage/events/workshop/registrants/{wait}/attend", data={"attended": "1"},
                          follow_redirects=True)
    assert "This person is on the waitlist" in page(refused).text
    assert registration(app, wait).attended_dt is None and registration(app, wait).status == "waitlisted"
    # The page offers "Let in", which gives them a place and checks them in.
    response = client.get("/manage/events/workshop/check-in")
    item, _form = person_form(response, wait)
    assert "Let in: gives a place" in item.one("button").text
    press(client, response, wait)
    let_in = registration(app, wait)
    assert let_in.status == "confirmed" and let_in.attended_dt is not None
    assert audit_actions(app) == ["registration.admit", "registration.check_in"]
    assert counts(client.get("/manage/events/workshop/check-in")) == "1 attended / 3 confirmed · 1 on the waitlist"
