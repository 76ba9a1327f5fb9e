"""Issue 4's "done when", in a real browser with JavaScript off and in French:
register for two March 7 workshops that do not overlap, see the registration
page, get a confirmation with a calendar invitation, cancel, and see the next
person on the waitlist promoted."""
import re
from urllib.parse import urlsplit

import vobject

from ownrows import own_meeting

NO_JS = {"java_script_enabled": False, "locale": "fr-CA", "extra_http_headers": {"Accept-Language": "fr"}}


def _events(live_site, *ids):
    from events_app.events.models import Event
    from events_app.extensions import db

    with live_site.app.app_context():
        events = [db.session.get(Event, event_id) for event_id in ids]
        db.session.remove()
        return events


def _outbox(live_site, address):
    from sqlalchemy import select

    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage

    with live_site.app.app_context():
        return [(m.kind, m.subject, m.attachments) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id))]


def _link(live_site, address):
    """The registration link in the first mail to `address`."""
    from sqlalchemy import select

    from events_app.extensions import db
    from events_app.mail.models import OutboxMessage

    with live_site.app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.to_address == address).order_by(OutboxMessage.id)).first()
        db.session.remove()
    return re.search(r"https?://[^/\s]+(/r/[^/\s\"<>]+)", body).group(1).join(
        [live_site.url, ""])


def _register(page, live_site, meeting_slug, name, email, session_ids):
    page.goto(live_site(f"/events/{meeting_slug}"))
    form = page.locator("form.register-form")
    form.get_by_label("Votre nom").fill(name)
    form.get_by_label("Adresse courriel").fill(email)
    for session_id in session_ids:
        form.locator(f"#session-{session_id}").check()
    form.get_by_label("J’accepte l’avis de confidentialité", exact=False).check()
    with page.expect_navigation():
        form.get_by_role("button").click()
    return page


def test_a_resident_registers_cancels_and_the_waitlist_moves(new_page, live_site):
    # A meeting of this test's own: one place in "Breath", so the next person waits for it.
    slug, ids = own_meeting(live_site, "waitlist", {"breath-self-care": 1})
    assessment, journeys, breath = _events(
        live_site, ids["common-assessment-process"], ids["journeys-to-canada"], ids["breath-self-care"])

    amina_address, omar_address = (f"{name}.{slug.rsplit('-', 1)[1]}@example.org"
                                   for name in ("amina", "omar"))
    amina = _register(new_page(**NO_JS), live_site, slug, "Amina Yusuf", amina_address,
                      [journeys.id, breath.id])
    # The answer: "check your e-mail", the same for every address.
    assert urlsplit(amina.url).path == f"/events/{slug}/registered", amina.url
    assert "Consultez vos courriels" in amina.locator("h1").inner_text()
    assert amina_address in amina.locator("main").inner_text()
    # Her link comes by mail.
    amina.goto(_link(live_site, amina_address))
    body = amina.locator("main").inner_text()
    # First what matters: both workshops have a seat for her.
    status = amina.locator("dd.status").inner_text()
    assert status.startswith("Place confirmée pour\u00a0:")
    assert journeys.localized("title", "fr") in status and breath.localized("title", "fr") in status
    assert body.count("votre place est confirmée") == 2

    [(kind, subject, attachments)] = _outbox(live_site, amina_address)
    assert kind == "confirmation" and subject.startswith("Vous êtes inscrit·e")
    inline = [a for a in attachments if a["inline"]][0]
    invitation = vobject.readOne(inline["data"])
    assert invitation.method.value == "REQUEST"
    assert invitation.vevent.attendee.value == f"mailto:{amina_address}"

    # Omar wants "Breath" too: it is full, he waits.
    omar = _register(new_page(**NO_JS), live_site, slug, "Omar Haddad", omar_address,
                     [assessment.id, breath.id])
    omar.goto(_link(live_site, omar_address))
    assert "liste d’attente, rang 1" in omar.locator("main").inner_text()
    assert "En liste d’attente pour\u00a0:" in omar.locator("dd.status").inner_text()

    # Amina cannot come after all: a confirmation step, then cancelled.
    amina.get_by_role("link", name="Annuler mon inscription").click()
    assert "Annuler votre inscription\u202f?" in amina.locator("h1").inner_text()
    with amina.expect_navigation():
        amina.get_by_role("button", name="Oui, annuler mon inscription").click()
    assert "Votre inscription est annulée." in amina.locator("main").inner_text()

    # Omar has her place, and was told so.
    omar.reload()
    assert omar.locator("main").inner_text().count("votre place est confirmée") == 2
    kinds = [kind for kind, _, _ in _outbox(live_site, omar_address)]
    assert kinds == ["confirmation", "promoted"]


def test_a_form_error_is_shown_beside_the_field_without_javascript(new_page, live_site):
    page = new_page(**NO_JS)
    page.goto(live_site(f"/events/{live_site.workshop_slug}"))
    # Sessions are registered for through their meeting.
    assert page.get_by_role("link", name=re.compile("Pour y participer")).count() == 1
    page.goto(live_site(f"/events/{live_site.meeting_slug}"))
    form = page.locator("form.register-form")
    form.get_by_label("Votre nom").fill("Sam")
    form.get_by_label("Adresse courriel").fill("sam@")
    with page.expect_navigation():
        form.get_by_role("button").click()
    email = page.get_by_label("Adresse courriel")
    assert email.get_attribute("aria-invalid") == "true"
    assert "Veuillez saisir une adresse courriel comme nom@exemple.com." in page.locator("#email-error").inner_text()
    assert "Pour vous inscrire, veuillez accepter" in page.locator("#consent-error").inner_text()
    # What was typed is still there.
    assert page.get_by_label("Votre nom").input_value() == "Sam"
