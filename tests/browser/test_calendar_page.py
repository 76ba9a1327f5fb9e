"""/calendar on a phone (issue 16, item 10): it was about 7,600 px of sixteen
near-identical blocks; now one line per calendar, opened without JavaScript."""


def test_the_calendar_page_is_compact_on_a_phone(live_site, new_page):
    page = new_page(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page.goto(live_site("/calendar"))
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    # A calendar opens on a tap, with its buttons.
    council = page.locator("li.feed").nth(1)
    assert not council.locator("a.button").is_visible()
    council.locator("summary").click()
    assert council.locator("a.button").is_visible()
    assert council.get_by_role("link", name="Add to Google Calendar").is_visible()
