"""Issue 12, row 12: no personal token in the development server's log or in
gunicorn's access log."""
import logging

from gunicorn.config import Config as GunicornConfig

from events_app.logredact import GunicornLogger, redact
from registrations.test_pages import token_of

TOKEN = "AbCdEf0123456789ghij.SIGNATUREsignature0123456789abcdef"
PATHS = [f"/r/{TOKEN}", f"/r/{TOKEN}/cancel", f"/calendar/r/{TOKEN}.ics",
         f"/subscriptions/{TOKEN}/unsubscribe", f"/invitation/{TOKEN}",
         f"/password/reset/{TOKEN}"]


def test_personal_paths_are_redacted():
    for path in PATHS:
        assert TOKEN not in redact(f'"GET {path}?q=Amina HTTP/1.1" 200 -'), path
        assert "Amina" not in redact(f'"GET {path}?q=Amina HTTP/1.1" 200 -')
    assert redact('"GET /events/march-7 HTTP/1.1" 200 -') == '"GET /events/march-7 HTTP/1.1" 200 -'


def test_the_development_servers_log_holds_no_token(app, client, make_event, caplog):
    event = make_event(slug="talk", capacity=5)
    token = token_of(app, client.post(f"/events/{event.slug}/register", data={
        "name": "Amina", "email": "amina@example.org", "consent": "y"}))
    token_page = f"/r/{token}"
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        # What werkzeug's request handler logs for each request.
        logger.info('%s - - [%s] "%s" %s %s', "127.0.0.1", "04/Dec/2026 18:00:00",
                    f"GET {token_page} HTTP/1.1", "200", "-")
    assert caplog.records and all(token not in r.getMessage() for r in caplog.records)


def test_gunicorns_access_log_holds_no_token(caplog):
    class Request:
        headers = []
        method, path, query, uri = "GET", f"/r/{TOKEN}", "q=Amina", f"/r/{TOKEN}?q=Amina"
        version = (1, 1)

    class Response:
        status, sent, headers = "200 OK", 10, []

    logger = GunicornLogger(GunicornConfig())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/r/{TOKEN}?q=Amina", "PATH_INFO": f"/r/{TOKEN}",
               "QUERY_STRING": "q=Amina", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    from datetime import timedelta
    atoms = logger.atoms(Response(), Request(), environ, timedelta(seconds=0.01))
    line = " ".join(str(v) for v in atoms.values())
    assert TOKEN not in line and "Amina" not in line
