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


def _reusable_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


class _ListenerController(Controller):
    """aiosmtpd's controller serving on a socket bound beforehand."""

    def __init__(self, handler, listener: socket.socket):
        self._listener = listener
        host, port = listener.getsockname()
        super().__init__(handler, hostname=host, port=port)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._listener)


class SMTPServer:
    """Start, stop and start again on the same port; `messages` survive restarts.

    The port is held for the server's whole life, never found free and bound
    again later (another process could take it in between): a socket bound
    with SO_REUSEPORT keeps it, without listening, so that while the server
    is stopped a connection is refused as by a server that is down; each
    start listens on a new socket bound to the same port beside it.
    """

    def __init__(self):
        self.handler = CollectingHandler()
        self.host = "127.0.0.1"
        self._holder = _reusable_socket()
        self._holder.bind((self.host, 0))
        self.port = self._holder.getsockname()[1]
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[dict]:
        return self.handler.messages

    def start(self) -> None:
        listener = _reusable_socket()
        listener.bind((self.host, self.port))
        self.controller = _ListenerController(self.handler, listener)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def close(self) -> None:
        self.stop()
        self._holder.close()


@pytest.fixture
def smtp_server(app):
    """The app's MAIL_SERVER, running; stopped after the test."""
    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port,
                      MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=5)
    mail.init_app(app)  # Flask-Mail reads its settings when initialised
    yield server
    server.close()


@pytest.fixture(autouse=True)
def outbox_dir(app, tmp_path):
    """Never the real instance/outbox/."""
    path = tmp_path / "outbox"
    app.config["OUTBOX_DIR"] = str(path)
    return path
