"""Past attendance kept per recommendation (issue 15, item 6): a Sub-council's
page reads kept figures and what ended since, never every past event; and the
figures are exact after every change that can alter them."""
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, update

from dbsetup import count_statements
from events_app.councils.attendance import (
    Attendance, count_attendance, keep, past_attendance, recommendation_attendance,
)
from events_app.events.models import Event, EventStatus
from events_app.extensions import db
from events_app.registrations.models import Attendance as CheckIn, Registration
from htmltools import normalise, page

from manage.worlds import add_registrations

# The moment the suite's `clock` fixture pins.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)


def shown(ids, now):
    """What a page shows, kept for the next page as the page keeps it."""
    figures = past_attendance(db.session, ids, now)
    keep(db.session)
    return figures


def exact(ids, now):
    """Counted from scratch."""
    return count_attendance(db.session, ids, now)


def registrations_of(event_id):
    return db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                              .order_by(Registration.id)).all()


@pytest.fixture
def acted(app, clock, make_council, make_recommendation, make_event):
    council = make_council(slug="settlement")
    a, b, c = (make_recommendation(council=council, code=code) for code in ("SE-1", "SE-2", "SE-3"))
    past = NOW - timedelta(days=20)
    events = {
        "one": make_event(recommendations=[a], start_dt=past),
        "both": make_event(recommendations=[a, b], start_dt=past + timedelta(days=1)),
        "soon": make_event(recommendations=[b], start_dt=NOW + timedelta(days=2)),
        "weekly": make_event(recommendations=[c], start_dt=past, end_dt=past + timedelta(hours=2),
                             recurrence_rule="FREQ=WEEKLY;COUNT=6"),
        "called-off": make_event(recommendations=[a], start_dt=past, status=EventStatus.CANCELLED),
        "draft": make_event(recommendations=[c], start_dt=past, status=EventStatus.DRAFT),
    }
    with app.app_context():
        for event in events.values():
            add_registrations(event.id, past - timedelta(days=5), confirmed=4)
    return {"recs": [a.id, b.id, c.id], "events": {name: e.id for name, e in events.items()},
            "slugs": {name: e.slug for name, e in events.items()}}


def test_figures_stay_exact_through_every_change_that_alters_them(app, clock, acted):
    """Each step changes what the exact count says; the page's figures,
    read from what the previous page kept, must say the same. Without the
    version bump of any one kind of change, that step's figures are stale."""
    recs, events = acted["recs"], acted["events"]
    now = NOW

    def step(change):
        with app.app_context():
            before = shown(recs, now)
            assert db.session.scalar(select(db.func.count()).select_from(recommendation_attendance)) == 3
            change()
            db.session.commit()
        with app.app_context():
            after = exact(recs, now)
            assert after != before, "the step must change the figures"
            assert shown(recs, now) == after
            assert shown(recs, now) == after  # and from what that page kept

    def check_in(name, count):
        def change():
            for person in registrations_of(events[name])[:count]:
                person.attended_dt = now - timedelta(days=19)
        return change

    step(check_in("one", 2))

    def undo():
        registrations_of(events["one"])[0].attended_dt = None
    step(undo)

    def weekly_check_in():
        db.session.add(CheckIn(registration_id=registrations_of(events["weekly"])[0].id,
                               day=date(2026, 11, 11), attended_dt=now - timedelta(days=13)))
    step(weekly_check_in)

    def weekly_undo():
        db.session.delete(db.session.scalars(select(CheckIn)).one())
    step(weekly_undo)

    step(check_in("both", 3))

    def cancel():
        db.session.get(Event, events["both"]).status = EventStatus.CANCELLED
    step(cancel)

    def reopen_and_drop_a_recommendation():
        event = db.session.get(Event, events["both"])
        event.status = EventStatus.PUBLISHED
        event.recommendations = [r for r in event.recommendations if r.id != recs[0]]
    step(reopen_and_drop_a_recommendation)

    def move_into_the_future():
        event = db.session.get(Event, events["one"])
        event.start_dt, event.end_dt = now + timedelta(days=1), now + timedelta(days=1, hours=2)
    step(move_into_the_future)

    def publish_the_draft():
        db.session.get(Event, events["draft"]).status = EventStatus.PUBLISHED
    step(publish_the_draft)

    def new_past_event():
        from events_app.councils.models import Recommendation

        db.session.add(Event(slug="late-entry", kind="workshop", title="Entered afterwards",
                             start_dt=now - timedelta(days=3), end_dt=now - timedelta(days=3, hours=-2),
                             status=EventStatus.PUBLISHED, languages=["en"],
                             recommendations=[db.session.get(Recommendation, recs[0])]))
    step(new_past_event)

    def move_a_registration():
        registrations_of(events["both"])[0].event_id = events["called-off"]
    step(move_a_registration)

    def delete_a_registration():
        db.session.delete(registrations_of(events["both"])[0])
    step(delete_a_registration)

    def bulk_check_in():
        db.session.execute(update(Registration).where(Registration.event_id == events["draft"])
                           .values(attended_dt=now - timedelta(days=19)))
    step(bulk_check_in)

    def delete_an_event():
        db.session.delete(db.session.get(Event, events["draft"]))
    step(delete_an_event)

    def link_from_the_recommendation():
        from events_app.councils.models import Recommendation

        recommendation, event = db.session.get(Recommendation, recs[2]), db.session.get(Event, events["both"])
        recommendation.events.append(event)
    step(link_from_the_recommendation)

    def bulk_delete_links():
        from events_app.events.models import event_recommendations

        db.session.execute(delete(event_recommendations)
                           .where(event_recommendations.c.event_id == events["weekly"]))
    step(bulk_delete_links)

    # Time alone: the event two days on ends, and counts, without any change.
    with app.app_context():
        before = shown(recs, now)
        later = now + timedelta(days=3)
        assert exact(recs, later) != before
        assert shown(recs, later) == exact(recs, later)
        kept = db.session.execute(select(recommendation_attendance.c.recommendation_id,
                                         recommendation_attendance.c.through_dt)).all()
        # The recommendation whose event ended has its figures kept up to then.
        assert {rec_id: through for rec_id, through in kept}[recs[1]] == later
        # A clock set back (a test, a wrong server time) counts afresh.
        assert shown(recs, now) == exact(recs, now)


