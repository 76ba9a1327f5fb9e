"""Registering through the pages, as a resident with no JavaScript does."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from events_app.events.models import Event, EventStatus
from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from events_app.registrations.models import Registration
from htmltools import normalise, parse

MEETING = "community-meeting-2027-03-07"


def form(**values):
    data = {"name": "Amina Yusuf", "email": "amina@example.org", "preferred_language": "en",
            "consent": "y"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def register(client, slug, headers=None, **values):
    return client.post(f"/events/{slug}/register", data=form(**values), headers=headers or {})


def text(response) -> str:
    """The page's words as read: inline tags vanish, block tags separate."""
    html = re.sub(r"</?(a|strong|span|time|em|bdi)\b[^>]*>", "", response.get_data(as_text=True))
    return normalise(re.sub(r"<[^>]+>", " ", html))


def outbox(app):
    with app.app_context():
        return [(m.kind, m.to_address) for m in
                db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def registrations(app, slug):
    with app.app_context():
        return db.session.execute(
            select(Registration.email_key, Registration.status)
            .join(Event).where(Event.slug == slug).order_by(Registration.id)
        ).all()


def token_of(app, response, email="amina@example.org") -> str:
    """The token of the registration link in the latest mail to `email`: after
    registering, the one way to the registration's page is that mail."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert re.fullmatch(r"/events/[^/]+/registered", response.headers["Location"])
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(func.lower(OutboxMessage.to_address) == email.lower())
            .order_by(OutboxMessage.id.desc())).first()
    assert body is not None, f"no mail to {email}"
    return re.search(r"://[^/\s]+/r/([^/\s\"<>]+)", body).group(1)


def test_the_event_page_has_the_form_and_places_left(client, make_event):
    event = make_event(capacity=12)
    page = parse(client.get(f"/events/{event.slug}").get_data(as_text=True))
    form_node = page.find_all("form", class_="register-form")[0]
    assert form_node["action"] == f"/events/{event.slug}/register#register"
    assert form_node["method"] == "post"
    names = {node["name"] for node in form_node.find_all("input")} | {
        node["name"] for node in form_node.find_all("textarea")} | {
        node["name"] for node in form_node.find_all("select")}
    assert {"csrf_token", "name", "email", "phone", "preferred_language", "consent",
            "interpretation_language", "accessibility_needs", "childcare_needs",
            "website"} <= names
    assert "12 places left." in normalise(page.text)


def test_registering_confirms_and_shows_the_registration_page(app, client, make_event):
    event = make_event(capacity=2)
    response = register(client, event.slug, phone="519-555-0100 ext. 12",
                        accessibility_needs="Step-free access")
    token = token_of(app, response)
    answer = client.get(response.headers["Location"])
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    said = text(answer)
    assert "Check your e-mail" in said
    assert "We have sent a message about this event to amina@example.org." in said
    assert token not in answer.get_data(as_text=True)
    # The link in the mail opens the registration.
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    body = text(page)
    assert "Your place is confirmed." in body
    assert "Step-free access" in body and "519-555-0100 ext. 12" in body
    # A private page: not cached, not passed on as a Referer, not indexed.
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert outbox(app) == [("confirmation", "amina@example.org")]
    # The event page now counts the seat.
    assert "1 place left." in text(client.get(f"/events/{event.slug}"))


@pytest.mark.parametrize("values, field, message", [
    ({"name": ""}, "name", "Please enter your name."),
    ({"name": "x" * 201}, "name", "Please use at most 200 characters."),
    ({"email": "amina"}, "email", "Please enter an e-mail address like name@example.com."),
    ({"email": "amina@example"}, "email", "Please enter an e-mail address like name@example.com."),
    ({"email": ""}, "email", "Please enter your e-mail address."),
    ({"phone": "call me maybe"}, "phone", "Please use digits, spaces and + ( ) - only."),
    ({"consent": None}, "consent", "Please agree to the privacy notice to register."),
    ({"preferred_language": "de"}, "preferred_language", "Not a valid choice."),
    ({"accessibility_needs": "x" * 1001}, "accessibility_needs", "Please use at most 1000 characters."),
])
def test_bad_input_is_explained_beside_its_field(app, client, make_event, values, field, message):
    event = make_event()
    response = register(client, event.slug, **values)
    assert response.status_code == 400
    page = parse(response.get_data(as_text=True))
    errors = page.find_all("ul", id=f"{field}-error")
    assert errors and message in normalise(errors[0].text)
    control = [n for n in page.iter() if n.attrs.get("name") == field][0]
    assert control["aria-invalid"] == "true"
    assert f"{field}-error" in control["aria-describedby"]
    assert registrations(app, event.slug) == [] and outbox(app) == []


def test_messages_are_in_the_readers_language(app, client, make_event):
    event = make_event()
    response = register(client, event.slug, headers={"Accept-Language": "fr"}, email="nope",
                        consent=None)
    assert response.status_code == 400
    body = text(response)
    assert "Pour vous inscrire, veuillez accepter l’avis de confidentialité." in body
    assert "Veuillez saisir une adresse courriel comme nom@exemple.com." in body


@pytest.mark.parametrize("language, message", [
    ("fr", "N'est pas un choix valide."),
    ("ar", "اختيار غير صحيح."),
    ("es", "Opción inválida."),
    ("zh-CN", "不是有效的选择。"),
    ("en", "Not a valid choice."),
])
def test_wtforms_own_messages_follow_each_request_language(app, client, make_event, language, message):
    """WTForms' catalogue is kept per language: a request in one language
    never gets the messages of the one before it."""
    event = make_event()
    for asked, expected in [(language, message), ("en", "Not a valid choice."), (language, message)]:
        response = register(client, event.slug, headers={"Accept-Language": asked},
                            preferred_language="de")
        assert response.status_code == 400
        errors = parse(response.get_data(as_text=True)).find_all("ul", id="preferred_language-error")
        assert expected in normalise(errors[0].text)


def test_what_a_person_typed_is_kept_and_cleaned(app, client, make_event):
    event = make_event()
    response = register(client, event.slug, name="  Amina\x00 Yusuf\x07 ",
                        childcare_needs="Two children:\n ages 3 and 6")
    token_of(app, response)
    with app.app_context():
        row = db.session.scalars(select(Registration)).one()
        assert row.name == "Amina Yusuf"
        assert row.childcare_needs == "Two children:\n ages 3 and 6"


def test_the_honeypot_stops_robots(app, client, make_event):
    event = make_event()
    response = register(client, event.slug, website="http://spam.example")
    assert response.status_code == 400
    assert registrations(app, event.slug) == [] and outbox(app) == []


def test_registering_twice_gives_no_second_seat_and_no_link_to_the_form(app, client, make_event):
    event = make_event(capacity=5)
    token = token_of(app, register(client, event.slug))
    again = register(client, event.slug, email="AMINA@example.org ", name="Someone else")
    assert again.status_code == 303
    answer = client.get(again.headers["Location"])
    assert token not in answer.get_data(as_text=True)
    assert "We have sent a message about this event to AMINA@example.org." in text(answer)
    assert registrations(app, event.slug) == [("amina@example.org", "confirmed")]
    # The link goes to the address's owner instead.
    assert outbox(app) == [("confirmation", "amina@example.org"),
                           ("already_registered", "amina@example.org")]
    with app.app_context():
        reminder = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "already_registered")).one()
        assert f"/r/{token}" in reminder.body_text


def _answer(app, slug, email):
    """What a stranger typing `email` into the form sees: the response to the
    POST and the page it leads to, in a browser of their own."""
    stranger = app.test_client()
    response = register(stranger, slug, email=email, name="Stranger")
    followed = stranger.get(response.headers["Location"])
    html = followed.get_data(as_text=True)
    # Per-response values (the CSP nonce, the CSRF token) aside.
    html = re.sub(r'nonce="[^"]*"|name="csrf_token"[^>]*value="[^"]*"', "", html)
    return (response.status_code, response.headers["Location"], followed.status_code,
            html.replace(email, "<typed>"))


def test_the_answer_never_tells_whether_an_address_is_registered(app, client, make_event):
    """Issue 12, row 4: POSTing the form with a registered and an unregistered
    address gives the same answer; only the addresses' owners get different mail."""
    event = make_event(capacity=1)
    token_of(app, register(client, event.slug, email="known@example.org"), "known@example.org")
    token_of(app, register(client, event.slug, email="waiting@example.org"),  # the waitlist
             "waiting@example.org")
    assert (_answer(app, event.slug, "known@example.org")
            == _answer(app, event.slug, "waiting@example.org")
            == _answer(app, event.slug, "unknown@example.org"))
    assert outbox(app)[2:] == [("already_registered", "known@example.org"),
                               ("already_registered", "waiting@example.org"),
                               ("waitlisted", "unknown@example.org")]


def test_a_full_event_waitlists_with_a_visible_position(app, client, make_event):
    event = make_event(capacity=1)
    token_of(app, register(client, event.slug, email="first@example.org"), "first@example.org")
    assert "Join the waitlist" in text(client.get(f"/events/{event.slug}"))
    second = token_of(app, register(client, event.slug, email="second@example.org"), "second@example.org")
    third = token_of(app, register(client, event.slug, email="third@example.org"), "third@example.org")
    assert "You are on the waitlist, at number 1." in text(client.get(f"/r/{second}"))
    assert "You are on the waitlist, at number 2." in text(client.get(f"/r/{third}"))
    assert [k for k, _ in outbox(app)] == ["confirmation", "waitlisted", "waitlisted"]


def test_unlimited_capacity_always_confirms(app, client, make_event):
    event = make_event(capacity=None)
    for n in range(5):
        token_of(app, register(client, event.slug, email=f"p{n}@example.org"), f"p{n}@example.org")
    assert {status for _, status in registrations(app, event.slug)} == {"confirmed"}


@pytest.mark.parametrize("change, status, message", [
    ({"status": EventStatus.CANCELLED}, 409, "This event has been cancelled."),
    ({"start_dt": "past"}, 409, "Registration for this event has closed."),
    ({"registration_closes_dt": "past"}, 409, "Registration for this event has closed."),
    ({"registration_opens_dt": "future"}, 409, "Registration opens on"),
])
def test_closed_events_refuse_and_say_why(app, client, clock, make_event, change, status, message):
    values = dict(change)
    for key, value in change.items():
        if value == "past":
            values[key] = clock.now - timedelta(hours=1)
        elif value == "future":
            values[key] = clock.now + timedelta(days=2)
    if "start_dt" in values:
        values["end_dt"] = clock.now + timedelta(hours=1)
    event = make_event(**values)
    page = text(client.get(f"/events/{event.slug}"))
    assert message in page and "register-form" not in client.get(
        f"/events/{event.slug}").get_data(as_text=True)
    response = register(client, event.slug)
    assert response.status_code == status
    assert message in text(response)
    assert registrations(app, event.slug) == []


def test_drafts_and_unknown_events_are_not_found(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    assert register(client, draft.slug).status_code == 404
    assert register(client, "no-such-event").status_code == 404


def test_sessions_of_the_march_7_meeting(app, client, demo):
    page = parse(client.get(f"/events/{MEETING}").get_data(as_text=True))
    boxes = {n["id"]: n["value"] for n in page.find_all("input", type="checkbox", name="sessions")}
    assert len(boxes) == 4
    with app.app_context():
        sessions = {e.slug: e for e in db.session.scalars(
            select(Event).where(Event.parent.has(slug=MEETING)))}
    journeys = sessions["journeys-to-canada-2027-03-07"]
    assessment = sessions["common-assessment-process-2027-03-07"]
    breath = sessions["breath-self-care-2027-03-07"]

    # Two at the same time: refused, naming both, beside the sessions.
    response = register(client, MEETING, sessions=[str(journeys.id), str(assessment.id)])
    assert response.status_code == 400
    errors = parse(response.get_data(as_text=True)).find_all("ul", id="sessions-error")
    message = normalise(errors[0].text)
    assert journeys.title in message and assessment.title in message
    # What was ticked stays ticked.
    ticked = [n["value"] for n in parse(response.get_data(as_text=True)).find_all(
        "input", type="checkbox", name="sessions") if "checked" in n.attrs]
    assert sorted(ticked) == sorted([str(journeys.id), str(assessment.id)])

    # Someone else's session id or garbage: a message, never a 500.
    assert register(client, MEETING, sessions=["999999"]).status_code == 400
    assert register(client, MEETING, sessions=["abc"]).status_code == 400

    token = token_of(app, register(client, MEETING, sessions=[str(journeys.id), str(breath.id)]))
    body = text(client.get(f"/r/{token}"))
    assert f"{journeys.title}: your place is confirmed" in body
    assert f"{breath.title}: your place is confirmed" in body
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage)).one()
        files = [a["filename"] for a in message.attachments if a["filename"]]
        assert files == [f"{MEETING}.ics", f"{journeys.slug}.ics", f"{breath.slug}.ics"]


