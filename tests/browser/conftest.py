"""Real-browser fixtures: the demo site served live, and one headless Chromium.

Nothing here depends on the fixtures of tests/conftest.py. The live site has
a database of its own, on the same kind of server as the rest of the suite:
a temporary SQLite file, or under `TEST_DATABASE_URL` a PostgreSQL database
made for this run and dropped after it (tests/dbsetup.py). The demo content
seeded here never meets the suite's database, which is emptied after every
test.

The browser is Debian's Chromium at /usr/bin/chromium. Playwright never
downloads a browser here; without Chromium the browser tests are skipped.
"""
import os
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# config.py lives at the project root, which `.venv/bin/pytest` does not put
# on sys.path by itself.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NARROW = {"width": 360, "height": 740}


@dataclass(frozen=True)
class LiveSite:
    url: str
    meeting_slug: str
    workshop_slug: str
    registration_token: str  # a registration for the meeting, for its private pages
    app: object

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The demo content served on 127.0.0.1 for the whole session."""
    from dbsetup import TEST_DATABASE_URL, run_database

    given = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.db'}"
    with run_database(given, "browser") as url:
        yield from _serve_demo(url)


def _closed_before_sending(app):
    """Hand Werkzeug's development server each response as bytes, already closed.

    That server closes the application's iterator only after draining the
    socket, and the drain raises when Chromium has dropped the connection (it
    cancels favicon and prefetch requests freely): the open static file is
    then left to the garbage collector, and its ResourceWarning fails whichever
    test happens to be running. A list has nothing to close.
    """

    def buffered(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return buffered


def _serve_demo(url: str):
    from werkzeug.serving import make_server

    from config import TestConfig
    from events_app import create_app
    from events_app.demo import next_march_7, seed_demo
    from events_app.events.services import get_public_event
    from events_app.extensions import db
    from events_app.registrations.services import register
    from events_app.timeutil import local_today, now_utc

    config = type(
        "BrowserTestConfig",
        (TestConfig,),
        # Forms are checked for CSRF as in production.
        {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True},
    )
    app = create_app(config)
    # The pages decide what is "upcoming" from the real clock, so the demo is
    # seeded relative to the real clock too (the demo's own dates move with it).
    now = now_utc()
    with app.app_context():
        db.create_all()
        seed_demo(now)
        # The demo's past six months, published at /achievements.
        from events_app.reports.models import PublishedReport
        from events_app.reports.services import last_six_months

        shown = last_six_months(local_today(now))
        db.session.add(PublishedReport(start_date=shown.start, end_date=shown.end, published_dt=now))
        db.session.commit()
        march7 = next_march_7(local_today(now)).isoformat()
        meeting = get_public_event(db.session, f"community-meeting-{march7}")
        _registration, token, _created = register(
            db.session, meeting, name="Axe Tester", email="axe@example.org", consent=True,
            now=now, session_ids=[meeting.sessions[0].id],
        )
        db.session.commit()
        db.session.remove()

    # Port 0: the server binds a free port and keeps it (no find-then-rebind race).
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, name="live-site", daemon=True)
    thread.start()
    try:
        yield LiveSite(
            url=f"http://127.0.0.1:{port}",
            meeting_slug=f"community-meeting-{march7}",
            workshop_slug=f"breath-self-care-{march7}",
            registration_token=token,
            app=app,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def skip_or_fail(reason: str):
    """Skip on a laptop without the tools; CI sets REQUIRE_BROWSER_TESTS=1 and
    must not pass by skipping."""
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"REQUIRE_BROWSER_TESTS is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        skip_or_fail(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("browser tests need the playwright package (pip install -e '.[dev]')")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def axe_js():
    if not AXE_JS.exists():
        skip_or_fail(f"axe-core is missing at {AXE_JS}: run `npm install --no-package-lock`")
    return AXE_JS


@pytest.fixture
def new_page(browser):
    """`new_page(**context_options)`: a page in a fresh context, closed after the test."""
    contexts = []

    def new_page(**options):
        options.setdefault("viewport", NARROW)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