def test_a_page_reads_the_kept_figures_and_what_ended_since(app, clock, acted):
    """Two statements for any number of recommendations and events; the
    second reads only the events that ended since the figures were kept."""
    recs = acted["recs"]
    with app.app_context():
        with count_statements(db.engine) as first:
            figures = past_attendance(db.session, recs, NOW)
        assert len(first) == 2
        keep(db.session)
        with count_statements(db.engine) as statements:
            assert past_attendance(db.session, recs, NOW) == figures
        assert len(statements) == 2
        assert "event.end_dt > " in statements[1]  # a range of the index on end
        # Kept figures, not a count: change one behind the version's back.
        db.session.execute(update(recommendation_attendance)
                           .where(recommendation_attendance.c.recommendation_id == recs[0])
                           .values(attendees=999))
        db.session.commit()
        assert past_attendance(db.session, recs, NOW)[recs[0]].attendees == 999


def test_the_council_page_shows_kept_figures_and_a_check_in_at_once(
        app, client, clock, acted, make_user, login):
    events = acted["events"]
    app.config["PAGE_CACHE_SECONDS"] = 0

    def lines():
        found = page(client.get("/councils/settlement")).find_all("p", class_="attendance")
        return [normalise(p.text) for p in found]

    assert lines() == ["Acted on by 2 past events, attendance not recorded",
                       "Acted on by 1 past event, attendance not recorded",
                       "Acted on by 1 past event, attendance not recorded"]
    with app.app_context():
        assert len(db.session.execute(select(recommendation_attendance)).all()) == 3
        someone = registrations_of(events["one"])[0].id
    login(client, make_user(role="admin"))
    clock.set(NOW - timedelta(days=20))  # at the door that day
    answer = client.post(f"/manage/events/{acted['slugs']['one']}/registrants/{someone}/attend",
                         data={"attended": "1"})
    assert answer.status_code in (200, 302, 303)
    clock.set(NOW)
    assert lines()[0] == "Acted on by 2 past events, 1 attendee"
    assert normalise(page(client.get("/recommendations/SE-1")).one("p", class_="attendance").text) \
        == "Acted on by 2 past events, 1 attendee"


def test_a_page_whose_figures_cannot_be_kept_is_still_exact(app, client, clock, acted, monkeypatch):
    """Keeping is a cache's write: when it fails the page is still served, exact."""
    from sqlalchemy.exc import OperationalError

    from events_app.councils import attendance

    def busy(_dialect):
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(attendance, "_keep_statement", busy)
    app.config["PAGE_CACHE_SECONDS"] = 0
    response = client.get("/recommendations/SE-1")
    assert response.status_code == 200
    assert "Acted on by 2 past events" in page(response).one("p", class_="attendance").text
    with app.app_context():
        assert db.session.execute(select(recommendation_attendance)).all() == []


@pytest.mark.postgres_only
def test_check_ins_while_pages_keep_figures_leave_them_exact(app, clock, acted):
    """Pages keep figures while check-ins commit, truly at once on
    PostgreSQL: figures counted while a check-in commits are never kept as
    current, so the next page is exact."""
    recs, events = acted["recs"], acted["events"]
    with app.app_context():
        people = [r.id for name in ("one", "both") for r in registrations_of(events[name])]
    barrier = threading.Barrier(6)
    errors = []

    def checking_in(ids):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for person in ids:
                    db.session.get(Registration, person).attended_dt = NOW - timedelta(days=19)
                    db.session.commit()
        except BaseException as error:
            errors.append(error)

    def reading():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for _ in range(20):
                    shown(recs, NOW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=checking_in, args=(people[n::2],)) for n in range(2)]
    threads += [threading.Thread(target=reading) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads) and errors == []
    with app.app_context():
        assert exact(recs, NOW)[recs[0]] == Attendance(events=2, attendees=8, recorded=2)
        assert shown(recs, NOW) == exact(recs, NOW)
