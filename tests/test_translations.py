"""Two languages from the first line: every UI string is translated into French."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

# Shown in their own language on purpose (the language switcher), or names.
NOT_TRANSLATED = {"English", "Français", "LMLIP"}


def french_catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr")


def source_messages() -> set[str]:
    method_map = [("events_app/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        keywords={"_": None, "_l": None, "lazy_gettext": None, "gettext": None,
                  "ngettext": (1, 2), "lazy_ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_is_in_the_french_catalogue():
    catalogue = french_catalogue()
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    missing = sorted(source_messages() - known)
    assert not missing, f"not in messages.po (run `make messages` and translate): {missing}"


def test_every_french_entry_is_translated():
    untranslated = []
    for message in french_catalogue():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"untranslated or fuzzy in messages.po: {untranslated}"


def _literal_text(template_source: str) -> list[str]:
    """Human-readable text written straight into a template, outside _()."""
    source = re.sub(r"{%-?\s*trans\b.*?endtrans\s*-?%}", " ", template_source, flags=re.S)
    # Jinja expressions and tags become a placeholder, so markup around them
    # (class="card{% if … %} is-cancelled{% endif %}") stays one HTML tag.
    source = re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", "\x00", source, flags=re.S)
    texts = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"\x00]*[A-Za-z][^"\x00]*)"', source)
    text = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-z#0-9]+;", " ", text)
    texts.extend(re.findall(r"[^\W\d_][\w’'-]*", text))
    return [t for t in texts if t not in NOT_TRANSLATED]


def test_templates_hold_no_untranslated_text():
    offenders = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        words = _literal_text(path.read_text(encoding="utf-8"))
        if words:
            offenders[str(path.relative_to(ROOT))] = words
    assert not offenders, f"text not wrapped in _() / {{% trans %}}: {offenders}"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed", "demo", "--now", "2026-11-24T09:00:00-05:00"])
    assert result.exit_code == 0, result.output


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events",
        "/events?council=no-such-council&from=2027-13-45",
        "/events/community-meeting-2027-03-07",
        "/events/journeys-to-canada-2027-03-07",
        "/councils",
        "/councils/health-and-wellbeing",
        "/recommendations/HW-2",
        "/calendar",
        "/no-such-page",
    ],
)
def test_french_pages_show_no_english_ui_string(client, demo, path):
    response = client.get(path, headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    page = _visible_text(response.get_data(as_text=True))
    english = []
    for message in french_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            text = re.sub(r"%\([a-z]+\)[sd]", "", msgid).strip(" :")
            # Short words ("Programme", "Places") are the same in both languages.
            if len(text) > 12 and text not in strings and text in page:
                english.append(text)
    assert not english, f"{path} shows English UI text in French: {english}"
    assert 'lang="fr"' in response.get_data(as_text=True)
