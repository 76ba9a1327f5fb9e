"""The outbox delivers every message once, whatever the SMTP server does."""
import email
import email.policy
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import select

from events_app.extensions import db, mail
from events_app.mail.models import OutboxMessage, OutboxStatus
from events_app.mail.services import (
    attachment, backoff, deliver_due, enqueue, render_message,
)

from smtp import REFUSED_DOMAIN

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def add_message(to="amina@example.org", n=1, **values):
    values.setdefault("subject", f"Message {n}")
    values.setdefault("text", f"Hello {n}\n")
    values.setdefault("kind", "test")
    values.setdefault("now", NOW)
    return enqueue(db.session, to=to, **values)


def rows():
    return db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)).all()


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_enqueue_flushes_but_does_not_commit(app):
    with app.app_context():
        message = add_message()
        assert message.id is not None
        db.session.rollback()
        assert rows() == []


def test_a_message_is_delivered_once_with_its_parts(app, smtp_server):
    with app.app_context():
        add_message(
            subject="Votre inscription",
            text="Bonjour Amina\n",
            html="<p>Bonjour Amina</p>",
            attachments=[
                attachment(None, "text/calendar; method=REQUEST; charset=UTF-8", ICS, inline=True),
                attachment("invite.ics", "text/calendar; method=REQUEST; charset=UTF-8", ICS),
                attachment("logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
            ],
            headers={"X-Outbox-Test": "1"},
        )
        db.session.commit()

        report = deliver_due(db.session, NOW)
        assert (report.sent, report.deferred, report.failed) == (1, 0, 0)
        assert deliver_due(db.session, NOW + timedelta(hours=1)).attempted == 0

        [message] = rows()
        assert message.status == OutboxStatus.SENT
        assert message.sent_dt == NOW and message.attempts == 1

    [received] = smtp_server.messages
    assert received["to"] == ["amina@example.org"]
    parsed = parse(received["data"])
    assert parsed["Subject"] == "Votre inscription"
    assert parsed["X-Outbox-Test"] == "1"
    assert parsed["Message-ID"].startswith("<outbox.")
    assert parsed.get_content_type() == "multipart/mixed"
    alternative = next(p for p in parsed.iter_parts() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    inline_calendar = list(alternative.iter_parts())[2]
    assert inline_calendar.get_param("method") == "REQUEST"
    assert inline_calendar.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    assert parsed.get_body(("plain",)).get_content().strip() == "Bonjour Amina"
    assert "Bonjour Amina" in parsed.get_body(("html",)).get_content()
    files = {p.get_filename(): p for p in parsed.iter_attachments()}
    assert set(files) == {"invite.ics", "logo.png"}
    assert files["invite.ics"].get_content_type() == "text/calendar"
    assert "METHOD:REQUEST" in files["invite.ics"].get_content()
    assert files["logo.png"].get_content() == b"\x89PNG\r\n\x1a\n"


def test_one_batch_uses_one_connection(app, smtp_server, monkeypatch):
    import smtplib

    opened = []
    real_init = smtplib.SMTP.__init__

    def counting_init(self, *args, **kwargs):
        opened.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", counting_init)
    with app.app_context():
        for n in range(5):
            add_message(n=n)
        db.session.commit()
        assert deliver_due(db.session, NOW).sent == 5
    assert len(opened) == 1
    assert len(smtp_server.messages) == 5


def test_with_the_server_down_nothing_is_lost(app, smtp_server):
    smtp_server.stop()
    with app.app_context():
        for n in range(3):
            add_message(n=n)
        db.session.commit()

        report = deliver_due(db.session, NOW)
        assert (report.sent, report.deferred, report.failed) == (0, 3, 0)
        for message in rows():
            assert message.status == OutboxStatus.PENDING
            assert message.attempts == 1
            assert message.next_attempt_dt == NOW + timedelta(minutes=1)
            assert message.last_error

        # Still down a minute later: the next retry waits longer.
        report = deliver_due(db.session, NOW + timedelta(minutes=1))
        assert report.deferred == 3
        assert {m.next_attempt_dt for m in rows()} == {NOW + timedelta(minutes=3)}

        smtp_server.start()
        # Not yet due: nothing is tried.
        assert deliver_due(db.session, NOW + timedelta(minutes=2)).attempted == 0
        report = deliver_due(db.session, NOW + timedelta(minutes=3))
        assert report.sent == 3
        assert all(m.status == OutboxStatus.SENT for m in rows())
    assert sorted(parse(m["data"])["Subject"] for m in smtp_server.messages) == [
        "Message 0", "Message 1", "Message 2"]


def test_an_outage_never_gives_a_message_up(app, smtp_server):
    smtp_server.stop()
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    with app.app_context():
        add_message()
        db.session.commit()
        now = NOW
        for _ in range(5):
            deliver_due(db.session, now)
            now += timedelta(hours=2)
        [message] = rows()
        assert message.status == OutboxStatus.PENDING and message.attempts == 5


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(7) == timedelta(hours=1) and backoff(30) == timedelta(hours=1)


def test_a_refused_recipient_fails_permanently_and_others_go_on(app, smtp_server):
    with app.app_context():
        add_message(n=1)
        refused = add_message(to=f"nobody@{REFUSED_DOMAIN}", n=2)
        add_message(n=3)
        db.session.commit()
        refused_id = refused.id

        report = deliver_due(db.session, NOW)
        assert (report.sent, report.deferred, report.failed) == (2, 0, 1)
        message = db.session.get(OutboxMessage, refused_id)
        assert message.status == OutboxStatus.FAILED
        assert "550" in message.last_error
        # Failed is final: a later run does not try again.
        assert deliver_due(db.session, NOW + timedelta(days=1)).attempted == 0
    assert len(smtp_server.messages) == 2


def test_without_a_mail_server_messages_become_eml_files(app, outbox_dir, caplog):
    assert not app.config["MAIL_SERVER"]
    with app.app_context():
        add_message(to="amina@example.org", html="<p>Hello</p>",
                    attachments=[attachment("invite.ics", "text/calendar", ICS)])
        db.session.commit()
        with caplog.at_level("INFO", logger="events_app.mail.services"):
            assert deliver_due(db.session, NOW).sent == 1
        [message] = rows()
        assert message.status == OutboxStatus.SENT
    [path] = outbox_dir.glob("*.eml")
    parsed = parse(path.read_bytes())
    assert parsed["To"] == "amina@example.org"
    assert {p.get_filename() for p in parsed.iter_attachments()} == {"invite.ics"}
    assert str(path) in caplog.text
    assert "amina@example.org" not in caplog.text  # no personal data in the log


def test_two_workers_send_every_message_exactly_once(app, smtp_server):
    count = 60
    with app.app_context():
        for n in range(count):
            add_message(n=n)
        db.session.commit()

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                # Small batches, so both workers claim over and over.
                while (report := deliver_due(db.session, NOW, batch_size=7)).attempted:
                    reports.append(report)
                db.session.remove()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(r.sent for r in reports) == count
    subjects = Counter(parse(m["data"])["Subject"] for m in smtp_server.messages)
    assert len(subjects) == count and set(subjects.values()) == {1}
    with app.app_context():
        assert {m.status for m in rows()} == {OutboxStatus.SENT}


def test_cli_send_due_takes_now(app, runner, smtp_server):
    with app.app_context():
        add_message(n=1)
        add_message(n=2, now=NOW + timedelta(hours=1))  # due later
        db.session.commit()

    result = runner.invoke(args=["mail", "send-due", "--now", "2026-11-24T09:30:00-05:00"])
    assert result.exit_code == 0, result.output
    assert "sent 1, deferred 0, failed 0; 1 pending" in result.output

    result = runner.invoke(args=["mail", "send-due", "--now", "2026-11-24T10:00:00-05:00"])
    assert "sent 1" in result.output and "0 pending" in result.output
    assert len(smtp_server.messages) == 2

    result = runner.invoke(args=["mail", "send-due", "--now", "yesterday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output


def test_cli_work_once(app, runner, outbox_dir, clock):
    with app.app_context():
        add_message(now=NOW)
        db.session.commit()
    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_render_message_in_the_recipients_language(app, tmp_path):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "sample.txt").write_text(
        "{{ _('This event has been cancelled.') }}\n\n{{ name }}\n", encoding="utf-8")
    (tmp_path / "email" / "sample.html").write_text(
        "<p>{{ _('This event has been cancelled.') }} {{ name }}</p>", encoding="utf-8")
    with app.app_context():
        app.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(tmp_path)), app.jinja_env.loader])
        french = render_message("sample", "fr", name="<Amina>")
        english = render_message("sample", "en", name="<Amina>")
    assert french.subject == "Cet événement a été annulé."
    assert french.text == "<Amina>\n"
    assert french.html == "<p>Cet événement a été annulé. &lt;Amina&gt;</p>"
    assert english.subject == "This event has been cancelled."


