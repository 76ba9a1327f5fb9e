"""Who runs the site and whom to ask: the organisation's contact details and
funder in the footer of every page and every e-mail, a favicon, and calendar
names spelled out (issue 16, item 5)."""
import pytest
from sqlalchemy import select

from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from htmltools import normalise, page

DETAILS = {
    "ORGANISATION_ADDRESS": "251 Dundas Street, London, Ontario N6A 6H9",
    "ORGANISATION_EMAIL": "community-events@example.org",
    "ORGANISATION_PHONE": "519-555-0100",
    "ORGANISATION_WEBSITE": "https://lmlip.example.org",
    "ORGANISATION_FUNDER": "Immigration, Refugees and Citizenship Canada",
}


@pytest.fixture
def organisation(app):
    app.config.update(DETAILS)
    return DETAILS


@pytest.mark.parametrize("path", ["/", "/events", "/privacy", "/login", "/no-such-page"])
def test_every_page_says_who_runs_it_and_how_to_reach_them(client, organisation, path):
    html = page(client.get(path))
    footer = html.one("footer", class_="site-footer")
    text = normalise(footer.text)
    assert "London & Middlesex Local Immigration Partnership" in text
    assert "251 Dundas Street, London, Ontario N6A 6H9" in text
    assert "Funded by Immigration, Refugees and Citizenship Canada" in text
    links = footer.links()
    assert "mailto:community-events@example.org" in links
    assert "tel:519-555-0100" in links and "https://lmlip.example.org" in links
    assert html.find("link", rel="icon")["href"] == "/static/favicon.svg"


def test_lines_not_configured_are_left_out(client):
    footer = normalise(page(client.get("/")).one("footer", class_="site-footer").text)
    assert "London & Middlesex Local Immigration Partnership" in footer
    assert "E-mail:" not in footer and "Phone:" not in footer and "Funded by" not in footer


def test_the_favicon_is_served(client):
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.get_data().startswith(b"<svg")


def test_every_email_carries_the_contact_details(app, client, organisation, make_event):
    event = make_event(capacity=10)
    client.post(f"/events/{event.slug}/register", data={
        "name": "Amina Yusuf", "email": "amina@example.org", "preferred_language": "ar", "consent": "y"})
    client.post("/subscribe", data={"email": "reader@example.org", "language": "es", "consent": "y"})
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {m.kind for m in messages} >= {"confirmation", "subscription_confirm"}
    for message in messages:
        for line in ("251 Dundas Street, London, Ontario N6A 6H9", "community-events@example.org",
                     "519-555-0100", "https://lmlip.example.org",
                     "Immigration, Refugees and Citizenship Canada"):
            assert line in message.body_text, (message.kind, line)
            assert line in message.body_html, (message.kind, line)
        assert 'href="mailto:community-events@example.org"' in message.body_html
