"""A partner's page on another origin frames the events list, and only it;
the list reads well at 300 px, light and dark, and passes axe."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from test_accessibility import BLOCKING, describe, run_axe


@pytest.fixture
def partner_site(live_site):
    """Another origin (another port) serving one page that frames three of ours."""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner library</title></head>
<body><h1>Library news</h1>
<iframe name="embed" title="Events" src="{live_site('/embed/events?limit=5')}" width="320" height="600"></iframe>
<iframe name="events" title="All events" src="{live_site('/events')}"></iframe>
<iframe name="manage" title="Manage" src="{live_site('/manage/')}"></iframe>
</body></html>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def _frame_text(frame) -> str:
    try:
        return frame.evaluate("() => document.body ? document.body.innerText : ''")
    except Exception:  # noqa: BLE001 - a refused frame holds Chromium's error page, or nothing
        return ""


def test_another_site_can_frame_the_list_and_nothing_else(new_page, live_site, partner_site):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(partner_site)
    page.wait_for_load_state("load")
    embed = page.frame(name="embed")
    assert embed is not None and embed.url.startswith(live_site.url)
    embed.wait_for_selector("ol.events li a")
    titles = embed.locator("ol.events li a").all_inner_texts()
    assert len(titles) == 5 and all(titles)
    assert embed.locator("ol.events li a").first.get_attribute("target") == "_blank"
    # The other two are refused by the browser: none of our content shows.
    for name in ("events", "manage"):
        refused = page.frame(name=name)
        text = _frame_text(refused) if refused is not None else ""
        assert "Community Events" not in text and "All events" not in text, (name, text[:200])
        assert "Sign in" not in text


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_list_reads_at_300_px_in_light_and_dark(new_page, live_site, axe_js, scheme):
    page = new_page(viewport={"width": 300, "height": 600}, color_scheme=scheme)
    page.goto(live_site("/embed/events?limit=10&lang=ar"))
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 300
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(18, 20, 23)" if scheme == "dark" else "rgb(255, 255, 255)")
    results = run_axe(page, axe_js)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
