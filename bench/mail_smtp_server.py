#!/usr/bin/env python3
"""The SMTP server of `bench/mail.py`: aiosmtpd on a free loopback port, in its own process.

It accepts every message and counts what it received: each message's
`Message-ID` and `X-Bench-Seq` header (the benchmark's own number for the
message, set when it was enqueued), so that the benchmark can count the
duplicates and the misses. It keeps one message whole, as a sample of what
the worker sends.

    .venv/bin/python bench/mail_smtp_server.py [--host 127.0.0.1]

It prints `READY <port>` on its first line once it listens (port 0 is asked
of the system, so there is no race for a "free" port). On SIGTERM or SIGINT
it stops and prints one line of JSON with what it received, then exits 0.
It runs apart from the benchmark so that receiving mail never takes the
GIL of the process that measures.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import re
import signal
import sys
import time

from aiosmtpd.smtp import SMTP

# Only the header block is searched: a body line could say "Message-ID:" too.
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(.*?)\r?$", re.I | re.M)
_SEQ = re.compile(rb"^X-Bench-Seq:[ \t]*(\d+)\r?$", re.I | re.M)


class CountingHandler:
    def __init__(self):
        self.message_ids: dict[str, int] = {}
        self.seqs: dict[int, int] = {}
        self.without_id = 0
        self.without_seq = 0
        self.received = 0
        self.bytes = 0
        self.recipients = 0
        self.sample: bytes | None = None
        self.first_at: float | None = None
        self.last_at: float | None = None

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
        message_id = _MESSAGE_ID.search(head)
        seq = _SEQ.search(head)
        if message_id:
            key = message_id.group(1).strip().decode("ascii", "replace")
            self.message_ids[key] = self.message_ids.get(key, 0) + 1
        else:
            self.without_id += 1
        if seq:
            number = int(seq.group(1))
            self.seqs[number] = self.seqs.get(number, 0) + 1
        else:
            self.without_seq += 1
        self.received += 1
        self.bytes += len(data)
        self.recipients += len(envelope.rcpt_tos)
        if self.sample is None:
            self.sample = data
        now = time.time()
        if self.first_at is None:
            self.first_at = now
        self.last_at = now
        return "250 Message accepted for delivery"

    def summary(self) -> dict:
        return {
            "received": self.received,
            "bytes": self.bytes,
            "recipients": self.recipients,
            "message_ids": self.message_ids,
            "seqs": {str(k): v for k, v in self.seqs.items()},
            "without_message_id": self.without_id,
            "without_seq": self.without_seq,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "sample": base64.b64encode(self.sample).decode("ascii") if self.sample else None,
        }


async def serve(host: str) -> dict:
    handler = CountingHandler()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="bench.smtp.test", ident="bench-mail aiosmtpd"),
        host=host, port=0,
    )
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"READY {port}", flush=True)
    await stop.wait()
    server.close()
    # Sessions still open (a worker that has not said QUIT) are not waited for.
    return handler.summary()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    summary = asyncio.run(serve(args.host))
    sys.stdout.write(json.dumps(summary) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
