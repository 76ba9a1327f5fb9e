"""Issue 11's "done when", in a real browser: a resident whose browser speaks
Arabic (then Spanish, then Chinese), on a 360 px phone with JavaScript off,
reads the home page and the March 7 meeting in their language, registers for
two workshops, gets the confirmation and its invitation in their language,
and cancels, meeting no English interface string on the way."""
import re
from functools import lru_cache
from pathlib import Path

import pytest
import vobject
from babel.messages.pofile import read_po

from ownrows import own_meeting

ROOT = Path(__file__).resolve().parents[2]
NARROW = {"width": 360, "height": 740}

# (site language, browser's Accept-Language, Playwright locale, html lang, dir)
READERS = [
    ("ar", "ar-EG,ar;q=0.9", "ar-EG", "ar", "rtl"),
    ("es", "es-MX,es;q=0.9", "es-MX", "es", "ltr"),
    ("zh_Hans", "zh-CN,zh;q=0.9", "zh-CN", "zh-Hans", "ltr"),
]


@lru_cache(maxsize=None)
def english_fragments(language: str) -> tuple[str, ...]:
    """Pieces of English interface text long enough to be unmistakable, from
    every message whose translation differs from it (placeholders cut out)."""
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    found = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if text in strings:
                continue
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]", text):
                piece = piece.strip(" .,:;“”")
                if len(piece) >= 14 and " " in piece:
                    found.add(piece)
    return tuple(sorted(found))


def assert_no_english(text: str, language: str, where: str) -> None:
    leaks = [piece for piece in english_fragments(language) if piece in text]
    assert not leaks, f"English interface text on {where} ({language}): {leaks}"


def events(live_site, *slugs):
    from sqlalchemy import select

    from events_app.events.models import Event
    from events_app.extensions import db

    with live_site.app.app_context():
        rows = {e.slug: e for e in db.session.scalars(select(Event).where(Event.slug.in_(slugs)))}
        for row in rows.values():  # read what the assertions need while attached
            row.venue and row.venue.translations
        db.session.expunge_all()
        return [rows[slug] for slug in slugs]


def events_by_id(live_site, *ids):
    from events_app.events.models import Event
    from events_app.extensions import db

    with live_site.app.app_context():
        rows = [db.session.get(Event, event_id) for event_id in ids]
        db.session.expunge_all()
        return rows


def outbox(live_site, address):
    from sqlalchemy import select

    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage

    with live_site.app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                  .order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def assert_fits(page, where: str) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= client_width, f"{where} scrolls sideways: {scroll_width} > {client_width}"


@pytest.mark.parametrize(("language", "accept", "locale", "html_lang", "direction"), READERS,
                         ids=[reader[0] for reader in READERS])
def test_a_resident_registers_and_cancels_in_their_own_language(
        new_page, live_site, language, accept, locale, html_lang, direction):
    # The demo meeting, as the home page shows it, and a copy of it for this
    # test to register for (what it changes, no other test sees).
    [meeting] = events(live_site, live_site.meeting_slug)
    own_slug, ids = own_meeting(live_site, f"lang-{language}")
    journeys, breath = events_by_id(live_site, ids["journeys-to-canada"], ids["breath-self-care"])
    page = new_page(java_script_enabled=False, viewport=NARROW, locale=locale,
                    extra_http_headers={"Accept-Language": accept})

    # The home page, in the browser's language, laid out in its direction.
    page.goto(live_site("/"))
    root = page.locator("html")
    assert (root.get_attribute("lang"), root.get_attribute("dir")) == (html_lang, direction)
    title = meeting.localized("title", language)
    assert title.lang == language, "the demo meeting has no title in this language"
    assert title in page.locator("main").inner_text()
    assert_no_english(page.locator("body").inner_text(), language, "the home page")
    assert_fits(page, "the home page")

    # The meeting: title, description, practical notes and workshops in the language.
    page.goto(live_site(f"/events/{own_slug}"))
    main = page.locator("main").inner_text()
    for field in ("title", "summary", "accessibility_notes", "interpretation_notes",
                  "childcare_notes"):
        text = meeting.localized(field, language)
        assert text.lang == language and text in main, field
    description = meeting.localized("description", language)
    assert description.lang == language
    assert re.sub(r"[*#_]", "", description.splitlines()[0])[:20] in main
    for workshop in (journeys, breath):
        assert workshop.localized("title", language) in main
    assert_no_english(page.locator("body").inner_text(), language, "the meeting's page")
    assert_fits(page, "the meeting's page")
    page.screenshot(path=str(ROOT / ".pytest_cache" / f"meeting-{language}-360.png"), full_page=True)

    # Registering for two workshops that do not overlap.
    email = f"resident-{language.lower()}@example.org"
    form = page.locator("form.register-form")
    form.locator("#name").fill("أمينة Yusuf" if language == "ar" else "Amina Yusuf")
    form.locator("#email").fill(email)
    form.locator(f"#session-{journeys.id}").check()
    form.locator(f"#session-{breath.id}").check()
    form.locator("#consent").check()
    assert form.locator("#preferred_language").input_value() == language
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    # "Check your e-mail", then the link from the mail.
    assert page.url.split("#")[0].endswith(f"/events/{own_slug}/registered"), page.url
    body = page.locator("body").inner_text()
    assert email in body
    assert_no_english(body, language, "the check-your-e-mail page")
    assert_fits(page, "the check-your-e-mail page")
    [message] = outbox(live_site, email)
    page.goto(live_site(re.search(r"https?://[^/\s]+(/r/[^/\s\"<>]+)", message.body_text).group(1)))
    body = page.locator("body").inner_text()
    assert journeys.localized("title", language) in body
    assert breath.localized("title", language) in body
    assert_no_english(body, language, "the registration page")
    assert_fits(page, "the registration page")

    # The confirmation and its invitation, in the language.
    [message] = outbox(live_site, email)
    assert message.kind == "confirmation"
    assert title in message.subject
    assert f'<html lang="{html_lang}" dir="{direction}">' in message.body_html
    assert_no_english(message.body_text, language, "the confirmation e-mail")
    assert_no_english(re.sub(r"<[^>]+>", " ", message.body_html), language, "the confirmation e-mail")
    invitation = vobject.readOne([a for a in message.attachments if a["inline"]][0]["data"])
    assert invitation.method.value == "REQUEST"
    assert invitation.vevent.summary.value == title

    # Cancelling: a confirmation page, then done.
    page.locator("a[href$='/cancel']").first.click()
    assert_no_english(page.locator("body").inner_text(), language, "the cancel page")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_no_english(page.locator("body").inner_text(), language, "the cancelled registration")
    kinds = [m.kind for m in outbox(live_site, email)]
    assert kinds == ["confirmation", "cancelled"]
    cancelled = outbox(live_site, email)[-1]
    assert_no_english(cancelled.body_text, language, "the cancellation e-mail")


PUBLIC_PAGES = ["/", "/events", "/events/{meeting}", "/events/{workshop}", "/councils",
                "/councils/health-and-wellbeing", "/recommendations/HW-2", "/calendar",
                "/subscribe", "/privacy", "/r/{token}", "/events/{meeting}/registered"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_arabic_page_scrolls_sideways_on_a_phone(new_page, live_site, path):
    page = new_page(java_script_enabled=False, viewport=NARROW)
    path = path.format(meeting=live_site.meeting_slug, workshop=live_site.workshop_slug,
                       token=live_site.registration_token)
    page.goto(live_site(path + ("&" if "?" in path else "?") + "lang=ar"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_fits(page, path)
