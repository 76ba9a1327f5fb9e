"""Check-in at the door on a phone: 360 px wide, JavaScript off, a chair signs
in, finds a person and marks them attended; axe finds nothing serious on the
check-in and registrants pages."""
from datetime import timedelta

import pytest

from ownrows import own_meeting
from test_accessibility import BLOCKING, describe, run_axe

NARROW = {"width": 360, "height": 740}
CHAIR_EMAIL = "door-chair@example.org"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def chair(live_site):
    """A chair of the Sub-council whose community meeting the demo holds."""
    from events_app.accounts import services as accounts
    from events_app.accounts.models import User
    from events_app.events.services import get_public_event
    from events_app.extensions import db
    from events_app.manage.permissions import owning_council_id
    from events_app.councils.models import SubCouncil
    from events_app.timeutil import now_utc

    with live_site.app.app_context():
        if db.session.scalars(db.select(User).where(User.email == CHAIR_EMAIL)).first() is None:
            meeting = get_public_event(db.session, live_site.meeting_slug)
            council_id = owning_council_id(meeting)
            # A partnership-wide meeting is the admins' to manage.
            council = db.session.get(SubCouncil, council_id) if council_id is not None else None
            accounts.create_user(db.session, email=CHAIR_EMAIL, name="Door Chair",
                                 role="chair" if council else "admin",
                                 councils=[council] if council else [], password=PASSWORD,
                                 now=now_utc())
            db.session.commit()
        db.session.remove()
    return CHAIR_EMAIL


def sign_in(page, live_site):
    page.goto(live_site("/login"))
    page.get_by_label("E-mail address").fill(CHAIR_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def _registered(live_site, slug, name, now=None):
    """`name`, registered for the meeting `slug` with its first session (at `now`)."""
    from events_app.events.services import get_public_event
    from events_app.extensions import db
    from events_app.registrations.services import register
    from events_app.timeutil import now_utc

    with live_site.app.app_context():
        meeting = get_public_event(db.session, slug)
        register(db.session, meeting, name=name, email=f"{slug}@example.org", consent=True,
                 now=now or now_utc(), session_ids=[meeting.sessions[0].id])
        db.session.commit()
        db.session.remove()


def test_check_in_on_a_phone_without_javascript(new_page, live_site, chair):
    # A meeting of this test's own, begun half an hour ago (check-in is open
    # at the door only), with one person registered: nobody has come yet.
    from events_app.timeutil import now_utc

    start = now_utc() - timedelta(minutes=30)
    slug, _ = own_meeting(live_site, "check-in", start=start)
    _registered(live_site, slug, "Door Tester", now=start - timedelta(days=1))
    page = new_page(java_script_enabled=False, viewport=NARROW)
    sign_in(page, live_site)
    page.goto(live_site(f"/manage/events/{slug}/check-in"))
    assert page.locator(".checkin-counts").inner_text().startswith("0 attended")

    page.get_by_label("Find a person by name or e-mail").fill("Door")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert "q=Door" in page.url
    person = page.locator(".checkin-person", has_text="Door Tester")
    assert person.count() == 1
    button = person.get_by_role("button")
    assert "Mark attended" in button.inner_text()
    box = button.bounding_box()
    assert box["x"] + box["width"] <= NARROW["width"] and box["height"] >= 44  # a thumb's target

    button.click()
    page.wait_for_load_state()
    # Back on the same search, at the same person.
    assert "q=Door" in page.url and page.url.endswith(f"#{person.get_attribute('id')}")
    person = page.locator(".checkin-person", has_text="Door Tester")
    assert "Attended" in person.inner_text()
    assert "Undo" in person.get_by_role("button").inner_text()
    assert page.locator(".checkin-counts").inner_text().startswith("1 attended")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    # Undone: nobody has come after all.
    person.get_by_role("button").click()
    page.wait_for_load_state()
    assert "Mark attended" in page.locator(".checkin-person", has_text="Door Tester").inner_text()
    assert page.locator(".checkin-counts").inner_text().startswith("0 attended")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("path", ["/manage/events/{meeting}/check-in?q=Axe",
                                  "/manage/events/{meeting}/registrants"])
def test_axe_finds_nothing_serious_on_the_chairs_pages(new_page, live_site, chair, axe_js,
                                                       path, language):
    page = new_page()
    sign_in(page, live_site)
    url = live_site(path.format(meeting=live_site.meeting_slug))
    page.goto(url + ("&" if "?" in url else "?") + f"lang={language}")
    results = run_axe(page, axe_js)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
