"""Subscribing, confirming, changing and unsubscribing through the pages."""
from datetime import timedelta

import pytest

from htmltools import normalise, parse

from .helpers import (
    form,
    kinds,
    outbox,
    run_digests,
    subscribe,
    subscribe_and_confirm,
    subscriptions,
    text,
    token_in,
)


def test_the_subscribe_page_has_an_accessible_form(client, make_council, make_theme):
    make_council(name="Health and Wellbeing")
    make_theme(name="Host Community")
    response = client.get("/subscribe")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    form_node = page.one("form", action="/subscribe")
    names = {n["name"] for n in form_node.find_all("input")} | {
        n["name"] for n in form_node.find_all("select")}
    assert {"csrf_token", "email", "language", "councils", "themes", "consent", "website"} <= names
    # Each checkbox group is a fieldset with a legend; every box has its label.
    legends = [normalise(f.find("legend").text) for f in page.find_all("fieldset")]
    assert legends == ["Which Sub-councils?", "Which themes?"]
    for box in form_node.find_all("input", type="checkbox"):
        assert page.find("label", **{"for": box["id"]}) is not None
    assert "Health and Wellbeing" in page.text and "Host Community" in page.text


def test_subscribing_sends_only_a_confirmation_request(app, client, clock, make_event):
    make_event(title="Breath")
    response = subscribe(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/subscribe/check-your-mail"
    assert "Check your e-mail" in text(client.get(response.headers["Location"]))
    assert kinds(app) == [("subscription_confirm", "amina@example.org")]
    [message] = outbox(app)
    token = token_in(message)
    assert f"http://events.test/subscriptions/{token}/confirm" in message.body_text
    assert subscriptions(app) == [("amina@example.org", "en", False, [], [])]
    # Not confirmed: the digest run sends nothing.
    run_digests(app.test_cli_runner(), clock.now)
    assert kinds(app) == [("subscription_confirm", "amina@example.org")]


def test_confirming_takes_a_button_press(app, client):
    subscribe(client)
    token = token_in(outbox(app)[0])
    page = client.get(f"/subscriptions/{token}/confirm")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert parse(page.get_data(as_text=True)).find_all(
        "form", action=f"/subscriptions/{token}/confirm", method="post")
    # Opening the link (a mail scanner does) confirms nothing.
    assert subscriptions(app)[0][2] is False
    done = client.post(f"/subscriptions/{token}/confirm")
    assert done.status_code == 303 and done.headers["Location"] == f"/subscriptions/{token}"
    assert "your subscription is confirmed" in text(client.get(f"/subscriptions/{token}"))
    assert subscriptions(app)[0][2] is True
    # Confirming again is harmless.
    assert client.post(f"/subscriptions/{token}/confirm").status_code == 303
    assert client.get(f"/subscriptions/{token}/confirm").status_code == 303


def test_subscribing_again_never_duplicates_and_never_tells(app, client, clock, make_council):
    education = make_council(slug="education")
    health = make_council(slug="health")
    first = subscribe(client, councils=[str(education.id)])
    # Waiting for confirmation: the new choices replace the old, and the
    # request is not sent again within minutes.
    again = subscribe(client, email=" AMINA@example.org", councils=[str(health.id)], language="fr")
    assert again.status_code == first.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert subscriptions(app) == [("amina@example.org", "fr", False, ["health"], [])]
    assert len(outbox(app)) == 1
    clock.set(clock.now + timedelta(minutes=11))
    subscribe(client)
    assert [k for k, _ in kinds(app)] == ["subscription_confirm"] * 2
    # Both requests carry the same link.
    first_mail, second_mail = outbox(app)
    assert token_in(first_mail) == token_in(second_mail)

    # Confirmed: whoever types the address changes nothing; its owner gets the link.
    token = token_in(first_mail)
    client.post(f"/subscriptions/{token}/confirm")
    clock.set(clock.now + timedelta(minutes=11))
    later = subscribe(client, councils=[str(education.id)], language="en")
    assert later.status_code == 303 and later.headers["Location"] == first.headers["Location"]
    assert subscriptions(app) == [("amina@example.org", "en", True, [], [])]
    exists = outbox(app, "subscription_exists")
    assert len(exists) == 1 and token in exists[0].body_text


def test_the_subscription_page_changes_choices_and_language(app, client, make_council, make_theme):
    education = make_council(slug="education", name="Education")
    host = make_theme(slug="host-community", name="Host Community")
    token = subscribe_and_confirm(client, app)
    page = client.get(f"/subscriptions/{token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert "amina@example.org" in text(page)

    saved = client.post(f"/subscriptions/{token}", data={
        "language": "fr", "councils": [str(education.id)], "themes": [str(host.id)]})
    assert saved.status_code == 303
    assert "Your choices are saved." in text(client.get(f"/subscriptions/{token}"))
    assert subscriptions(app) == [("amina@example.org", "fr", True, ["education"],
                                   ["host-community"])]
    # The boxes show what is saved.
    ticked = [n["value"] for n in parse(client.get(f"/subscriptions/{token}").get_data(
        as_text=True)).find_all("input", type="checkbox") if "checked" in n.attrs]
    assert sorted(ticked) == sorted([str(education.id), str(host.id)])
    # Unticking everything means "everything".
    client.post(f"/subscriptions/{token}", data={"language": "en"})
    assert subscriptions(app) == [("amina@example.org", "en", True, [], [])]


def test_get_unsubscribe_asks_and_changes_nothing(app, client):
    token = subscribe_and_confirm(client, app)
    page = client.get(f"/subscriptions/{token}/unsubscribe")
    assert page.status_code == 200
    assert parse(page.get_data(as_text=True)).find_all(
        "form", action=f"/subscriptions/{token}/unsubscribe", method="post")
    client.get(f"/subscriptions/{token}/unsubscribe")
    assert len(subscriptions(app)) == 1


def test_one_click_unsubscribe_needs_no_login_and_no_csrf_token(app, client, clock, make_event):
    make_event(title="Breath")
    token = subscribe_and_confirm(client, app)
    app.config["WTF_CSRF_ENABLED"] = True
    # CSRF protection is on: a form without its token is refused…
    refused = client.post(f"/subscriptions/{token}", data={"language": "fr"})
    assert refused.status_code == 400
    # …but the one-click POST a mail client sends (RFC 8058) works.
    response = client.post(f"/subscriptions/{token}/unsubscribe",
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in text(response)
    assert subscriptions(app) == []
    # Again: still a success, nothing to do.
    again = client.post(f"/subscriptions/{token}/unsubscribe",
                        data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "You are unsubscribed" in text(again)
    assert "You are unsubscribed" in text(client.get(f"/subscriptions/{token}/unsubscribe"))
    # And no digest follows.
    run_digests(app.test_cli_runner(), clock.now)
    assert outbox(app, "digest") == []


@pytest.mark.parametrize("values, field, message", [
    ({"email": ""}, "email", "Please enter your e-mail address."),
    ({"email": "amina"}, "email", "Please enter an e-mail address like name@example.com."),
    ({"email": "amina@exa\x00mple.org\x00"}, None, None),
    ({"email": "a" * 250 + "@example.org"}, "email", "Please use at most 254 characters."),
    ({"consent": None}, "consent", "Please agree to the privacy notice to subscribe."),
    ({"language": "de"}, "language", "Not a valid choice."),
    ({"language": "\x00"}, "language", "Not a valid choice."),
    ({"councils": ["999999"]}, "councils", "Please pick from the list only."),
    ({"councils": ["abc"]}, "councils", "Please pick from the list only."),
    ({"themes": ["1e9", "\x00"]}, "themes", "Please pick from the list only."),
    ({"councils": ["99999999999999999999999"]}, "councils", "Please pick from the list only."),
    ({"website": "http://spam.example"}, "website", None),  # the honeypot
])
def test_bad_input_is_explained_never_a_500(app, client, values, field, message):
    response = subscribe(client, **values)
    if field is None:  # NUL bytes are dropped, the rest is a fine address
        assert response.status_code == 303
        assert subscriptions(app)[0][0] == "amina@example.org"
        return
    assert response.status_code == 400
    if message:
        page = parse(response.get_data(as_text=True))
        errors = page.find_all("ul", id=f"{field}-error")
        assert errors and message in normalise(errors[0].text)
        control = [n for n in page.iter() if n.attrs.get("id") == field][0]
        assert f"{field}-error" in control["aria-describedby"]
    assert subscriptions(app) == [] and outbox(app) == []


def test_messages_are_in_the_readers_language(client):
    response = subscribe(client, headers={"Accept-Language": "fr"}, email="nope")
    assert response.status_code == 400
    assert "Veuillez saisir une adresse courriel comme nom@exemple.com." in text(response)
    assert 'lang="fr"' in response.get_data(as_text=True)


BAD_TOKENS = ["nope", "a" * 22 + "." + "b" * 43, "x" * 500, "%C3%A9", "%00", "a%00b"]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_bad_links_are_a_friendly_404(app, client, token):
    for path in (f"/subscriptions/{token}", f"/subscriptions/{token}/confirm",
                 f"/subscriptions/{token}/unsubscribe"):
        response = client.get(path)
        assert response.status_code == 404, path
        if "%00" not in token:
            assert "Subscription not found" in text(response)
        assert client.post(path, data={"language": "en"}).status_code == 404, path


def test_a_registration_link_is_not_a_subscription_link(app, client, make_event):
    """Each kind of link is signed under its own salt."""
    event = make_event()
    response = client.post(f"/events/{event.slug}/register", data={
        "name": "Amina", "email": "amina@example.org", "preferred_language": "en",
        "consent": "y"})
    registration_token = response.headers["Location"].rsplit("/", 1)[1]
    token = subscribe_and_confirm(client, app)
    assert client.get(f"/subscriptions/{registration_token}").status_code == 404
    assert client.get(f"/r/{token}").status_code == 404


def test_unconfirmed_subscriptions_are_forgotten(app, client, clock):
    subscribe(client)
    token = token_in(outbox(app)[0])
    run_digests(app.test_cli_runner(), clock.now + timedelta(days=6))
    assert len(subscriptions(app)) == 1
    output = run_digests(app.test_cli_runner(), clock.now + timedelta(days=8))
    assert "forgot 1 subscriptions" in output
    assert subscriptions(app) == []
    assert client.get(f"/subscriptions/{token}/confirm").status_code == 404


def test_subscribing_is_rate_limited(app, client):
    app.config["RATELIMIT_ENABLED"] = True
    from events_app.extensions import limiter

    limiter.init_app(app)
    app.config["SUBSCRIPTION_RATE_LIMIT"] = "2 per minute"
    assert subscribe(client, email="a@example.org").status_code == 303
    assert subscribe(client, email="b@example.org").status_code == 303
    assert subscribe(client, email="c@example.org").status_code == 429
    # Reading the form is not limited.
    assert client.get("/subscribe").status_code == 200


def test_form_values_stay_after_an_error(client, make_council):
    council = make_council()
    response = subscribe(client, consent=None, councils=[str(council.id)],
                         email="keep@example.org")
    page = parse(response.get_data(as_text=True))
    assert page.one("input", name="email")["value"] == "keep@example.org"
    assert "checked" in page.one("input", type="checkbox", value=str(council.id)).attrs
    assert form()  # the helper's defaults stay valid
