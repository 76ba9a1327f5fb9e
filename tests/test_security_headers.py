"""Issue 12, row 9: the protections a public-service site is expected to send,
on every kind of page: public, personal (a token link), staff, a calendar
feed, an error, the health check."""
import pytest

from config import ProductionConfig
from dbsetup import dispose_engines
from events_app import create_app


@pytest.fixture
def paths(client, make_event):
    event = make_event(slug="talk", capacity=5)
    response = client.post(f"/events/{event.slug}/register", data={
        "name": "Amina", "email": "amina@example.org", "consent": "y"})
    token_page = response.headers["Location"]
    return ["/", "/events/talk", token_page, "/login", "/manage/", "/calendar.ics",
            "/events/talk.ics", "/no-such-page", "/healthz"]


def test_every_kind_of_page_carries_the_security_headers(client, paths):
    for path in paths:
        response = client.get(path)
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, path
        assert headers.get("X-Frame-Options") == "DENY", path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "no-referrer", path
        assert "camera=()" in headers.get("Permissions-Policy", ""), path
        # Development and the tests run over plain HTTP: no HSTS there.
        assert "Strict-Transport-Security" not in headers, path


def test_production_adds_hsts(test_database_url):
    config = type("Production", (ProductionConfig,), {
        "SECRET_KEY": "a-long-random-value-of-forty-characters-x",
        "SQLALCHEMY_DATABASE_URI": test_database_url})
    app = create_app(config)
    try:
        response = app.test_client().get("/healthz")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert response.headers["X-Frame-Options"] == "DENY"
    finally:
        dispose_engines(app)