def test_an_address_the_server_cannot_take_fails_alone(app, smtp_server):
    """A non-ASCII mailbox fails for good; the messages after it still go
    (it must not look like an outage)."""
    with app.app_context():
        add_message(to="josé@example.org", n=1)
        add_message(to="Hana Côté <hana@example.org>", n=2, subject="Inscription confirmée : Atelier")
        db.session.commit()
        report = deliver_due(db.session, NOW)
        assert (report.sent, report.deferred, report.failed) == (1, 0, 1)
        failed, sent = rows()
        assert failed.status == OutboxStatus.FAILED and "non-ASCII mailbox" in failed.last_error
        assert sent.status == OutboxStatus.SENT
    [received] = smtp_server.messages
    message = parse(received["data"])
    assert message["To"] == "Hana Côté <hana@example.org>"
    assert message["Subject"] == "Inscription confirmée : Atelier"


def test_one_poisoned_message_never_stops_the_queue(app, smtp_server):
    """Issue 12, row 3: a subject holding a carriage return (stored before
    text was cleaned, or written by hand) made the worker stop at it on
    every run, so nothing after it was ever sent."""
    with app.app_context():
        poisoned = add_message(n=0)
        poisoned.subject = "Registered: Breath\r"  # as an old row holds it
        poisoned.headers = {"X-Bad": "one\r\ntwo"}
        add_message(n=1, to="omar@example.org")
        add_message(n=2, to="lina@example.org", subject="Password reset")
        db.session.commit()

        report = deliver_due(db.session, NOW)
        assert (report.sent, report.failed) == (2, 1)
        first, second, third = rows()
        assert first.status == OutboxStatus.FAILED and first.last_error
        assert (second.status, third.status) == (OutboxStatus.SENT, OutboxStatus.SENT)
        # And the next run does not trip over it again.
        assert deliver_due(db.session, NOW + timedelta(hours=1)).attempted == 0
    assert sorted(m["to"][0] for m in smtp_server.messages) == ["lina@example.org", "omar@example.org"]