def test_a_session_page_points_to_its_meeting(client, demo):
    body = text(client.get("/events/journeys-to-canada-2027-03-07"))
    assert "To attend, register for March 7 Community Meeting and pick this session." in body


def test_cancelling_asks_first_then_promotes_the_waitlist(app, client, make_event):
    event = make_event(capacity=1)
    first = token_of(app, register(client, event.slug, email="first@example.org"), "first@example.org")
    second = token_of(app, register(client, event.slug, email="second@example.org"), "second@example.org")

    confirm = client.get(f"/r/{first}/cancel")
    assert confirm.status_code == 200
    page = parse(confirm.get_data(as_text=True))
    assert page.find_all("form", action=f"/r/{first}/cancel", method="post")
    assert registrations(app, event.slug) == [("first@example.org", "confirmed"),
                                              ("second@example.org", "waitlisted")]

    done = client.post(f"/r/{first}/cancel")
    assert done.status_code == 303 and done.headers["Location"] == f"/r/{first}"
    assert "Your registration is cancelled." in text(client.get(f"/r/{first}"))
    assert registrations(app, event.slug) == [("first@example.org", "cancelled"),
                                              ("second@example.org", "confirmed")]
    assert "Your place is confirmed." in text(client.get(f"/r/{second}"))
    assert outbox(app)[-2:] == [("cancelled", "first@example.org"),
                                ("promoted", "second@example.org")]
    # Cancelling again changes nothing and sends nothing.
    client.post(f"/r/{first}/cancel")
    assert len(outbox(app)) == 4
    # The cancelled registration's page offers to register again.
    assert "Register again" in text(client.get(f"/r/{first}"))


