"""A chair signs in, schedules a workshop, publishes it, and finds it on the public list."""
import uuid
from datetime import timedelta

from test_accessibility import BLOCKING, describe, run_axe


def _chair(live_site, password, role="chair"):
    """A signed-up account: a chair of Employment, or (role="admin") an administrator."""
    from sqlalchemy import select

    from events_app.accounts.services import create_user
    from events_app.councils.models import SubCouncil
    from events_app.extensions import db
    from events_app.timeutil import now_utc

    email = f"chair-{uuid.uuid4().hex[:8]}@example.org"
    with live_site.app.app_context():
        council = db.session.scalars(select(SubCouncil).where(SubCouncil.slug == "employment")).one()
        chair = role == "chair"
        create_user(db.session, email=email, name="Employment Chair" if chair else "Site Admin",
                    role=role, councils=[council] if chair else [], password=password,
                    now=now_utc())
        db.session.commit()
    return email


def sign_in(page, live_site, email, password):
    """Through the /login form, as a person does; on to the dashboard."""
    page.goto(live_site("/login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_site("/manage/"))


def assert_accessible(page, axe_js, what):
    results = run_axe(page, axe_js)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {what}:\n{describe(blocking)}"


def test_a_chair_creates_and_publishes_a_workshop(live_site, new_page, axe_js):
    from events_app.timeutil import local_today, now_utc

    password = "correct horse battery staple"
    email = _chair(live_site, password)
    with live_site.app.app_context():
        day = (local_today(now_utc()) + timedelta(days=10)).isoformat()
    title = f"Common Assessment Process {uuid.uuid4().hex[:4]}"

    page = new_page()
    sign_in(page, live_site, email, password)

    page.get_by_role("link", name="Schedule an event").click()
    assert_accessible(page, axe_js, "the new event form")
    # A first try without an end time: the message is beside the field.
    page.get_by_role("button", name="Save").click()
    assert page.locator("#end_time-error").inner_text() == "Please give the end time."
    assert_accessible(page, axe_js, "the form with its messages")
    page.get_by_label("Kind of event").select_option("workshop")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Start date").fill(day)
    page.get_by_label("Start time").fill("18:30")
    page.get_by_label("End time").fill("20:00")
    page.get_by_label("Online meeting address (optional)").fill("https://meet.example.org/cap")
    page.get_by_label("Capacity (optional)").fill("20")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/manage/events/*")
    assert "The event is saved." in page.content()
    slug = page.url.rsplit("/", 1)[1]
    for path in (f"/manage/events/{slug}/edit", f"/manage/events/{slug}/cancel",
                 "/manage/recommendations", "/manage/recommendations/EM-1/edit", "/manage/audit"):
        page.goto(live_site(path))
        assert_accessible(page, axe_js, path)
    assert "event.create" in page.content()

    page.goto(live_site("/events"))
    assert page.get_by_role("link", name=title).count() == 1
    page.get_by_role("link", name=title).click()
    assert page.get_by_role("heading", name=title).count() == 1


def test_an_admin_walks_the_catalogue_screens(live_site, new_page, axe_js):
    """Sub-councils, themes, venues and recommendations: lists and forms, and a
    form refused with its messages."""
    password = "correct horse battery staple"
    email = _chair(live_site, password, role="admin")
    page = new_page()
    sign_in(page, live_site, email, password)

    page.get_by_role("link", name="Venues").click()
    page.get_by_role("link", name="Add a venue").click()
    page.get_by_role("button", name="Save").click()
    assert page.locator("#name-error").inner_text() == "Please give the venue a name."
    assert_accessible(page, axe_js, "the venue form with its messages")
    for path in ("/manage/councils", "/manage/councils/new", "/manage/councils/employment/edit",
                 "/manage/themes", "/manage/themes/new", "/manage/venues", "/manage/venues/new",
                 "/manage/recommendations", "/manage/recommendations/new",
                 "/manage/recommendations/EM-1/edit"):
        page.goto(live_site(path))
        assert_accessible(page, axe_js, path)
    page.goto(live_site("/manage/themes"))
    page.get_by_role("link", name="Edit").first.click()
    assert_accessible(page, axe_js, "a theme's edit page")
    page.goto(live_site("/manage/venues"))
    page.get_by_role("link", name="Edit").first.click()
    assert_accessible(page, axe_js, "a venue's edit page")


def _luminance(rgb: str) -> float:
    """WCAG relative luminance of a computed "rgb(r, g, b)" colour."""
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_sign_out_can_be_seen_in_the_header(live_site, new_page):
    """Issue 16, item 2: "Sign out" was #0b4f8a on the #0b4f8a header (1:1)."""
    password = "correct horse battery staple"
    email = _chair(live_site, password)
    for width in (360, 1280):
        page = new_page(viewport={"width": width, "height": 800})
        sign_in(page, live_site, email, password)
        button = page.locator("header").get_by_role("button", name="Sign out")
        assert button.is_visible()
        text = button.evaluate("b => getComputedStyle(b).color")
        background = page.locator("header.site-header").evaluate("h => getComputedStyle(h).backgroundColor")
        lighter, darker = sorted((_luminance(text), _luminance(background)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (text, background)
