"""The reader's language: `?lang=`, then the remembered choice, then the browser's."""
import pytest

from htmltools import page


def html_lang(response) -> str:
    return page(response).one("html")["lang"]


def test_english_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert client.get_cookie("lang") is None


def test_lang_parameter_sets_a_cookie_that_later_pages_follow(client):
    response = client.get("/?lang=fr")
    assert html_lang(response) == "fr"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "fr"
    assert cookie.http_only

    # The next page, without ?lang, stays French.
    assert html_lang(client.get("/events")) == "fr"
    assert html_lang(client.get("/councils")) == "fr"

    # Switching back is remembered the same way.
    assert html_lang(client.get("/councils?lang=en")) == "en"
    assert client.get_cookie("lang").value == "en"
    assert html_lang(client.get("/events")) == "en"


def test_choosing_the_current_language_again_does_not_reset_the_cookie(client):
    client.get("/?lang=fr")
    response = client.get("/events?lang=fr")
    assert "Set-Cookie" not in response.headers
    assert html_lang(response) == "fr"


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("fr", "fr"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("en-CA,en;q=0.9,fr;q=0.8", "en"),
        ("ar,fr;q=0.5", "ar"),
        ("ar-EG,ar;q=0.9", "ar"),
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh", "zh-Hans"),
        # Traditional characters are not Simplified Chinese: the next choice wins.
        ("zh-TW,zh-Hant;q=0.9,fr;q=0.5", "fr"),
        ("de-DE,de;q=0.9", "en"),
        ("", "en"),
    ],
)
def test_accept_language_picks_the_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert html_lang(response) == expected
    assert client.get_cookie("lang") is None  # only an explicit choice is remembered


def test_the_remembered_choice_beats_the_browser(client):
    client.get("/?lang=en")
    assert html_lang(client.get("/", headers={"Accept-Language": "fr"})) == "en"


def test_lang_parameter_beats_the_cookie_and_the_browser(client):
    client.get("/?lang=en")
    response = client.get("/events?lang=fr", headers={"Accept-Language": "en"})
    assert html_lang(response) == "fr"


@pytest.mark.parametrize("lang", ["xx", "de", "FR", "fr-CA", "", "en;fr"])
def test_unknown_lang_falls_back_to_english(client, lang):
    response = client.get(f"/?lang={lang}")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert client.get_cookie("lang") is None


def test_unknown_lang_falls_back_to_the_browsers_language(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "fr"})
    assert html_lang(response) == "fr"


def test_a_tampered_cookie_is_ignored(client):
    client.set_cookie("lang", "<script>")
    response = client.get("/")
    assert html_lang(response) == "en"
    assert "<script>" not in response.get_data(as_text=True)


def test_language_menu_lists_every_language_by_its_own_name(client, make_event):
    event = make_event()
    switch = page(client.get(f"/events/{event.slug}")).one("nav", class_="lang-switch")
    links = {a["lang"]: (a.text, a["href"], a.attrs.get("dir"), a.attrs.get("aria-current"))
             for a in switch.find_all("a")}
    assert links == {
        "en": ("English", f"/events/{event.slug}?lang=en", "ltr", "true"),
        "fr": ("Français", f"/events/{event.slug}?lang=fr", "ltr", None),
        "ar": ("العربية", f"/events/{event.slug}?lang=ar", "rtl", None),
        "es": ("Español", f"/events/{event.slug}?lang=es", "ltr", None),
        "zh-Hans": ("简体中文", f"/events/{event.slug}?lang=zh_Hans", "ltr", None),
    }
    switch = page(client.get(f"/events/{event.slug}?lang=ar")).one("nav", class_="lang-switch")
    assert [a["lang"] for a in switch.find_all("a") if a.attrs.get("aria-current")] == ["ar"]


def test_arabic_pages_read_right_to_left(client, make_event):
    event = make_event()
    root = page(client.get(f"/events/{event.slug}?lang=ar")).one("html")
    assert (root["lang"], root["dir"]) == ("ar", "rtl")
    root = page(client.get(f"/events/{event.slug}?lang=zh_Hans")).one("html")
    assert (root["lang"], root["dir"]) == ("zh-Hans", "ltr")


def test_public_pages_name_their_other_languages(client, make_event):
    event = make_event()
    head = page(client.get(f"/events/{event.slug}")).one("head")
    alternates = {link["hreflang"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert alternates == {code: f"/events/{event.slug}?lang={lang}" for code, lang in [
        ("en", "en"), ("fr", "fr"), ("ar", "ar"), ("es", "es"), ("zh-Hans", "zh_Hans")]}


def test_french_content_is_shown_to_french_readers(client, make_event):
    event = make_event(title="Welcome Potluck", title_fr="Repas-partage de bienvenue")
    assert page(client.get(f"/events/{event.slug}?lang=en")).one("h1").text == "Welcome Potluck"
    assert page(client.get(f"/events/{event.slug}?lang=fr")).one("h1").text == "Repas-partage de bienvenue"


def test_english_content_is_shown_when_no_french_is_written(client, make_event):
    event = make_event(title="Coffee Morning", title_fr=None)
    assert page(client.get(f"/events/{event.slug}?lang=fr")).one("h1").text == "Coffee Morning"


def test_the_error_page_speaks_the_readers_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert html_lang(response) == "fr"


def test_pages_tell_caches_they_vary_by_language(client):
    response = client.get("/events")
    assert {"accept-language", "cookie"} <= {v.lower() for v in response.vary}


def test_current_language_follows_the_request_and_force_locale(app):
    """Read straight from Flask-Babel's choice, it still follows `force_locale`
    (a mail in the registrant's language, sent from a page in another)."""
    from flask_babel import force_locale

    from events_app.i18n import current_language, get_locale

    from flask_babel import gettext

    template = app.jinja_env.from_string('{{ _("Events") }}|{{ ngettext("%(num)d session:", "%(num)d sessions:", 2) }}')
    seen = {}
    with app.test_request_context("/?lang=fr"):
        app.preprocess_request()
        assert current_language() == "fr"
        seen["fr"] = template.render()
        with force_locale("ar"):
            assert current_language() == "ar" and str(get_locale()) == "ar"
            seen["ar"] = template.render()
            assert seen["ar"].split("|")[0] == gettext("Events")
            with force_locale("zh_Hans"):
                assert current_language() == "zh_Hans"
                seen["zh_Hans"] = template.render()
            assert current_language() == "ar"
        assert current_language() == "fr" and template.render() == seen["fr"]
    assert seen["fr"].startswith("Événements|2 ")
    assert len(set(seen.values())) == 3  # the templates' texts follow force_locale too
    with app.test_request_context("/", headers={"Accept-Language": "es;q=0.9, en;q=0.5"}):
        assert current_language() == "es"  # chosen on first use
    assert get_locale() is None  # no application context
