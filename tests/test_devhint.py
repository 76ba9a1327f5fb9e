"""Issue 16, item 8: `make run PORT=5123` links to port 5123, and once the
server answers it says what to do next."""
import os
import shutil
import subprocess
import textwrap
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake_flask(tmp_path):
    """A `flask` that writes down how it was called and with which SITE_URL
    (`flask run` lingers a moment, as a server would)."""
    if shutil.which("make") is None:
        pytest.skip("needs GNU make")
    log = tmp_path / "calls.log"
    script = tmp_path / "bin" / "flask"
    script.parent.mkdir()
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$* | $SITE_URL" >> {log}
        [ "$1" = run ] && sleep 1
        exit 0
        """))
    script.chmod(0o755)
    return script.parent, log


def make_run(bin_dir, *args, site_url=None):
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAKEFLAGS", "PORT", "HOST")}
    if site_url:
        env["SITE_URL"] = site_url
    # -o setup: the fake needs no virtualenv.
    subprocess.run(["make", "-s", "-o", "setup", "run", f"BIN={bin_dir}", *args],
                   cwd=ROOT, env=env, check=True, timeout=60)


def calls(log):
    return dict(line.split(" | ", 1) for line in log.read_text().splitlines())


def test_make_run_on_another_port_links_to_that_port(fake_flask):
    bin_dir, log = fake_flask
    make_run(bin_dir, "PORT=5123")
    seen = calls(log)
    assert seen["run --host 127.0.0.1 --port 5123"] == "http://127.0.0.1:5123"
    # Every step that writes links (the demo, the mail worker) sees the same address.
    assert seen["seed demo"] == seen["mail work"] == "http://127.0.0.1:5123"
    assert seen["hint --wait 60 --server http://127.0.0.1:5123"] == "http://127.0.0.1:5123"


def test_a_site_url_that_is_set_wins(fake_flask):
    bin_dir, log = fake_flask
    make_run(bin_dir, "PORT=5123", site_url="https://events.example.org")
    assert calls(log)["run --host 127.0.0.1 --port 5123"] == "https://events.example.org"


def test_the_hint_waits_for_the_server_then_says_what_to_do(app, runner, clock):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # The server comes up a moment after the hint starts waiting.
    starter = threading.Timer(0.5, server.serve_forever)
    starter.daemon = True
    started = time.monotonic()
    starter.start()
    try:
        result = runner.invoke(args=["hint", "--wait", "20", "--server", url])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.5  # it waited for the server
    output = result.output
    assert f"Community Events is running at {app.config['SITE_URL']}" in output
    assert '.venv/bin/flask users create you@example.org --name "Your Name" --role admin' in output
    assert f"{Path(app.instance_path) / 'outbox'}" in output

    # Once there is an account, made as the hint says, no first-admin instructions.
    made = runner.invoke(args=["users", "create", "you@example.org", "--name", "Your Name",
                               "--role", "admin", "--password-stdin"],
                         input="a long enough password for the first admin\n")
    assert made.exit_code == 0, made.output
    again = runner.invoke(args=["hint"])
    assert "users create" not in again.output
    assert f"{app.config['SITE_URL']}/login" in again.output


def test_the_hint_names_the_mail_server_when_there_is_one(app, runner):
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=587, OUTBOX_DIR=None)
    output = runner.invoke(args=["hint"]).output
    assert "Mail is sent through smtp.example.org:587." in output
    assert "outbox" not in output


def test_the_hint_gives_up_when_nothing_answers(runner):
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: refused at once
        result = runner.invoke(args=["hint", "--wait", "0.5", "--server", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert "did not answer" in result.output