def test_no_cancelling_once_the_event_started(app, client, clock, make_event):
    event = make_event()
    token = token_of(app, register(client, event.slug))
    clock.set(event.start_dt + timedelta(minutes=5))
    assert "Cancel my registration" not in text(client.get(f"/r/{token}"))
    response = client.post(f"/r/{token}/cancel", follow_redirects=True)
    assert "can no longer be cancelled" in text(response)
    assert registrations(app, event.slug) == [("amina@example.org", "confirmed")]


@pytest.mark.parametrize("token", ["nope", "a" * 22 + "." + "b" * 43, "x" * 500, "%C3%A9"])
def test_unknown_links_are_a_friendly_404(client, token):
    for url in (f"/r/{token}", f"/r/{token}/cancel"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Registration not found" in text(response)
    assert client.post(f"/r/{token}/cancel").status_code == 404
    feed = client.get(f"/calendar/r/{token}.ics")
    assert feed.status_code == 404 and feed.mimetype == "text/plain"


def test_the_privacy_notice_says_what_is_kept_and_for_how_long(client, app):
    app.config["REGISTRATION_RETENTION_DAYS"] = 90
    body = text(client.get("/privacy"))
    assert "erased 90 days after the event" in body
    assert "Avis de confidentialité" in text(client.get("/privacy?lang=fr"))
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)


