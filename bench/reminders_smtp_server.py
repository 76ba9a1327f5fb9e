#!/usr/bin/env python3
"""The SMTP server of `bench/reminders.py`: `mail_smtp_server.py`, also counting recipients.

Reminders carry no `X-Bench-Seq` header (the app writes them, not the
benchmark), so besides the `Message-ID`s this server counts every envelope
recipient (lower-cased) and the `Subject` line of each message: the
benchmark gives each registration its own address, so a recipient received
twice is a duplicate reminder and an address never received is a miss.

    .venv/bin/python bench/reminders_smtp_server.py [--host 127.0.0.1]

Same protocol as `mail_smtp_server.py`: `READY <port>` on the first line,
one line of JSON on SIGTERM or SIGINT (its fields plus `rcpts`, the count
per recipient, and `subjects`, the count per subject's first word).
"""
from __future__ import annotations

import re
import sys
from email.header import decode_header, make_header
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mail_smtp_server  # noqa: E402

_SUBJECT = re.compile(rb"^Subject:[ \t]*(.*?)\r?$", re.I | re.M)


class RecipientCountingHandler(mail_smtp_server.CountingHandler):
    def __init__(self):
        super().__init__()
        self.rcpts: dict[str, int] = {}
        self.subjects: dict[str, int] = {}

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            key = rcpt.lower()
            self.rcpts[key] = self.rcpts.get(key, 0) + 1
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
        subject = _SUBJECT.search(head)
        # The first word is enough to tell a reminder's subject ("Reminder:", "Rappel").
        word = "(none)"
        if subject:
            text = str(make_header(decode_header(subject.group(1).decode("ascii", "replace"))))
            word = (text.split() or ["(empty)"])[0]
        self.subjects[word] = self.subjects.get(word, 0) + 1
        return await super().handle_DATA(server, session, envelope)

    def summary(self) -> dict:
        return {**super().summary(), "rcpts": self.rcpts, "subjects": self.subjects}


# `mail_smtp_server.serve` builds its handler from this module-level name.
mail_smtp_server.CountingHandler = RecipientCountingHandler

if __name__ == "__main__":
    sys.exit(mail_smtp_server.main())
