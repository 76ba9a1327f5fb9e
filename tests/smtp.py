"""A real SMTP server (aiosmtpd) on a free loopback port, and an app sending to it.

The fixtures are imported by the conftest of each folder whose tests send mail.
"""
import socket

import pytest
from aiosmtpd.controller import Controller

from events_app.extensions import mail

# Any address at this domain is refused for good, as an unknown mailbox is.
REFUSED_DOMAIN = "refused.test"


class CollectingHandler:
    def __init__(self):
        self.messages: list[dict] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "data": envelope.original_content or envelope.content,
        })
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """Start, stop and start again on the same port; `messages` survive restarts."""

    def __init__(self):
        self.handler = CollectingHandler()
        self.host = "127.0.0.1"
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[dict]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app):
    """The app's MAIL_SERVER, running; stopped after the test."""
    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port,
                      MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=5)
    mail.init_app(app)  # Flask-Mail reads its settings when initialised
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def outbox_dir(app, tmp_path):
    """Never the real instance/outbox/."""
    path = tmp_path / "outbox"
    app.config["OUTBOX_DIR"] = str(path)
    return path
