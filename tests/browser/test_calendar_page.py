"""/calendar in a real browser: the addresses are selectable fields without
JavaScript; with it, copy buttons appear and say what they did."""
import pytest


def test_without_javascript_the_addresses_are_fields_to_copy(new_page, live_site):
    page = new_page(java_script_enabled=False)
    page.goto(live_site("/calendar"))
    field = page.get_by_label("Calendar address – All events")
    assert field.is_visible()
    assert field.get_attribute("readonly") is not None
    assert field.input_value().endswith("/calendar.ics?lang=en")
    assert page.locator("button.copy-button").first.is_hidden()  # no button that does nothing
    field.select_text()
    assert page.evaluate("() => window.getSelection().toString() || document.activeElement.value")


@pytest.mark.parametrize("language, announced", [
    ("en", "Address copied: All events"),
    ("fr", "Adresse copiée\u00a0: Tous les événements"),
])
def test_with_javascript_the_copy_button_copies(new_page, live_site, language, announced):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(live_site(f"/calendar?lang={language}"))
    button = page.locator("#feed-all button.copy-button")
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => document.getElementById('copy-status').textContent !== ''")
    assert page.locator("#copy-status").text_content() == announced
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith(f"/calendar.ics?lang={language}")
    # Focusing a field selects the whole address.
    page.locator("#feed-all-url").focus()
    assert page.evaluate(
        "() => { const f = document.activeElement; return f.selectionStart === 0 && f.selectionEnd === f.value.length; }"
    )
