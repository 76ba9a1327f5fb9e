"""Whatever arrives in the address, the answer is a page, never a 500.

In tests Flask re-raises errors instead of answering 500, so a failure here
is the traceback itself.
"""
import pytest

from htmltools import page

LONG = "a" * 5000

ODD_REQUESTS = [
    f"/events/{LONG}",
    f"/councils/{LONG}",
    f"/recommendations/{LONG}",
    "/events/%00",
    "/events/slug%00with-nul",
    "/councils/%00",
    "/recommendations/HW-2%00",
    "/events/caf%C3%A9-%E2%9C%93-%F0%9F%8E%89",
    "/recommendations/%D0%9D%D0%92-2",
    "/events/%ff%fe%fd",  # not UTF-8
    "/events/%ED%A0%80",  # an encoded lone surrogate
    "/events/..%2F..%2Fetc%2Fpasswd",
    "/events/%20",
    "/events?council=%00",
    "/events?theme=%00&kind=%00",
    "/events?from=%00",
    "/events?page=%00",
    "/?lang=%00",
    "/events?council=" + "x" * 10000,
    "/events?from=0001-01-01",
    "/events?from=9999-12-31",
    "/events?from=0000-00-00",
    "/events?from=2027-03-14T02:30",
    "/events?page=99999999999999999999",
    "/events?page=-99999999999999999999",
    "/events?page=9223372036854775807",
    "/events?page=1e9",
    "/events?council=a&council=b&page=1&page=2",
    "/events?%00=%00",
    "/events?council[]=education",
    "/events?kind=%E2%9C%93&theme=%F0%9F%8E%89",
    "/councils?lang=fr%00",
    "/healthz?%00",
]


@pytest.mark.parametrize("path", ODD_REQUESTS, ids=lambda p: p[:50])
def test_odd_requests_get_a_page_not_a_500(client, make_event, path):
    make_event(slug="real-event")
    response = client.get(path)
    assert response.status_code in (200, 400, 404), response.status_code
    if response.mimetype == "text/html":
        assert page(response).one("main") is not None


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept-Language": "\x7f\x7f;q=abc,,,;"},
        {"Accept-Language": "fr;q=2, en;q=-1"},
        {"Accept-Language": "x" * 5000},
        {"Cookie": "lang=%00"},
        {"Cookie": "lang=" + "f" * 4000},
    ],
)
def test_odd_headers_get_a_page(client, headers):
    response = client.get("/events", headers=headers)
    assert response.status_code == 200
    assert page(response).one("html")["lang"] in ("en", "fr")


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_refused_politely(client, make_event, method):
    event = make_event()
    response = getattr(client, method)(f"/events/{event.slug}")
    assert response.status_code == 405
    assert page(response).one("main") is not None


def test_a_far_page_number_shows_a_page_of_the_listing(app, client, clock, make_event):
    make_event(slug="only-event")
    response = client.get("/events?page=99999999999999999999")
    assert response.status_code == 200
    assert page(response).one("form", class_="filters") is not None


def test_a_date_at_the_end_of_the_calendar_lists_nothing(client, make_event):
    make_event(slug="only-event")
    response = client.get("/events?from=9999-12-31")
    assert response.status_code == 200
    assert page(response).find("article", class_="event-card") is None


# --- issue 12, rows 6 and 7: a file for a text field, a NUL byte in a form ------

PUBLIC_FORMS = ["/login", "/password/forgot", "/subscribe", "/events/real-event/register"]


@pytest.mark.parametrize("path", PUBLIC_FORMS)
def test_a_text_field_sent_as_a_file_is_refused_not_a_500(client, make_event, path):
    from io import BytesIO

    make_event(slug="real-event", capacity=5)
    response = client.post(path, content_type="multipart/form-data", data={
        "email": (BytesIO(b"amina@example.org"), "email.txt"), "name": "Amina",
        "password": "a long enough password", "consent": "y"})
    assert response.status_code == 400
    assert page(response).one("main") is not None


@pytest.mark.parametrize("path, data", [
    ("/login", {"email": "a\x00b@x.example", "password": "a long enough password"}),
    ("/password/forgot", {"email": "a\x00b@x.example"}),
])
def test_a_nul_byte_in_a_sign_in_form_is_not_a_500(client, path, data):
    # Dropped like any control character, then the address matches no account.
    response = client.post(path, data=data)
    assert response.status_code in (200, 400)
    assert page(response).one("main") is not None


@pytest.mark.parametrize("path", ["/events?language=a%00b", "/events?q=%00", "/calendar.ics?lang=%00x"])
def test_a_nul_byte_in_a_query_is_refused(client, path):
    assert client.get(path).status_code == 400


def test_text_is_stored_without_control_or_bidi_override_characters(app, client, make_event):
    """A title with a carriage return once made every later e-mail unsendable;
    a name with U+202E displays reversed in a staff list."""
    from sqlalchemy import select

    from events_app.extensions import db
    from events_app.registrations.models import Registration
    event = make_event(slug="real-event", capacity=5)
    response = client.post(f"/events/{event.slug}/register", data={
        "name": "Amina\r\u202eYusuf\u202c", "email": "amina@example.org", "consent": "y",
        "accessibility_needs": "Step-free\r\naccess\rplease"})
    assert response.status_code == 303
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert registration.name == "Amina Yusuf"
        assert registration.accessibility_needs == "Step-free\naccess\nplease"
