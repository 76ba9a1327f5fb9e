"""The bytes a message goes out as: `as_bytes` writes short ASCII header
lines itself and must produce exactly what the email package would."""
import email
import email.policy
from email.generator import BytesGenerator
from io import BytesIO

import pytest

from events_app.extensions import db
from events_app.mail.services import as_bytes, attachment, compose, enqueue

from .test_delivery import ICS, NOW

SENDER = "LMLIP Community Events <events@lmlip.example.org>"
LONG_URL = "https://events.lmlip.example.org/subscriptions/" + "x" * 90 + "/unsubscribe"


def stdlib_bytes(message) -> bytes:
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False).flatten(message, linesep="\r\n")
    return buffer.getvalue()


@pytest.mark.parametrize("subject, headers", [
    ("Reminder: Breath, Tuesday, November 24, 2026, 10:00 AM", {}),
    ("Rappel : Fête de quartier des récoltes d’automne, jeudi 15 octobre 2026, 12:00", {}),
    ("تذكير: دائرة المحادثة", {}),
    ("A subject long enough that it has to be folded over more than one line of the header "
     "block, as RFC 5322 asks", {}),
    ("Weekly digest", {"List-Unsubscribe": f"<{LONG_URL}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                       "X-Trailing": "ends with a space ", "X-Tabbed": "a\tb",
                       "X-French": "Événements de la semaine"}),
])
def test_as_bytes_is_what_the_email_package_writes(app, subject, headers):
    with app.app_context():
        message = enqueue(
            db.session, to="Amina Haddad <amina@example.org>", subject=subject, text="Bonjour Amina\nFrom here on\n",
            html="<p>Bonjour Amina</p>", kind="test", now=NOW, headers=headers,
            attachments=[
                attachment(None, "text/calendar; method=REQUEST; charset=UTF-8", ICS, inline=True),
                attachment("invite.ics", "text/calendar; method=REQUEST; charset=UTF-8", ICS),
                attachment("logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
            ])
        composed = compose(message, SENDER)
        raw = as_bytes(composed)
        assert raw == stdlib_bytes(composed)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Subject"] == subject
        assert b">From" not in raw  # SMTP is not an mbox: no "From " mangling
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
