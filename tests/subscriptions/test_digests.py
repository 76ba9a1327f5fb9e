"""The weekly digests as they arrive at a real SMTP server, with `now` passed in."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from dbsetup import dispose_engines
from events_app.councils.models import SubCouncil
from events_app.extensions import db
from events_app.registrations.models import Registration
from events_app.subscriptions import services
from events_app.subscriptions.models import DigestSend

from .helpers import (
    deliver,
    html,
    outbox,
    plain,
    received,
    run_digests,
    subscribe_and_confirm,
)

# NOW (conftest) is Tuesday 2026-11-24 09:00 in London, Ontario: ISO week 48,
# whose digests were due from Monday 08:00.
MONDAY_0759 = datetime(2026, 11, 23, 7, 59, tzinfo=timezone(timedelta(hours=-5)))
MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone(timedelta(hours=-5)))


def fill(app, event, confirmed=0, waitlisted=0):
    """Registrations straight into the table: the counts are what matter here."""
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    with app.app_context():
        for n in range(confirmed + waitlisted):
            db.session.add(Registration(
                event_id=event.id, name=f"P{n}", email=f"p{n}-{event.id}@example.org",
                email_key=f"p{n}-{event.id}@example.org", consent_dt=now,
                status="confirmed" if n < confirmed else "waitlisted",
                registered_dt=now + timedelta(seconds=n), status_changed_dt=now))
        db.session.commit()


def test_a_confirmed_subscriber_gets_the_digest_once(app, client, clock, smtp_server, make_event,
                                                    make_venue, make_recommendation,
                                                    make_council):
    health = make_council(slug="health-and-wellbeing", name="Health and Wellbeing")
    recommendation = make_recommendation(code="HW-2", title="Mental health supports",
                                         council=health)
    make_event(title="Breath: self-care", capacity=20, venue=make_venue(name="Central Library"),
               recommendations=[recommendation], start_dt=clock.now + timedelta(days=3))
    make_event(title="Later", start_dt=clock.now + timedelta(days=20))  # past the window
    make_event(title="Draft", status="draft")
    make_event(title="Called off", status="cancelled")
    token = subscribe_and_confirm(client, app)
    deliver(app, clock.now)
    smtp_server.messages.clear()

    output = run_digests(app.test_cli_runner(), clock.now)
    assert "2026-W48 subscriber digests: sent 1" in output
    assert deliver(app, clock.now).sent == 1
    [message] = received(smtp_server)
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "Coming up: 1 event in the next 14 days"
    one_click = f"http://events.test/subscriptions/{token}/unsubscribe"
    # (A long header is folded onto a second line, as RFC 5322 allows.)
    assert message["List-Unsubscribe"].strip() == f"<{one_click}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    body = plain(message)
    assert "Breath: self-care" in body
    assert "Later" not in body and "Draft" not in body and "Called off" not in body
    assert "Friday, November 27, 2026, 9:00 AM – 11:00 AM" in body  # local time
    assert "Central Library" in body
    assert "20 places left." in body
    assert "Acts on the Health and Wellbeing recommendation HW-2: Mental health supports" in body
    assert "http://events.test/events/" in body
    assert f"Unsubscribe: {one_click}" in body
    assert f"http://events.test/subscriptions/{token}" in body
    page = html(message)
    assert f'href="{one_click}"' in page
    assert 'href="http://events.test/recommendations/HW-2"' in page

    # The next runs of the week write nothing more.
    assert "sent 0" in run_digests(app.test_cli_runner(), clock.now + timedelta(hours=1))
    assert "already sent 1" in run_digests(app.test_cli_runner(), clock.now + timedelta(days=4))
    deliver(app, clock.now + timedelta(days=4))
    assert len(received(smtp_server)) == 1
    # Next week, the next digest.
    make_event(title="Next week's", start_dt=clock.now + timedelta(days=9))
    run_digests(app.test_cli_runner(), clock.now + timedelta(days=7))
    assert len(outbox(app, "digest")) == 2


def test_nothing_goes_out_before_the_weekly_hour(app, client, smtp_server, make_event):
    make_event(start_dt=MONDAY_0800 + timedelta(days=2))
    subscribe_and_confirm(client, app)
    output = run_digests(app.test_cli_runner(), MONDAY_0759)
    assert "2026-W48: not due yet" in output and "Monday 2026-11-23 08:00" in output
    assert outbox(app, "digest") == []
    assert "sent 1" in run_digests(app.test_cli_runner(), MONDAY_0800)


def test_nothing_to_tell_sends_nothing_until_there_is(app, client, clock, make_event,
                                                      make_council):
    education, health = make_council(), make_council()
    make_event(title="Health fair", council=health)
    subscribe_and_confirm(client, app, councils=[str(education.id)])
    assert "nothing to tell 1" in run_digests(app.test_cli_runner(), clock.now)
    assert outbox(app, "digest") == []
    # Published later in the week: a later run sends it.
    make_event(title="Homework club", council=education)
    run_digests(app.test_cli_runner(), clock.now + timedelta(hours=1))
    [digest] = outbox(app, "digest")
    assert "Homework club" in digest.body_text and "Health fair" not in digest.body_text


def test_the_digest_holds_what_was_chosen(app, client, clock, make_event, make_council,
                                          make_theme, make_recommendation):
    education, health, settlement = make_council(), make_council(), make_council()
    host = make_theme(slug="host-community")
    acting = make_recommendation(council=health)
    make_event(title="Organised by Education", council=education)
    make_event(title="Acts on Health", recommendations=[acting])
    make_event(title="Host theme", themes=[host])
    make_event(title="Settlement only", council=settlement)
    meeting = make_event(title="Community meeting", kind="community-meeting")
    make_event(title="A Health session", parent=meeting, council=health,
               start_dt=meeting.start_dt)

    subscribe_and_confirm(client, app, email="all@example.org")
    subscribe_and_confirm(client, app, email="edu@example.org", councils=[str(education.id)])
    subscribe_and_confirm(client, app, email="health@example.org", councils=[str(health.id)],
                          themes=[str(host.id)])
    run_digests(app.test_cli_runner(), clock.now)
    digests = {m.to_address: m.body_text for m in outbox(app, "digest")}
    assert all(title in digests["all@example.org"] for title in (
        "Organised by Education", "Acts on Health", "Host theme", "Settlement only",
        "Community meeting"))
    assert "Organised by Education" in digests["edu@example.org"]
    assert "Acts on Health" not in digests["edu@example.org"]
    health_digest = digests["health@example.org"]
    assert "Acts on Health" in health_digest and "Host theme" in health_digest
    assert "Community meeting" in health_digest  # through its session
    assert "A Health session" in health_digest
    assert "Organised by Education" not in health_digest
    assert "Settlement only" not in health_digest


def test_a_french_subscriber_gets_a_french_digest(app, client, clock, smtp_server, make_event,
                                                  make_council, make_recommendation):
    health = make_council(name="Health and Wellbeing", name_fr="Santé et bien-être")
    recommendation = make_recommendation(council=health, code="HW-2",
                                         title="Mental health", title_fr="Santé mentale")
    make_event(title="Breath", title_fr="Respirer", recommendations=[recommendation],
               start_dt=clock.now + timedelta(days=3))
    subscribe_and_confirm(client, app, language="fr")
    deliver(app, clock.now)
    smtp_server.messages.clear()
    run_digests(app.test_cli_runner(), clock.now)
    deliver(app, clock.now)
    [message] = received(smtp_server)
    body = plain(message)
    assert "Respirer" in body and "Breath" not in body
    assert "vendredi 27 novembre 2026" in body
    assert "Santé et bien-être" in body and "HW-2" in body and "Santé mentale" in body
    assert 'lang="fr"' in html(message)


def test_changing_choices_changes_the_next_digest(app, client, clock, make_event, make_council):
    education, health = make_council(), make_council()
    make_event(title="Homework club", council=education)
    make_event(title="Health fair", council=health)
    token = subscribe_and_confirm(client, app, councils=[str(education.id)])
    client.post(f"/subscriptions/{token}", data={"language": "en",
                                                 "councils": [str(health.id)]})
    run_digests(app.test_cli_runner(), clock.now)
    [digest] = outbox(app, "digest")
    assert "Health fair" in digest.body_text and "Homework club" not in digest.body_text


def test_one_click_unsubscribe_stops_the_digests(app, client, clock, make_event):
    make_event()
    token = subscribe_and_confirm(client, app)
    run_digests(app.test_cli_runner(), clock.now)
    [digest] = outbox(app, "digest")
    app.config["WTF_CSRF_ENABLED"] = True
    url = digest.headers["List-Unsubscribe"].strip("<>").replace("http://events.test", "")
    assert url == f"/subscriptions/{token}/unsubscribe"
    assert client.post(url, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 200
    run_digests(app.test_cli_runner(), clock.now + timedelta(days=7))
    assert len(outbox(app, "digest")) == 1
    with app.app_context():
        assert db.session.scalars(select(DigestSend)).all() == []  # nothing of them stays


def test_two_runs_one_after_the_other_send_once(app, client, clock, make_event):
    make_event()
    for n in range(3):
        subscribe_and_confirm(client, app, email=f"s{n}@example.org")
    run_digests(app.test_cli_runner(), clock.now)
    run_digests(app.test_cli_runner(), clock.now)
    assert sorted(m.to_address for m in outbox(app, "digest")) == [
        "s0@example.org", "s1@example.org", "s2@example.org"]


def test_a_claimed_week_is_not_claimed_twice(app, client, clock, make_event):
    """The guard itself: what a concurrent run finds when it comes second."""
    make_event()
    subscribe_and_confirm(client, app)
    with app.app_context():
        key = services.digest_week(clock.now).key
        first = services._claim(db.session, kind="subscriber", recipient="subscription:1",
                                key=key, now=clock.now)
        second = services._claim(db.session, kind="subscriber", recipient="subscription:1",
                                 key=key, now=clock.now)
        assert first is not None and second is None
        db.session.rollback()


@pytest.mark.postgres_only
def test_two_runs_at_once_send_each_digest_once(app, client, clock, make_event, make_user,
                                                make_council):
    council = make_council()
    make_event(council=council, capacity=40)
    make_user(councils=[council])
    for n in range(20):
        subscribe_and_confirm(client, app, email=f"s{n}@example.org")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                services.send_subscriber_digests(db.session, clock.now)
                services.send_chair_digests(db.session, clock.now)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # A thread still running is a deadlock: fail, do not hang the suite.
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    digests = [m.to_address for m in outbox(app, "digest")]
    assert sorted(digests) == sorted(f"s{n}@example.org" for n in range(20))
    assert len(outbox(app, "chair_digest")) == 1
    dispose_engines(app)


# --- chairs -------------------------------------------------------------------


def test_the_chairs_digest(app, client, clock, smtp_server, make_user, make_council, make_event,
                           make_recommendation):
    health = make_council(slug="health-and-wellbeing", name="Health and Wellbeing")
    employment = make_council(slug="employment", name="Employment")
    quiet_council = make_council(slug="quiet")
    with app.app_context():
        db.session.get(SubCouncil, employment.id).digest_email = "employment@lmlip.test"
        db.session.get(SubCouncil, quiet_council.id).digest_email = "quiet@lmlip.test"
        db.session.commit()
    chair = make_user(email="chair@example.org", councils=[health])
    make_user(email="gone@example.org", councils=[health], is_active=False)
    make_user(email="admin@example.org", role="admin")

    unaddressed = make_recommendation(council=health, code="HW-1", title="Interpreters in clinics")
    addressed = make_recommendation(council=health, code="HW-2", title="Mental health supports")
    make_recommendation(council=health, code="HW-3", title="Done already", status="done")
    in_progress = make_recommendation(council=health, code="HW-4", title="Family doctors",
                                      status="in-progress")
    only_past = make_recommendation(council=health, code="HW-5", title="Only a past event")
    make_recommendation(council=employment, code="EM-1", title="Credential recognition")
    make_event(title="Past workshop", recommendations=[only_past],
               start_dt=clock.now - timedelta(days=3))

    quiet = make_event(title="Quiet workshop", council=health, capacity=20,
                       recommendations=[addressed], start_dt=clock.now + timedelta(days=5))
    fill(app, quiet, confirmed=4)  # 20 %: few
    busy = make_event(title="Busy workshop", council=health, capacity=20)
    fill(app, busy, confirmed=5)  # 25 %: enough
    later = make_event(title="Far-off workshop", council=health, capacity=20,
                       start_dt=clock.now + timedelta(days=30))
    fill(app, later)  # far off: not yet a worry
    full = make_event(title="Breath", council=health, capacity=3,
                      start_dt=clock.now + timedelta(days=30))
    fill(app, full, confirmed=3, waitlisted=5)
    small_list = make_event(title="Short list", council=health, capacity=3)
    fill(app, small_list, confirmed=3, waitlisted=4)

    output = run_digests(app.test_cli_runner(), clock.now)
    # The quiet Sub-council has nothing to tell: its address gets nothing.
    assert "chairs' digests: sent 2, nothing to tell 1" in output
    deliver(app, clock.now)
    got = {m["To"]: m for m in received(smtp_server)}
    assert set(got) == {"chair@example.org", "employment@lmlip.test"}
    assert chair.email == "chair@example.org"

    message = got["chair@example.org"]
    assert message["Subject"] == (
        "This week for Health and Wellbeing: recommendations, registrations, waitlists")
    body = plain(message)
    section = body.split("Open recommendations that no upcoming event acts on:")[1]
    unaddressed_part = section.split("In the next 14 days")[0]
    assert "HW-1: Interpreters in clinics (Open)" in unaddressed_part
    assert "HW-4: Family doctors (In progress)" in unaddressed_part
    assert "HW-5: Only a past event" in unaddressed_part
    assert "HW-2" not in unaddressed_part and "HW-3" not in unaddressed_part
    assert "EM-1" not in body
    assert unaddressed.code in body and in_progress.code in body

    quiet_part = body.split("In the next 14 days, with few registrations so far:")[1].split(
        "Full, with a long waitlist")[0]
    assert "Quiet workshop" in quiet_part and "4 confirmed of 20 places" in quiet_part
    assert "Busy workshop" not in quiet_part and "Far-off workshop" not in quiet_part
    assert f"http://events.test/manage/events/{quiet.slug}" in quiet_part

    waitlist_part = body.split("Full, with a long waitlist (a second session could help):")[1]
    assert "Breath" in waitlist_part and "5 people waiting, 3 places" in waitlist_part
    assert "Short list" not in waitlist_part

    # The Sub-council without a chair account: to its digest address.
    employment_body = plain(got["employment@lmlip.test"])
    assert "EM-1: Credential recognition" in employment_body
    assert "HW-1" not in employment_body
    # Once a week.
    assert "chairs' digests: sent 0" in run_digests(app.test_cli_runner(), clock.now)


def test_a_chair_of_two_councils_gets_one_digest(app, clock, make_user, make_council,
                                                 make_recommendation):
    education = make_council(name="Education")
    health = make_council(name="Health")
    make_recommendation(council=education, code="ED-1")
    make_recommendation(council=health, code="HW-1")
    make_user(email="both@example.org", councils=[education, health])
    run_digests(app.test_cli_runner(), clock.now)
    [digest] = outbox(app, "chair_digest")
    assert digest.subject == "This week for Education, Health: recommendations, registrations, waitlists"
    assert "ED-1" in digest.body_text and "HW-1" in digest.body_text


def test_councils_nobody_receives_are_named(app, clock, make_council, make_recommendation):
    council = make_council(slug="settlement")
    make_recommendation(council=council)
    output = run_digests(app.test_cli_runner(), clock.now)
    assert "no chair and no digest address for: settlement" in output
    runner = app.test_cli_runner()
    result = runner.invoke(args=["digests", "council-address", "settlement", "s@lmlip.test"])
    assert result.exit_code == 0 and "settlement: s@lmlip.test" in result.output
    run_digests(runner, clock.now + timedelta(hours=1))
    assert [m.to_address for m in outbox(app, "chair_digest")] == ["s@lmlip.test"]
    assert runner.invoke(args=["digests", "council-address", "nope", "x@y.z"]).exit_code != 0
    assert runner.invoke(args=["digests", "council-address", "settlement", "bad"]).exit_code != 0


def test_the_week_and_its_window(app):
    with app.app_context():
        # Sunday 23:30 local is still week 48; Monday 00:30 is week 49.
        sunday = datetime(2026, 11, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
        assert services.digest_week(sunday).key == "week:2026-W48"
        assert services.digest_week(sunday + timedelta(hours=1)).key == "week:2026-W49"
        # Across the spring-forward weekend the due hour stays 08:00 local.
        week = services.digest_week(datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc))
        assert week.key == "week:2027-W11"
        assert week.due_dt == datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc)  # 08:00 EDT
        app.config.update(DIGEST_WEEKDAY=5, DIGEST_HOUR=17)
        friday = services.digest_week(datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc))
        assert friday.due_dt == datetime(2026, 11, 27, 22, 0, tzinfo=timezone.utc)


def test_bad_now_is_refused_by_the_cli(app):
    result = app.test_cli_runner().invoke(args=["digests", "send", "--now", "yesterday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output


def test_a_repeating_event_is_in_the_digest_at_each_date_of_its_fortnight(app, client, clock,
                                                                          make_event):
    # Weekly from three weeks ago: two of its dates fall in the next 14 days.
    start = clock.now.replace(hour=23, minute=0) - timedelta(weeks=3) + timedelta(days=2)
    make_event(title="Weekly conversation circle", start_dt=start, end_dt=start + timedelta(hours=1),
               recurrence_rule="FREQ=WEEKLY;COUNT=10")
    subscribe_and_confirm(client, app, email="all@example.org")
    run_digests(app.test_cli_runner(), clock.now)
    [digest] = [m.body_text for m in outbox(app, "digest")]
    assert digest.count("Weekly conversation circle") == 2
    first, second = start + timedelta(weeks=3), start + timedelta(weeks=4)
    for day in (first, second):
        local = day - timedelta(hours=5)
        assert f"{local:%B} {local.day}" in digest
