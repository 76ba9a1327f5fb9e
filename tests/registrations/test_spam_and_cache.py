"""The registration form behind a cached event page, CSRF and rate limits."""
import re

from events_app.extensions import limiter

from .test_pages import form, text


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_a_cached_event_page_gives_each_reader_their_own_token(app, make_event):
    app.config.update(WTF_CSRF_ENABLED=True, PAGE_CACHE_SECONDS=60)
    event = make_event(capacity=3)
    readers = [app.test_client() for _ in range(3)]
    tokens = [csrf_token(reader.get(f"/events/{event.slug}")) for reader in readers]
    assert len(set(tokens)) == 3  # the second and third were served from the cache
    assert "__CSRF" not in readers[0].get(f"/events/{event.slug}").get_data(as_text=True)

    # Each reader's own token works; another's or none does not.
    stranger = app.test_client()
    stranger.get("/")
    refused = stranger.post(f"/events/{event.slug}/register",
                            data=form(email="x@example.org", csrf_token=tokens[0]))
    assert refused.status_code == 400
    for n, (reader, token) in enumerate(zip(readers, tokens)):
        response = reader.post(f"/events/{event.slug}/register",
                               data=form(email=f"p{n}@example.org", csrf_token=token))
        assert response.status_code == 303, text(response)[:500]
        # The places left are counted afresh, cache or not.
        left = 3 - n - 1
        page = text(app.test_client().get(f"/events/{event.slug}"))
        assert (f"{left} places left." in page) if left > 1 else (
            "1 place left." in page if left == 1 else "This event is full." in page)


def test_a_flood_from_one_address_is_stopped_politely(app, make_event):
    app.config.update(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="3 per minute")
    limiter.init_app(app)  # the limiter reads its settings when initialised
    client = app.test_client()
    event = make_event()
    statuses = [client.post(f"/events/{event.slug}/register",
                            data=form(email=f"p{n}@example.org")).status_code for n in range(5)]
    assert statuses == [303, 303, 303, 429, 429]
    refused = client.post(f"/events/{event.slug}/register", data=form(email="late@example.org"))
    assert "Too many attempts" in text(refused)
    assert "Trop de tentatives" in text(client.post(
        f"/events/{event.slug}/register", data=form(), headers={"Accept-Language": "fr"}))
    # Another address is not affected.
    other = app.test_client().post(f"/events/{event.slug}/register",
                                   data=form(email="z@example.org"),
                                   environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 303


def test_a_form_without_its_token_is_refused_with_an_explanation(app, make_event):
    app.config.update(WTF_CSRF_ENABLED=True)
    event = make_event()
    client = app.test_client()
    response = client.post(f"/events/{event.slug}/register", data=form())
    assert response.status_code == 400
    assert "The form had expired, so nothing was sent." in text(response)
    french = client.post(f"/events/{event.slug}/register", data=form(),
                         headers={"Accept-Language": "fr"})
    assert "Le formulaire avait expiré" in text(french)


def test_errors_are_summed_up_with_links_to_their_fields(client, make_event):
    event = make_event()
    response = client.post(f"/events/{event.slug}/register", data=form(name="", email="x"))
    assert response.status_code == 400
    summary = re.search(r'<div class="notice notice-error error-summary" role="alert">(.*?)</div>',
                        response.get_data(as_text=True), re.S).group(1)
    assert 'href="#name"' in summary and 'href="#email"' in summary
    assert "Please correct 2 answers:" in summary
