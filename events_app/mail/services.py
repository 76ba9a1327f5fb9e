"""Writing mail to the outbox and delivering it.

`enqueue` adds a message to the caller's transaction (flush, never commit):
the registration services' caller commits the change and its mail together,
so a message exists exactly when the change does, and no SMTP outage can
make a registration fail.

`deliver_due` is the worker: it sends what is due and records the outcome.
On PostgreSQL each message is claimed, sent and recorded in its own short
transaction while its row is locked with `SELECT … FOR UPDATE SKIP LOCKED`
(a second worker skips the row and takes the next one; a row lock stops no
one else's writes). The commit after each send releases exactly that
message, already marked sent: a concurrent worker can never pick it up
again. SQLite has no row locks, only the database's one write lock, and
holding it while an SMTP server takes its time would stop every
registration and login: there the claim is a lease instead — under `BEGIN
IMMEDIATE` the message is found and its `next_attempt_dt` moved
`SQLITE_SEND_LEASE` ahead, committed at once, and the outcome recorded in a
second short transaction after the send. Should the process die between
the SMTP server accepting a message and the commit, that one message goes
out again (on the next run, or once the lease has passed): at-least-once is
the most SMTP allows; it keeps its Message-ID, so mail clients show it once.

Failures: an unreachable or disconnecting server loses nothing — the due
messages stay pending with a later `next_attempt_dt` (back-off 1, 2, 4 …
minutes, at most an hour) and never become "failed" because of an outage. A
server refusing one message temporarily (4xx) is retried the same way up to
`MAIL_MAX_ATTEMPTS` times; a permanent refusal (5xx: unknown recipient,
message rejected) marks it failed at once.
"""
import base64
import logging
import os
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.charset import BASE64, QP, Charset
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from io import BytesIO
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, get_translations
from flask_mail import Connection
from jinja2 import TemplateNotFound, pass_context
from markupsafe import Markup
from sqlalchemy import bindparam, exists, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from ..dbutil import serialise_sqlite
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=1)


# --- writing ---------------------------------------------------------------


def attachment(filename: str | None, content_type: str, data: str | bytes, *,
               inline: bool = False) -> dict:
    """An attachment as the outbox stores it (JSON): text as is, bytes as base64.

    `content_type` may carry parameters ("text/calendar; method=REQUEST").
    `inline=True` puts a text part among the message's alternatives
    (text, HTML, calendar) instead of attaching it as a file.
    """
    if isinstance(data, bytes):
        return {"filename": filename, "content_type": content_type,
                "data": base64.b64encode(data).decode("ascii"), "encoding": "base64",
                "inline": inline}
    return {"filename": filename, "content_type": content_type, "data": data,
            "encoding": None, "inline": inline}


def one_line(text: str) -> str:
    """`text` on one line: its line breaks (of any kind) become spaces; other
    spaces, the no-break ones of French typography among them, stay."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def enqueue(
    session: Session,
    *,
    flush: bool = True,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[dict] = (),
    headers: dict[str, str] | None = None,
    kind: str,
    now: datetime,
    registration_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the session's transaction; due at once. Flushes (unless
    `flush=False`: a caller writing many flushes once), never commits.

    `attachments` are dicts made by `attachment()`.
    """
    message = OutboxMessage(
        created_dt=now,
        kind=kind,
        registration_id=registration_id,
        to_address=to,
        # One line, whatever the text it was made from held: a header with a
        # line break in it cannot be sent.
        subject=one_line(subject),
        body_text=text,
        body_html=html,
        attachments=[dict(a) for a in attachments],
        headers=dict(headers or {}),
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_dt=now,
    )
    session.add(message)
    if flush:
        session.flush()
    return message


# After writing this many messages at once, the planner's statistics of the
# outbox are refreshed (`refresh_statistics`).
BULK_WRITE = 500


def refresh_statistics(session: Session, written: int) -> None:
    """Tell PostgreSQL's planner about a burst of new messages (after reminders
    or digests are written in bulk), before the delivery workers claim them.

    Until autovacuum's next ANALYZE, up to a minute later, the planner
    takes the outbox for as small as it last saw it, and claiming the next
    message cost about eight times as much database CPU (measured with
    8,000 pending messages: 3.9 ms instead of 0.45 ms per message).
    """
    if written < BULK_WRITE or session.get_bind().dialect.name != "postgresql":
        return
    session.commit()
    session.execute(text("ANALYZE outbox_message"))
    session.commit()