def test_a_full_session_shows_first_as_a_waitlist_place(app, client, make_event):
    """Issue 16, item 4: the only session picked is full; the page said "Your
    place is confirmed" and mentioned the waitlist low in a list."""
    meeting = make_event(kind="community-meeting", capacity=None)
    full = make_event(kind="workshop", parent=meeting, title="Full workshop", capacity=1,
                      start_dt=meeting.start_dt, end_dt=meeting.start_dt + timedelta(hours=1))
    open_ = make_event(kind="workshop", parent=meeting, title="Open workshop", capacity=10,
                       start_dt=meeting.start_dt + timedelta(hours=1),
                       end_dt=meeting.start_dt + timedelta(hours=2))
    token_of(app, register(client, meeting.slug, email="first@example.org", sessions=[str(full.id)]),
             "first@example.org")
    only_waiting = token_of(app, register(client, meeting.slug, email="second@example.org",
                                          sessions=[str(full.id)]), "second@example.org")
    status = normalise(parse(client.get(f"/r/{only_waiting}").get_data(as_text=True))
                       .one("dd", class_="status").text)
    assert status.startswith("On the waitlist for: Full workshop (number 1).")
    assert "confirmed" not in status.lower()
    page = text(client.get(f"/r/{only_waiting}"))
    assert "Add to your calendar" in page  # the meeting itself has a seat

    both = token_of(app, register(client, meeting.slug, email="third@example.org",
                                  sessions=[str(full.id), str(open_.id)]), "third@example.org")
    status = normalise(parse(client.get(f"/r/{both}").get_data(as_text=True)).one("dd", class_="status").text)
    assert status.startswith("Confirmed for: Open workshop. On the waitlist for: Full workshop (number 2).")


