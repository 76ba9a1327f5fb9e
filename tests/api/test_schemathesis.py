"""Schemathesis against the running app: for every operation of the OpenAPI
description, requests made from its parameters' schemas (valid ones and
deliberately wrong ones) never get a 5xx, and every answer conforms to the
schema, status, headers and media type the description gives.

The app is served on a loopback port, with the demo content in a database
of its own (SQLite, or PostgreSQL under TEST_DATABASE_URL), its clock
pinned to the suite's moment; schemathesis's own command runs against it,
as a partner's CI would, with a fixed seed and no example database: the
same requests on every run.
"""
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

# The suite's moment, as tests/conftest.py pins it, and the demo seeded for it.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)
DEMO_NOW = datetime.fromisoformat("2026-11-24T09:00:00-05:00")


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # thousands of requests: only failures matter
            pass

    from dbsetup import TEST_DATABASE_URL, config_for, run_database
    from events_app import create_app, timeutil
    from events_app.demo import seed_demo
    from events_app.extensions import db

    given = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('api-db') / 'api.db'}"
    with run_database(given, "api") as url, pytest.MonkeyPatch.context() as patch:
        def clock():
            return NOW

        for name, module in list(sys.modules.items()):
            if name.startswith("events_app") and getattr(module, "now_utc", None) is timeutil.now_utc:
                patch.setattr(module, "now_utc", clock)
        app = create_app(config_for(url))
        with app.app_context():
            db.create_all()
            seed_demo(DEMO_NOW)
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        app.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, name="live-api", daemon=True)
        thread.start()
        try:
            yield app.config["SITE_URL"]
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            with app.app_context():
                db.session.remove()
                db.drop_all()
                for engine in db.engines.values():
                    engine.dispose()


SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def run_schemathesis(url: str, workdir: Path, *options: str) -> subprocess.CompletedProcess:
    """Its command, run in `workdir`: it keeps a cache of crashes where it runs,
    which must neither land in the repository nor replay an older run's."""
    return subprocess.run(
        [str(SCHEMATHESIS), "run", url, "--checks", "all", "--mode", "all",
         "--max-examples", "60", "--seed", "20261124", "--generation-database", "none",
         "--workers", "1", "--no-color", "--request-timeout", "30", *options],
        capture_output=True, text=True, timeout=900, cwd=workdir,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )


def test_schemathesis_finds_nothing(live_api, tmp_path):
    """Every operation, valid and invalid requests (`--mode all`), every check."""
    found = run_schemathesis(f"{live_api}/api/v1/openapi.json", tmp_path)
    assert found.returncode == 0, found.stdout[-20000:] + found.stderr[-5000:]
    # It really tested the six operations (not an empty description).
    assert "6 selected" in found.stdout or "6 total" in found.stdout, found.stdout[-3000:]


def test_schemathesis_can_fail(live_api, tmp_path):
    """The same run against a description that promises what the API does not
    give (an `id` in every event) fails: the check is able to fail."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_api}/api/v1/openapi.json") as answer:
        spec = json.load(answer)
    detail = spec["components"]["schemas"]["EventDetail"]
    detail["properties"]["id"] = {"type": "integer"}
    detail["required"].append("id")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(spec))
    found = run_schemathesis(str(wrong), tmp_path, "--url", live_api, "--include-path", "/api/v1/events/{slug}",
                             "--max-examples", "5")
    assert found.returncode != 0, found.stdout[-3000:]