@dataclass
class RenderedMessage:
    """What `enqueue` takes: `enqueue(session, to=…, **vars(rendered), …)`."""

    subject: str
    text: str
    html: str


def _gettext_callables(translations) -> dict:
    """`gettext` and `ngettext` for the templates, bound to one language's catalogue.

    They behave as the ones Flask-Babel installs (Jinja's "newstyle":
    `%(name)s` filled in, escaped when autoescaping), but skip looking the
    catalogue up for every string: a reminder has some forty of them, and
    that lookup was a fifth of the planner's time.
    """

    @pass_context
    def gettext(context, string, **variables):
        text = translations.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def render_message(template_base: str, language: str, **context) -> RenderedMessage:
    """Render `templates/email/<base>.txt` and `.html` in `language`.

    The subject is the text template's first line (`Subject: …` is not
    needed: the first line is the subject, the rest the body), so the one
    translatable template holds both. The HTML is optional: without
    `<base>.html`, `html` is None.
    """
    with force_locale(language):
        context = {**_gettext_callables(get_translations()), **context}
        text = render_template(f"email/{template_base}.txt", **context)
        try:
            html = render_template(f"email/{template_base}.html", **context)
        except TemplateNotFound:
            html = None
    subject, _, body = text.lstrip().partition("\n")
    return RenderedMessage(subject=subject.strip(), text=body.strip() + "\n", html=html)


# --- composing -------------------------------------------------------------


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


# Bodies as quoted-printable: an `.eml` file stays readable in a text editor.
# (Base64 for the HTML and calendar parts was measured: no faster overall.)
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = BASE64
_UTF8.body_encoding = QP


def _text_part(data: str, subtype: str, charset: str = "utf-8") -> MIMEText:
    if charset.lower().replace("-", "") == "utf8":
        return MIMEText(data, subtype, _UTF8)
    return MIMEText(data, subtype, charset)


def _address(value: str) -> str:
    name, address = parseaddr(value)
    if not address.isascii():
        # Needs SMTPUTF8 end to end; fails this message alone, for good.
        raise ValueError(f"a non-ASCII mailbox cannot be sent to: {address}")
    return formataddr((name, address), charset="utf-8")


def _header(value: str, name: str) -> str | Header:
    # A line break in a header would end it and start another (an injected
    # header) or make the message unsendable: such a message fails, alone.
    if "\r" in value or "\n" in value:
        raise ValueError(f"the {name} header holds a line break")
    return value if value.isascii() else Header(value, "utf-8", header_name=name)


