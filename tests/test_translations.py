"""Every language from the first line: every UI string is translated into
every shipped language, and no page or e-mail shows an English one."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from config import Config
from registrations.test_pages import token_of

ROOT = Path(__file__).resolve().parent.parent
# Every language the site ships a catalogue for (English is the source).
LANGUAGES = [code for code in Config.LANGUAGES if code != "en"]

# Shown in their own language on purpose (the language switcher), or names.
NOT_TRANSLATED = {"English", "Français", "LMLIP"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def source_messages() -> set[str]:
    method_map = [("events_app/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        keywords={"_": None, "_l": None, "lazy_gettext": None, "gettext": None,
                  "ngettext": (1, 2), "lazy_ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_configured_language_ships_a_catalogue():
    for language in LANGUAGES:
        assert (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").exists(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ui_string_is_in_the_catalogue(language):
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(language) if m.id}
    missing = sorted(source_messages() - known)
    assert not missing, f"not in {language}/messages.po (run `make messages` and translate): {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_with_its_placeholders(language):
    found = catalogue(language)
    # Arabic has six (0, 1, 2, 3–10, 11–99, 100+), Chinese one.
    assert found.num_plurals == {"ar": 6, "zh_Hans": 1}.get(language, 2)
    problems = []
    for message in found:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            problems.append(("untranslated or fuzzy", message.id))
            continue
        if isinstance(message.id, tuple) and len(strings) != found.num_plurals:
            problems.append((f"{len(strings)} plural forms, not {found.num_plurals}", message.id))
        wanted = set(PLACEHOLDER.findall(message.id[-1] if isinstance(message.id, tuple) else message.id))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - wanted:
                problems.append(("unknown placeholder", message.id, string))
    assert not problems, f"{language}/messages.po: {problems}"


def test_french_typography():
    """A no-break space before : ; ? ! and inside « », as French writes them."""
    wrong = []
    for message in catalogue("fr"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            text = re.sub(r"https?://\S+|\d{1,2}:\d{2}|%\(\w+\)[sd]", "", string or "")
            if re.search(r"[^\u00a0\u202f\s][:;?!](\s|$)", text) or re.search(r" [:;?!]", text) \
                    or re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text):
                wrong.append(string)
    assert not wrong, wrong


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


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def english_in(text: str, language: str) -> list[str]:
    """English interface strings (longer than a word or two) found in `text`."""
    english = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = (piece or "").strip(" :.,“”")
                # Short words ("Programme", "Places") may be the same in both languages.
                if len(piece) > 12 and " " in piece and not any(piece in s for s in strings) \
                        and piece in text:
                    english.append(piece)
    return english


PAGES = [
    "/",
    "/events",
    "/events?council=no-such-council&from=2027-13-45",
    "/events?language=ar",
    "/events/community-meeting-2027-03-07",
    "/events/journeys-to-canada-2027-03-07",
    "/councils",
    "/councils/health-and-wellbeing",
    "/recommendations/HW-2",
    "/calendar",
    "/subscribe",
    "/privacy",
    "/login",
    "/no-such-page",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_show_no_english_ui_string(client, demo, language):
    for path in PAGES:
        response = client.get(path, headers={"Accept-Language": language.replace("_", "-")})
        html = response.get_data(as_text=True)
        assert f'lang="{language.replace("_", "-")}"' in html, path
        leaks = english_in(_visible_text(html), language)
        assert not leaks, f"{path} shows English UI text in {language}: {leaks}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registration_flow_shows_no_english_ui_string(client, demo, language):
    headers = {"Accept-Language": language.replace("_", "-")}
    response = client.post("/events/community-meeting-2027-03-07/register", headers=headers,
                           data={"name": "Amina", "email": "not-an-address", "consent": ""})
    assert response.status_code == 400
    assert not english_in(_visible_text(response.get_data(as_text=True)), language)
    response = client.post("/events/community-meeting-2027-03-07/register", headers=headers,
                           data={"name": "Amina", "email": f"amina-{language}@example.org",
                                 "preferred_language": language, "consent": "y"})
    token = token_of(client.application, response, f"amina-{language}@example.org")
    for path in (response.headers["Location"], f"/r/{token}", f"/r/{token}/cancel"):
        page = client.get(path, headers=headers)
        assert page.status_code == 200
        leaks = english_in(_visible_text(page.get_data(as_text=True)), language)
        assert not leaks, f"{path} shows English UI text in {language}: {leaks}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_email_is_in_the_readers_language(app, demo, language):
    """Each message a resident, subscriber or chair can receive, written in
    `language`, holds no English interface string."""
    from sqlalchemy import delete, select

    from events_app.accounts import services as accounts
    from events_app.events.models import Event
    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage
    from events_app.registrations import notifications
    from events_app.registrations import services as registrations
    from events_app.subscriptions import services as subscriptions

    now = demo.now
    with app.app_context(), app.test_request_context():
        meeting = db.session.scalars(
            select(Event).where(Event.slug == "community-meeting-2027-03-07")).one()
        first, second = meeting.sessions[0], meeting.sessions[2]
        registration, _token, _ = registrations.register(
            db.session, meeting, name="Amina", email="amina@example.org", consent=True,
            now=now, preferred_language=language, session_ids=[first.id])
        full = db.session.scalars(select(Event).where(Event.slug == "parenting-in-canada")).one()
        registrations.set_capacity(db.session, full, 0, now)
        waiting, _token, _ = registrations.register(
            db.session, full, name="Omar", email="omar@example.org", consent=True, now=now,
            preferred_language=language)
        positions = {}
        notifications.already_registered(db.session, registration, positions, now)
        notifications.promoted(db.session, [registration], now)
        notifications.reminder(db.session, registration, now)
        notifications.time_changed(db.session, registration, now)
        notifications.event_rescheduled(db.session, registration, now)
        notifications.event_cancelled(db.session, registration,
                                      notifications.Texts({"en": "The hall flooded."}, "en"), now)
        notifications.staff_message(db.session, registration, "Parking", "Use the side door.", now)
        pick = registration.session_registrations[0]
        other, _token, _ = registrations.register(
            db.session, meeting, name="Lina", email="lina@example.org", consent=True, now=now,
            preferred_language=language, session_ids=[second.id])
        notifications.moved(db.session, pick, other.session_registrations[0], True, now)
        notifications.cancelled(db.session, registration, [meeting], now)
        subscriptions.subscribe(db.session, email="sub@example.org", language=language,
                                consent=True, now=now)
        subscription = subscriptions.find_by_email(db.session, "sub@example.org")
        subscriptions.confirm(db.session, subscription, now)
        subscriptions.subscribe(db.session, email="sub@example.org", language=language,
                                consent=True, now=now + timedelta(hours=1))
        db.session.commit()  # the digest run reads in a session of its own
        subscriptions.send_subscriber_digests(db.session, now)
        accounts.create_user(db.session, email="chair@example.org", name="Chair", role="chair",
                             password="a long enough password", now=now)
        accounts.request_password_reset(db.session, "chair@example.org", now, language)
        accounts.invite(db.session, "new@example.org", "New", "chair", [], None, now, language)
        db.session.commit()
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        kinds = {m.kind for m in messages}
        assert {"confirmation", "waitlisted", "already_registered", "promoted", "reminder",
                "time_changed", "event_rescheduled", "event_cancelled", "staff_message", "moved",
                "cancelled", "subscription_confirm", "subscription_exists", "digest",
                "password_reset", "invitation"} <= kinds
        direction = "rtl" if language == "ar" else "ltr"
        for message in messages:
            leaks = english_in(message.subject + " " + message.body_text, language)
            leaks += english_in(_visible_text(message.body_html or ""), language)
            assert not leaks, f"{message.kind} in {language} holds English: {leaks}"
            if message.body_html:
                assert f'lang="{language.replace("_", "-")}" dir="{direction}"' in message.body_html
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