def test_no_add_to_calendar_without_a_seat(app, client, make_event):
    """Issue 16, item 7: waitlisted people were offered "Add to calendar"."""
    event = make_event(capacity=1)
    seated = token_of(app, register(client, event.slug, email="first@example.org"), "first@example.org")
    waiting = token_of(app, register(client, event.slug, email="second@example.org"), "second@example.org")
    assert "Add to your calendar" in text(client.get(f"/r/{seated}"))
    page = text(client.get(f"/r/{waiting}"))
    assert "Add to your calendar" not in page and "Subscribe to this registration" not in page
    assert "Once you have a place" in page


def test_a_cancelled_event_offers_no_places_and_no_add_to_calendar(app, client, make_event):
    """Issue 16, item 7: its page still showed "Places" and "Add to calendar"."""
    event = make_event(capacity=30, status=EventStatus.CANCELLED)
    html = parse(client.get(f"/events/{event.slug}").get_data(as_text=True))
    assert "Places" not in [dt.text for dt in html.find_all("dt")]
    page = text(client.get(f"/events/{event.slug}"))
    assert "Add to your calendar" not in page and "Google Calendar" not in page
    # The calendar file stays: it marks the event cancelled in calendars that have it.
    assert "Already in your calendar?" in page and "Calendar file (.ics)" in page


def test_a_registration_reads_and_writes_in_few_statements(app, client, make_event, make_recommendation):
    """Two statements load the event and the recommendations its mail names,
    one locks it, one reads the seats taken, the waitlist before the person
    and their earlier registration; then the three writes. The waitlist
    position read is the one the person is told."""
    from dbsetup import count_statements

    first, second = make_recommendation(), make_recommendation()
    event = make_event(capacity=1, recommendations=[first, second])
    with app.app_context():
        engine = db.engine
    runs = []
    for n in range(3):
        with count_statements(engine) as statements:
            assert register(client, event.slug, email=f"p{n}@example.org").status_code == 303
        runs.append([" ".join(s.split()) for s in statements
                     if s.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE")])
    expected = [("SELECT", "FROM event LEFT OUTER JOIN venue"), ("SELECT", "FROM event_recommendation"),
                ("SELECT", "FOR UPDATE" if engine.dialect.name ==
                "postgresql" else "FROM event WHERE event.id IN"), ("SELECT", "(SELECT count(*)"),
                ("INSERT", "INTO registration"), ("INSERT", "INTO outbox_message"),
                ("INSERT", "INTO event_seat_state")]

    def shape(run):
        return [(s.split()[0], next((p for _, p in expected if p in s), s[:60])) for s in run]

    # Waitlisted: exactly those seven.
    assert shape(runs[1]) == shape(runs[2]) == expected, runs[1:]
    # Confirmed: the invitation's calendar also reads the event's themes and
    # meeting (built once a minute per event and language, then kept).
    invitation = [s for s in shape(runs[0]) if s not in expected]
    assert [s for s in shape(runs[0]) if s in expected] == expected and len(invitation) <= 2, runs[0]

    with app.app_context():
        bodies = [normalise(m.body_text) for m in
                  db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert "at number" not in bodies[0]
    assert "at number 1." in bodies[1] and "at number 2." in bodies[2]
    # Both recommendations are told.
    assert all(first.code in body and second.code in body for body in bodies)