def compose(message: OutboxMessage, sender: str) -> Message:
    """The MIME message: text, HTML and inline parts as alternatives, then files.

    Built with the `email.mime` classes (the compat32 API): a third of the
    time of `Message`, whose header parsing was most of a worker's CPU.
    """
    alternative = MIMEMultipart("alternative")
    alternative.attach(_text_part(message.body_text, "plain"))
    if message.body_html is not None:
        alternative.attach(_text_part(message.body_html, "html"))
    files = []
    for item in message.attachments or []:
        data = item["data"]
        if item.get("encoding") == "base64":
            data = base64.b64decode(data)
        maintype, subtype, params = _split_content_type(item["content_type"])
        if item.get("inline") and isinstance(data, str) and maintype == "text":
            part = _text_part(data, subtype, params.pop("charset", "utf-8"))
            for name, value in params.items():
                part.set_param(name, value, requote=False)
            alternative.attach(part)
        else:
            files.append((item, data, maintype, subtype, params))

    root = alternative
    if files:
        root = MIMEMultipart("mixed")
        root.attach(alternative)
        for item, data, maintype, subtype, params in files:
            if isinstance(data, str) and maintype == "text":
                part = _text_part(data, subtype, params.pop("charset", "utf-8"))
            else:
                if isinstance(data, str):
                    data = data.encode(params.pop("charset", "utf-8"))
                part = MIMEBase(maintype, subtype)
                part.set_payload(data)
                encode_base64(part)
            for name, value in params.items():
                part.set_param(name, value, requote=False)
            if item.get("filename"):
                part.add_header("Content-Disposition", "attachment", filename=item["filename"])
            root.attach(part)

    root["From"] = _address(sender)
    root["To"] = _address(message.to_address)
    root["Subject"] = _header(message.subject, "Subject")
    root["Date"] = format_datetime(message.created_dt)
    # Stable across retries: a message sent twice is recognisably one.
    root["Message-ID"] = f"<outbox.{message.id}.{int(message.created_dt.timestamp())}@{_domain(sender)}>"
    # Out-of-office replies are not sent to automatic mail (RFC 3834).
    root["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        del root[name]
        root[name] = _header(value, name)
    return root


class _Generator(BytesGenerator):
    """`BytesGenerator` writing a short ASCII header line as it is.

    The compat32 policy folds every header through `email.header.Header`,
    even "MIME-Version: 1.0", at a third of the cost of sending a message;
    a line that needs no folding or encoding comes out the same without it
    (tests/mail/test_compose.py compares the bytes). Anything else is
    folded by the policy as before.
    """

    def _write_headers(self, msg):
        for name, value in msg.raw_items():
            if (isinstance(value, str) and len(name) + len(value) < 77 and value.isascii()
                    and "\n" not in value and "\r" not in value and value.strip() == value):
                self._fp.write(f"{name}: {value}{self._NL}".encode("ascii"))
            else:
                self._fp.write(self.policy.fold_binary(name, value))
        self.write(self._NL)


def as_bytes(email: Message) -> bytes:
    """The message as it goes on the wire (CRLF line ends)."""
    buffer = BytesIO()
    _Generator(buffer, mangle_from_=False).flatten(email, linesep="\r\n")
    return buffer.getvalue()


def _split_content_type(value: str) -> tuple[str, str, dict[str, str]]:
    kind, *parameters = [part.strip() for part in value.split(";")]
    maintype, _, subtype = kind.partition("/")
    params = {}
    for parameter in parameters:
        if "=" in parameter:
            name, _, val = parameter.partition("=")
            params[name.strip().lower()] = val.strip().strip('"')
    return maintype.lower(), (subtype or "octet-stream").lower(), params


# --- delivering ------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    deferred: int = 0  # still pending, to be retried
    failed: int = 0  # given up on
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.deferred + self.failed

    def __str__(self) -> str:
        return f"sent {self.sent}, deferred {self.deferred}, failed {self.failed}"


class TransportDown(Exception):
    """The server cannot be reached or went away: no message's fault."""


class PermanentFailure(Exception):
    """This message will never be accepted (5xx)."""


class TemporaryFailure(Exception):
    """This message was refused for now (4xx)."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after the 1st, 2nd, 3rd … attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class SMTPTransport:
    """One SMTP connection (Flask-Mail's settings), opened on first use and
    reused for the whole batch."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.connection: Connection | None = None

    def _open(self) -> Connection:
        from ..extensions import mail

        connection = mail.connect()
        state = connection.mail
        if state.suppress:  # MAIL_SUPPRESS_SEND (Flask-Mail's default when TESTING)
            connection.host = None
            return connection
        try:
            # As Flask-Mail's `configure_host`, with a timeout: a server that
            # does not answer must not hold the worker (and, on SQLite, the
            # write lock) for the operating system's minutes.
            host_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
            host = host_class(state.server, state.port, timeout=self.timeout)
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except (OSError, smtplib.SMTPException) as error:
            raise TransportDown(_describe(error)) from error
        connection.host = host
        return connection

    def send(self, email: Message, sender: str, recipient: str) -> None:
        if self.connection is None:
            self.connection = self._open()
        if self.connection.host is None:
            return
        try:
            # The envelope given, so smtplib need not parse the headers again.
            self.connection.host.sendmail(parseaddr(sender)[1], [parseaddr(recipient)[1]],
                                          as_bytes(email))
        except smtplib.SMTPRecipientsRefused as error:
            code, _text = next(iter(error.recipients.values()))
            raise _classify(code, error) from error
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            raise _classify(error.smtp_code, error) from error
        except smtplib.SMTPNotSupportedError as error:
            # An internationalised address and a server without SMTPUTF8:
            # this message can never go, the others can (it is an OSError
            # too, and must not be taken for the server being down).
            raise PermanentFailure(_describe(error)) from error
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            self.connection = None  # broken: open a new one next time
            raise TransportDown(_describe(error)) from error

    def close(self) -> None:
        if self.connection is not None and self.connection.host is not None:
            try:
                self.connection.host.quit()
            except (OSError, smtplib.SMTPException):
                pass  # everything sent is already recorded
        self.connection = None


def _classify(code: int, error: Exception) -> Exception:
    # A sender refused for good is a configuration problem, not this
    # message's: retry it (the same refusal will show in last_error).
    if 500 <= code < 600 and not isinstance(error, smtplib.SMTPSenderRefused):
        return PermanentFailure(_describe(error))
    return TemporaryFailure(_describe(error))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


class DirectoryTransport:
    """No MAIL_SERVER: every message becomes an `.eml` file a person can open."""

    def __init__(self, directory: Path):
        self.directory = directory

    def send(self, email: Message, sender: str, *, message: OutboxMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{message.created_dt:%Y%m%dT%H%M%SZ}-{message.id:06d}-{message.kind}.eml"
        path = self.directory / name
        partial = path.with_suffix(".eml.partial")
        partial.write_bytes(email.as_bytes())
        os.replace(partial, path)  # readers never see half a message
        return path

    def close(self) -> None:
        pass


def outbox_dir() -> Path:
    configured = current_app.config.get("OUTBOX_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def _due(in_order: bool = True):
    """Due messages at `:now`, oldest first; each recipient's in the order they were written.

    A message waits while an older one to the same address is still pending
    (being retried after an outage, or being sent by another worker): a
    registrant never gets "cancelled" before "registered", and their calendar
    never sees a CANCEL before the REQUEST it cancels.
    """
    # Ordered as ix_outbox_message_due: the scan reads pending rows only,
    # in order, and stops at the first one it can take (however many were
    # sent before).
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_dt <= bindparam("now"))
        .order_by(OutboxMessage.next_attempt_dt, OutboxMessage.id)
    )
    if in_order:
        older = aliased(OutboxMessage)
        query = query.where(~exists().where(
            older.to_address == OutboxMessage.to_address,
            older.status == OutboxStatus.PENDING,
            older.id < OutboxMessage.id,
        ))
    return query


# Built once: a worker claims thousands of messages a minute, and building
# the statement each time (and its cache key) cost more than running it.
_NEXT_DUE = _due().limit(1).with_for_update(skip_locked=True)
_ALL_DUE = _due(in_order=False).limit(bindparam("limit")).with_for_update(skip_locked=True)


# The worker reads and marks rows with plain statements, not through the
# ORM's identity map and unit of work: per message, that bookkeeping cost
# more than the statements themselves.
_OUTBOX = OutboxMessage.__table__
_LOAD = select(_OUTBOX).where(_OUTBOX.c.id == bindparam("message_id"))


def _mark(session: Session, message, **values) -> None:
    """One more attempt at `message` (a row), and what came of it."""
    session.execute(update(_OUTBOX).where(_OUTBOX.c.id == message.id)
                    .values(attempts=_OUTBOX.c.attempts + 1, **values))


_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("message_id"))
    .values(status=OutboxStatus.SENT, attempts=_OUTBOX.c.attempts + 1,
            sent_dt=bindparam("now"), last_error=None)
)


