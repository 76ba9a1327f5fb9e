"""Keyboard use: the skip link comes first and takes focus to the main content."""
import pytest

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, text: el.textContent.trim(),
          inMain: !!el.closest('main')};
}"""


@pytest.mark.parametrize("path", ["/", "/events/{meeting}", "/events?lang=fr"])
@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_skip_link_is_first_and_moves_focus_to_main(new_page, live_site, path, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(live_site(path.format(meeting=live_site.meeting_slug)))

    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "a" and "skip-link" in focused["cls"], focused
    expected = "Aller au contenu principal" if "lang=fr" in path else "Skip to main content"
    assert focused["text"] == expected

    # Visible when focused, inside the viewport.
    box = page.locator(".skip-link").bounding_box()
    viewport = page.viewport_size
    assert box and box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= viewport["width"] and box["y"] + box["height"] <= viewport["height"]

    page.keyboard.press("Enter")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "main" and focused["id"] == "main", focused

    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"], focused
