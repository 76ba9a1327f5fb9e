"""A phone without JavaScript: 360 px wide, scripts off, the content still reads.

`page.evaluate` and locators still work in a context made with
`java_script_enabled=False`: Playwright runs them through the DevTools
protocol, which the page's script switch does not block (only the page's own
scripts are off, as `test_javascript_is_really_off` shows). So the layout is
measured in the very context that has JavaScript disabled.
"""
import pytest

NARROW = {"width": 360, "height": 740}

MEETING = "March 7 Community Meeting"
WORKSHOPS = [
    "Common Assessment Process",
    "Journeys to Canada",
    "Breath – self-care in stressful times",
    "Building Bridges: Anti-racism 101",
]


@pytest.fixture
def phone(new_page):
    return new_page(java_script_enabled=False, viewport=NARROW)


def assert_readable(page, text: str) -> None:
    """A heading reading `text` is shown and lies wholly inside the viewport's width."""
    locator = page.get_by_role("heading", name=text, exact=True).first
    assert locator.is_visible(), f"{text!r} is not visible"
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0, text
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"] + 0.5, (
        f"{text!r} runs outside the 360 px viewport: {box}"
    )
    size = locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 14, f"{text!r} is set in {size}px type"


def assert_no_horizontal_scroll(page) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client_width == NARROW["width"]
    if scroll_width > client_width:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                .slice(0, 10)
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                           + ' right=' + Math.round(el.getBoundingClientRect().right))"""
        )
        pytest.fail(f"horizontal scroll: scrollWidth {scroll_width} > {client_width}; too wide: {wide}")


def test_javascript_is_really_off(phone):
    phone.set_content("<title>before</title><script>document.title = 'after'</script>")
    assert phone.title() == "before"


def test_home_page_reads_on_a_phone_without_javascript(phone, live_site, tmp_path):
    response = phone.goto(live_site("/"))
    assert response.status == 200

    assert_readable(phone, MEETING)
    assert_readable(phone, "Upcoming community events")
    assert_no_horizontal_scroll(phone)
    shot = tmp_path / "home-360.png"
    phone.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


def test_march_7_meeting_reads_on_a_phone_without_javascript(phone, live_site, tmp_path):
    response = phone.goto(live_site(f"/events/{live_site.meeting_slug}"))
    assert response.status == 200

    assert_readable(phone, MEETING)
    for title in WORKSHOPS:
        assert_readable(phone, title)
    assert_no_horizontal_scroll(phone)
    shot = tmp_path / "meeting-360.png"
    phone.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


@pytest.mark.parametrize("path", ["/?lang=fr", "/events?council=bogus&from=2027-13-45", "/councils", "/calendar"])
def test_other_pages_fit_a_phone(phone, live_site, path):
    phone.goto(live_site(path))
    assert_no_horizontal_scroll(phone)