# How long a message being sent on SQLite is kept from other workers: far
# longer than any send (MAIL_TIMEOUT is per socket operation), short enough
# that a message whose worker died goes out the same hour.
SQLITE_SEND_LEASE = timedelta(minutes=15)

_LEASE = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("message_id"))
    .values(next_attempt_dt=bindparam("until"))
)


def _claim_next(session: Session, now: datetime):
    """The next due message nobody else holds, now this worker's; its row
    (attributes as on `OutboxMessage`), or None.

    PostgreSQL: locked in a fresh transaction, which the caller ends after
    the send. SQLite: leased and committed at once (see the module's notes),
    so no write lock is held while the server is talked to.
    """
    on_sqlite = session.get_bind().dialect.name == "sqlite"
    if on_sqlite:
        serialise_sqlite(session)
    # Only the id is locked and read by the search; the row (bodies and
    # attachments) is loaded once it is ours. (One statement with the search
    # as a subquery was measured: PostgreSQL then worked three times harder.)
    message_id = session.scalars(_NEXT_DUE, {"now": now}).first()
    if message_id is None:
        return None
    message = session.execute(_LOAD, {"message_id": message_id}).one()
    if on_sqlite:
        session.execute(_LEASE, {"message_id": message_id, "until": now + SQLITE_SEND_LEASE})
        session.commit()
    return message


