"""Reminders end to end: cron's one command, two at once, lateness, the outbox folder."""
import email
import email.policy
import threading
from collections import Counter
from datetime import timedelta


from events_app.events.models import Event
from events_app.extensions import db
from events_app.mail.services import deliver_due
from events_app.registrations import services
from events_app.reminders.services import plan_due


def register(app, event, email, now, **values):
    with app.app_context():
        services.register(db.session, db.session.get(Event, event.id), name="Resident",
                          email=email, consent=True, now=now, **values)
        db.session.commit()


def test_two_planners_and_two_workers_at_once_send_each_reminder_once(
        app, clock, make_event, smtp_server, postgres_only):
    events = [make_event(capacity=None) for _ in range(3)]
    for event in events:
        for n in range(30):
            register(app, event, f"p{n}-{event.id}@example.org", clock.now)
    due = events[0].start_dt - timedelta(hours=2)
    with app.app_context():  # the confirmations go first
        while deliver_due(db.session, clock.now).sent:
            pass
    before = len(smtp_server.messages)

    errors = []
    barrier = threading.Barrier(4)

    def run(job):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                job()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            with app.app_context():
                db.session.remove()

    def planner():
        plan_due(db.session, due, batch_size=7)

    def worker():
        for _ in range(60):
            deliver_due(db.session, due, batch_size=10)

    threads = [threading.Thread(target=run, args=(job,)) for job in (planner, planner, worker, worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        while deliver_due(db.session, due).sent:
            pass

    received = [email.message_from_bytes(m["data"], policy=email.policy.default)
                for m in smtp_server.messages[before:]]
    per_person = Counter(m["To"] for m in received if m["Subject"].startswith("Reminder"))
    # 90 people, two slots each (2 days, 2 hours): each exactly once, none missing.
    assert len(per_person) == 90 and set(per_person.values()) == {2}
    assert len({m["Message-ID"] for m in received}) == len(received)


def test_cron_runs_one_command_and_the_reminder_lands_in_the_outbox_folder(
        app, runner, clock, make_event, make_recommendation, outbox_dir):
    """`make run`'s worker: registering for an event 3 hours off gives the
    2-hour reminder as an .eml, naming the recommendation, at the right moment."""
    recommendation = make_recommendation(code="ED-3", title="Homework clubs")
    event = make_event(title="Homework club launch", start_dt=clock.now + timedelta(hours=3),
                       end_dt=clock.now + timedelta(hours=5), recommendations=[recommendation])
    register(app, event, "amina@example.org", clock.now)

    def send_due(at):
        result = runner.invoke(args=["mail", "send-due", "--now", at.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    send_due(clock.now)  # the confirmation
    assert [p.name.split("-", 2)[-1] for p in sorted(outbox_dir.glob("*.eml"))] == ["confirmation.eml"]
    send_due(clock.now + timedelta(minutes=59))
    assert len(list(outbox_dir.glob("*.eml"))) == 1
    output = send_due(clock.now + timedelta(hours=1))
    assert "1 reminders" in output
    [reminder] = sorted(outbox_dir.glob("*-reminder.eml"))
    message = email.message_from_bytes(reminder.read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith("Reminder: Homework club launch")
    text = message.get_body(("plain",)).get_content()
    assert "recommendation ED-3: Homework clubs" in text
    send_due(clock.now + timedelta(hours=2))
    assert len(list(outbox_dir.glob("*-reminder.eml"))) == 1


def test_status_and_healthz_say_when_reminders_are_late(app, runner, client, clock, make_event):
    event = make_event()
    register(app, event, "a@example.org", clock.now)
    result = runner.invoke(args=["reminders", "status", "--now", clock.now.isoformat()])
    assert result.exit_code == 0 and "last run: never" in result.output
    assert client.get("/healthz").get_json()["reminders"] == {"state": "never run"}

    runner.invoke(args=["reminders", "plan", "--now", clock.now.isoformat()])
    assert client.get("/healthz").get_json()["status"] == "ok"

    # Nothing runs for three hours, while the 2-day slot comes and goes.
    late = event.start_dt - timedelta(days=2) + timedelta(hours=1)
    clock.set(late)
    health = client.get("/healthz")
    assert health.status_code == 200  # the web app itself is fine
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["reminders"]["state"] == "late"
    result = runner.invoke(args=["reminders", "status", "--now", late.isoformat()])
    assert result.exit_code == 1
    assert "1 reminders due and not written yet" in result.output and "LATE" in result.output

    # Catching up after the outage, with --now.
    result = runner.invoke(args=["reminders", "plan", "--now", late.isoformat()])
    assert "1 reminders" in result.output
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_bad_now_is_refused_clearly(runner):
    result = runner.invoke(args=["reminders", "plan", "--now", "tomorrow"])
    assert result.exit_code == 2 and "not an ISO 8601" in result.output
