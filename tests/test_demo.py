"""`flask seed demo`: the partnership's content, loaded the same way every time."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from events_app.councils.models import Recommendation, SubCouncil, Theme
from events_app.events.models import Event
from events_app.extensions import db

DEMO_NOW = "2026-11-24T09:00:00-05:00"
COUNCIL_SLUGS = {
    "education", "employment", "health-and-wellbeing", "inclusion-and-civic-engagement",
    "justice-and-protection-services", "settlement",
}


def dump_database() -> dict[str, list[tuple]]:
    """Every row of every table, every column, in primary-key order."""
    dump = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            dump[table.name] = [tuple(row) for row in rows]
    return dump


def seed(runner, now=DEMO_NOW):
    result = runner.invoke(args=["seed", "demo", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def test_seeding_twice_changes_nothing(app, runner):
    first_output = seed(runner)
    with app.app_context():
        before = dump_database()
    second_output = seed(runner)
    with app.app_context():
        after = dump_database()
    assert sum(len(rows) for rows in before.values()) > 100
    assert before.keys() == after.keys()
    for table in before:
        assert after[table] == before[table], f"seeding again changed {table}"
    assert first_output == second_output


def test_demo_councils_themes_and_recommendations(app, demo):
    with app.app_context():
        councils = db.session.scalars(select(SubCouncil)).all()
        assert {c.slug for c in councils} == COUNCIL_SLUGS
        assert all(c.name and c.description for c in councils)
        # Every site language has every Sub-council's name and description.
        for language in app.config["LANGUAGES"][1:]:
            assert all(c.translation(language, "name") and c.translation(language, "description")
                       for c in councils), language
        assert db.session.scalar(select(db.func.count()).select_from(Theme)) == 5
        recommendations = db.session.scalars(select(Recommendation)).all()
        assert len(recommendations) >= 15
        # Every council has some, each coded after its council.
        per_council = Counter(r.council.slug for r in recommendations)
        assert set(per_council) == COUNCIL_SLUGS
        assert {r.code.split("-")[0] for r in recommendations if r.council.slug == "health-and-wellbeing"} == {"HW"}


def test_demo_march_7_meeting_has_four_workshops_in_two_slots(app, demo):
    with app.app_context():
        meeting = db.session.scalars(
            select(Event).where(Event.slug == "community-meeting-2027-03-07")).one()
        assert meeting.kind == "community-meeting"
        assert meeting.title == "March 7 Community Meeting"
        assert meeting.status == "published"
        workshops = meeting.sessions
        assert len(workshops) == 4
        assert all(w.kind == "workshop" and w.status == "published" for w in workshops)
        assert {w.title for w in workshops} == {
            "Common Assessment Process",
            "Journeys to Canada",
            "Breath – self-care in stressful times",
            "Building Bridges: Anti-racism 101",
        }
        slots = meeting.session_slots()
        assert len(slots) == 2
        assert [len(sessions) for _start, _end, sessions in slots] == [2, 2]
        # Both slots fall within the meeting, the morning one first.
        for start, end, _sessions in slots:
            assert meeting.start_dt <= start < end <= meeting.end_dt
        assert slots[0][1] <= slots[1][0]
        for workshop in workshops:
            codes = [r.code for r in workshop.recommendations]
            assert codes and all(code.startswith(("HW-", "EM-")) for code in codes), workshop.title
        presenters = Counter(w.presenter for w in workshops)
        assert presenters["Opening Doors Project"] == 2
        assert {w.title for w in workshops if w.presenter == "Opening Doors Project"} == {
            "Breath – self-care in stressful times",
            "Building Bridges: Anti-racism 101",
        }


def test_demo_dates_follow_now(app, runner):
    """Seeded from a day in spring, the meeting is the next year's 7 March."""
    seed(runner, "2027-04-01T09:00:00-04:00")
    with app.app_context():
        slugs = set(db.session.scalars(select(Event.slug)).all())
    assert "community-meeting-2028-03-07" in slugs


def test_seed_refuses_a_now_without_a_time_zone(runner):
    result = runner.invoke(args=["seed", "demo", "--now", "2026-11-24T09:00:00"])
    assert result.exit_code != 0
    assert "time zone" in result.output


def test_the_demo_carries_six_months_of_past_events_for_the_report(app, runner, clock):
    from datetime import datetime, timezone

    from sqlalchemy import func

    from events_app.registrations.models import Registration
    from events_app.reports import services

    clock.set(datetime(2026, 11, 24, 14, tzinfo=timezone.utc))
    seed(runner)
    with app.test_request_context():
        past = db.session.scalars(select(Event).where(
            Event.start_dt < clock.now, Event.start_dt > clock.now - timedelta(days=183),
            Event.parent_id.is_(None))).all()
        assert len(past) >= 30
        registrations = db.session.scalars(select(Registration)).all()
        # Made-up people, plainly marked; nobody overbooked.
        assert registrations and all(r.email.endswith("@example.invalid") for r in registrations)
        assert all(r.name.startswith("Demo Resident ") for r in registrations)
        confirmed = Counter(r.event_id for r in registrations if r.status == "confirmed")
        for event in past:
            if event.capacity is not None:
                assert confirmed[event.id] <= event.capacity, event.slug
        assert db.session.scalar(select(func.count()).where(Registration.attended_dt.is_not(None))) > 0
        report = services.build_report(
            db.session, services.last_six_months(services.local_today(clock.now)),
            services.Scope(), clock.now)
    figures = report.figures
    assert figures.events_held >= 30
    assert figures.attended and figures.attended > 100
    assert figures.returning_participants and figures.returning_participants >= 5
    assert report.recommendations_acted_on >= 5
    assert len(report.theme_sections) >= 5