def _defer_due(session: Session, now: datetime, limit: int, error: str) -> int:
    """The server is away: push every due message back; none is given up."""
    if session.get_bind().dialect.name == "sqlite":
        serialise_sqlite(session)
    ids = session.scalars(_ALL_DUE, {"now": now, "limit": limit}).all()
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        .execution_options(populate_existing=True)
    ).all() if ids else []
    for message in messages:
        message.attempts += 1
        message.next_attempt_dt = now + backoff(message.attempts)
        message.last_error = error
    session.commit()
    return len(messages)


def deliver_due(session: Session, now: datetime, batch_size: int = 100) -> DeliveryReport:
    """Send up to `batch_size` due messages over one connection; commit after each.

    Never raises for a mail problem: what could not be sent is recorded on
    its row and in the report. The worker owns the session's transactions:
    whatever the session holds is committed first.
    """
    config = current_app.config
    report = DeliveryReport()
    sender = config["MAIL_DEFAULT_SENDER"]
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)
    session.commit()  # start from a clean transaction: each claim is its own
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    if on_postgresql:
        # Marking a message sent need not wait for the disk: should
        # PostgreSQL itself crash in the next moment, the mark is lost and
        # the message goes again (at least once, as SMTP allows anyway).
        # For this connection while the batch runs (reset below).
        session.execute(text("SET synchronous_commit TO OFF"))
        session.commit()
    if config.get("MAIL_SERVER"):
        transport = SMTPTransport(timeout=float(config.get("MAIL_TIMEOUT") or 30))
    else:
        transport = DirectoryTransport(outbox_dir())
    try:
        while report.attempted < batch_size:
            message = _claim_next(session, now)
            if message is None:
                session.rollback()
                break
            try:
                email = compose(message, sender)
            except Exception as error:  # noqa: BLE001 - one bad message must not stop the queue
                # A stored message that cannot be made into an e-mail (a header
                # the email package refuses): failed, with the reason, and the
                # worker goes on with the next.
                _mark(session, message, status=OutboxStatus.FAILED, last_error=_describe(error))
                session.commit()
                report.failed += 1
                log.warning("mail %s cannot be composed: %s", message.id, type(error).__name__)
                continue
            try:
                if isinstance(transport, DirectoryTransport):
                    path = transport.send(email, sender, message=message)
                    log.info("mail %s written to %s", message.id, path)
                else:
                    transport.send(email, sender, message.to_address)
            except TransportDown as error:
                _mark(session, message, next_attempt_dt=now + backoff(message.attempts + 1),
                      last_error=str(error))
                session.commit()
                report.deferred += 1
                report.errors.append(str(error))
                log.warning("mail server unavailable, deferring (%s)", type(error.__cause__).__name__)
                report.deferred += _defer_due(
                    session, now, batch_size - report.attempted, str(error))
                break
            except TemporaryFailure as error:
                attempts = message.attempts + 1
                if attempts >= max_attempts:
                    _mark(session, message, status=OutboxStatus.FAILED, last_error=str(error))
                    report.failed += 1
                else:
                    _mark(session, message, next_attempt_dt=now + backoff(attempts),
                          last_error=str(error))
                    report.deferred += 1
                session.commit()
                log.warning("mail %s refused for now (attempt %s)", message.id, attempts)
            except PermanentFailure as error:
                _mark(session, message, status=OutboxStatus.FAILED, last_error=str(error))
                session.commit()
                report.failed += 1
                log.warning("mail %s refused permanently", message.id)
            else:
                session.execute(_MARK_SENT, {"message_id": message.id, "now": now})
                session.commit()
                report.sent += 1
    except BaseException:
        session.rollback()
        raise
    finally:
        transport.close()
        if on_postgresql:
            try:
                session.execute(text("RESET synchronous_commit"))
                session.commit()
            except SQLAlchemyError:  # the database went away: its connection goes too
                session.rollback()
    return report


def pending_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
    )
