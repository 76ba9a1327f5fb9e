"""Every staff page, signed in, on a 360 px phone and a 1280 px desktop
(issue 16, item 3): axe finds nothing serious, the page never scrolls
sideways, no word in a table (caption, header or cell) breaks inside, and on the phone the
registrants and the dashboard's events are cards, each value named."""
import pytest

from ownrows import own_meeting
from test_accessibility import BLOCKING, describe, run_axe
from test_chair_workflow import _chair, sign_in

PASSWORD = "correct horse battery staple"

# Words split across lines: a word whose text boxes sit on two lines. A
# break after a hyphen ("Sub-|council") is a line break, not a broken word;
# addresses and numbers written left to right (<bdi dir="ltr">) may wrap.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main th, main td, main caption')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('bdi[dir="ltr"]')) continue;
      const re = /[^\\s\\-\u2010]+/g; let m;
      while ((m = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def staff(live_site):
    """An admin, and a meeting of the test's own with someone registered."""
    from events_app.events.services import get_public_event
    from events_app.extensions import db
    from events_app.registrations.services import register
    from events_app.timeutil import now_utc

    email = _chair(live_site, PASSWORD, role="admin")
    slug, _ = own_meeting(live_site, "layout")
    with live_site.app.app_context():
        meeting = get_public_event(db.session, slug)
        register(db.session, meeting, name="Layout Tester", email="layout@example.org", consent=True,
                 now=now_utc(), session_ids=[meeting.sessions[0].id],
                 interpretation_language="Arabic")
        db.session.commit()
        db.session.remove()
    return email, slug


PAGES = [
    "/manage/", "/manage/events/{slug}", "/manage/events/{slug}/edit",
    "/manage/events/{slug}/sessions/new", "/manage/events/{slug}/registrants",
    "/manage/events/{slug}/registrants/new", "/manage/events/{slug}/check-in",
    "/manage/events/{slug}/message", "/manage/events/{slug}/cancel", "/manage/events/new",
    "/manage/audit", "/manage/users", "/manage/users/invite", "/manage/councils", "/manage/themes",
    "/manage/venues", "/manage/recommendations", "/manage/reports",
]


@pytest.mark.parametrize("width", [360, 1280])
def test_every_staff_page_fits_and_passes_axe(live_site, new_page, axe_js, staff, width):
    email, slug = staff
    page = new_page(viewport={"width": width, "height": 900})
    sign_in(page, live_site, email, PASSWORD)
    problems = []
    for path in PAGES:
        path = path.format(slug=slug)
        response = page.goto(live_site(path))
        assert response.status == 200, path
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            problems.append(f"{path}: scrolls sideways ({scroll} > {client})")
        broken = page.evaluate(BROKEN_WORDS)
        if broken:
            problems.append(f"{path}: words broken in tables: {broken}")
        blocking = [v for v in run_axe(page, axe_js)["violations"] if v["impact"] in BLOCKING]
        if blocking:
            problems.append(f"{path}:\n{describe(blocking)}")
    assert not problems, "\n".join(problems)


def test_on_a_phone_rows_become_cards(live_site, new_page, staff):
    email, slug = staff
    page = new_page(viewport={"width": 360, "height": 800})
    sign_in(page, live_site, email, PASSWORD)
    page.goto(live_site(f"/manage/events/{slug}/registrants"))
    row = page.locator("table.registrants-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    status = row.locator("td[data-label]").first
    label = status.evaluate("c => getComputedStyle(c, '::before').content")
    assert label.strip('"') == "Status"
    # The same table on a desktop stays a table.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