def test_a_subject_is_always_one_line(app):
    with app.app_context():
        message = add_message(subject="Registered:\r Breath\n(new)")
        assert message.subject == "Registered: Breath (new)"


def test_a_slow_mail_server_never_stops_anyone_writing(app, test_database_url):
    """The worker talks to a server that accepts and then says nothing; in the
    meantime a registration (any write) goes through at once. On SQLite the
    worker must not hold the database's write lock while it waits."""
    import socket

    from sqlalchemy import create_engine, insert
    from sqlalchemy.pool import NullPool

    from events_app.pagecache import site_state

    listener = socket.create_server(("127.0.0.1", 0))
    accepted, release = threading.Event(), threading.Event()

    def silent_server():
        connection, _ = listener.accept()
        accepted.set()
        release.wait(timeout=30)
        connection.close()

    server = threading.Thread(target=silent_server, daemon=True)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1],
                      MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=20)
    mail.init_app(app)  # Flask-Mail reads its settings when initialised
    with app.app_context():
        add_message()
        db.session.commit()
        url = db.engine.url

    reports = []

    def worker():
        with app.app_context():
            reports.append(deliver_due(db.session, NOW))

    sending = threading.Thread(target=worker, daemon=True)
    sending.start()
    try:
        assert accepted.wait(timeout=10), "the worker never connected"
        # Another process writing while the worker waits for the server: it
        # must not wait for the worker (1 s before SQLite calls it "locked").
        other = create_engine(url, poolclass=NullPool,
                              **({"connect_args": {"timeout": 1}} if url.drivername == "sqlite" else {}))
        with other.begin() as connection:
            connection.execute(insert(site_state).values(id=99, content_version=1))
        other.dispose()
    finally:
        release.set()
        sending.join(timeout=30)
        server.join(timeout=5)
        listener.close()
    assert not sending.is_alive()
    [report] = reports
    assert (report.sent, report.deferred) == (0, 1)
    with app.app_context():
        [message] = rows()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1 and message.next_attempt_dt == NOW + timedelta(minutes=1)
