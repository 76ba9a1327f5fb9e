"""axe-core (WCAG 2.1 A and AA rules) finds nothing serious or critical on any public page."""
import json
from urllib.parse import urlsplit

import pytest

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# (name, path, expected status); "{meeting}" and "{workshop}" are the demo's March 7 slugs.
PAGES = [
    ("home", "/", 200),
    ("events", "/events", 200),
    ("events-error", "/events?council=bogus&from=2027-13-45", 400),
    ("meeting", "/events/{meeting}", 200),
    ("workshop", "/events/{workshop}", 200),
    ("councils", "/councils", 200),
    ("council", "/councils/health-and-wellbeing", 200),
    ("recommendation", "/recommendations/HW-2", 200),
    ("achievements", "/achievements", 200),
    ("calendars", "/calendar", 200),
    ("privacy", "/privacy", 200),
    ("login", "/login", 200),
    ("forgot-password", "/password/forgot", 200),
    ("registration", "/r/{token}", 200),
    ("cancel", "/r/{token}/cancel", 200),
    ("registered-check-mail", "/events/{meeting}/registered", 200),
    ("unknown-registration", "/r/no-such-link", 404),
    ("subscribe", "/subscribe", 200),
    ("subscribe-check-mail", "/subscribe/check-your-mail", 200),
    ("unknown-subscription", "/subscriptions/no-such-link", 404),
    ("not-found", "/events/no-such-event", 404),
    ("share", "/share?council=health-and-wellbeing&kind=workshop", 200),
    ("embed", "/embed/events?limit=5", 200),
    ("api-documentation", "/api", 200),
]


def with_language(path: str, language: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def run_axe(page, axe_js) -> dict:
    """Run axe-core on the page as it is, its Content-Security-Policy still enforced.

    The site allows scripts from its own origin only (`script-src 'self'`), so
    axe is loaded as if the site served it: a same-origin address that
    Playwright answers from node_modules. Loading it inline would be refused,
    and turning the policy off would test a page no visitor sees.
    """
    where = urlsplit(page.url)
    if where.scheme in ("http", "https"):
        url = f"{where.scheme}://{where.netloc}/__axe-core__.js"
        page.route(url, lambda route: route.fulfill(path=str(axe_js), content_type="text/javascript"))
        page.add_script_tag(url=url)
    else:
        page.add_script_tag(path=str(axe_js))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )


def test_axe_reports_what_it_should(new_page, axe_js):
    """The check itself works: a page with known faults does not pass."""
    page = new_page()
    page.set_content(
        '<!doctype html><html><head><title>faulty</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#aaa;background:#fff">faint text</p>'
        '<input type="text"></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in run_axe(page, axe_js)["violations"]}
    assert {"html-has-lang", "image-alt", "color-contrast", "label"} <= found.keys(), found


@pytest.mark.parametrize("language", ["en", "fr", "ar", "es", "zh_Hans"])
@pytest.mark.parametrize(
    ("path", "status"), [(path, status) for _, path, status in PAGES], ids=[name for name, _, _ in PAGES]
)
def test_no_serious_accessibility_violations(new_page, live_site, axe_js, path, status, language):
    page = new_page(viewport={"width": 1280, "height": 900})
    path = path.format(meeting=live_site.meeting_slug, workshop=live_site.workshop_slug,
                       token=live_site.registration_token)
    response = page.goto(live_site(with_language(path, language)))
    assert response.status == status
    assert page.evaluate("() => document.documentElement.lang") == language.replace("_", "-")

    results = run_axe(page, axe_js)
    assert results["passes"], "axe checked nothing"
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    if results["violations"]:
        print(f"axe on {path} ({language}):\n{describe(results['violations'])}")
    assert not blocking, f"axe on {path} ({language}):\n{describe(blocking)}"
