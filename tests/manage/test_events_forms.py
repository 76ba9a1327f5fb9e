"""The event form: every rule answered beside its field; chairs kept to their councils."""
from datetime import datetime, timezone

import pytest

from events_app.events.models import Event, EventStatus
from events_app.extensions import db
from events_app.manage.models import AuditEntry
from htmltools import page
from tests.manage.worlds import add_registrations

FORM = {
    "kind": "workshop", "title": "Journeys to Canada", "start_date": "2027-03-07",
    "start_time": "10:00", "end_time": "11:30", "online_url": "https://meet.example.org/j",
    "status": "draft", "languages": "en, fr",
}


@pytest.fixture
def chair_world(make_council, make_user, make_recommendation, clock):
    this, other = make_council(slug="this"), make_council(slug="other")
    return {
        "this": this, "other": other,
        "chair": make_user(councils=[this]),
        "admin": make_user(role="admin"),
        "own_rec": make_recommendation(council=this, code="TH-1"),
        "other_rec": make_recommendation(council=other, code="OT-1"),
    }


def errors_of(response) -> dict[str, list[str]]:
    """Messages shown beside each field, by the field's id."""
    found = {}
    for node in page(response).find_all("ul", class_="field-errors"):
        found[node["id"].removesuffix("-error")] = [li.text for li in node.find_all("li")]
    return found


def load(app, slug):
    with app.app_context():
        event = db.session.scalars(db.select(Event).where(Event.slug == slug)).first()
        if event is not None:
            db.session.expunge(event)
        return event


def test_a_chair_creates_a_workshop_in_local_time(app, client, login, chair_world):
    login(client, chair_world["chair"])
    response = client.post("/manage/events/new", data={
        **FORM, "capacity": "25", "reminder_offsets": "2d, 2h",
        "recommendations": [str(chair_world["own_rec"].id)]})
    assert response.status_code == 303, errors_of(response)
    assert response.headers["Location"] == "/manage/events/journeys-to-canada-2027-03-07"
    event = load(app, "journeys-to-canada-2027-03-07")
    # 10:00 in London, Ontario (EST, UTC-5) is 15:00 UTC.
    assert event.start_dt == datetime(2027, 3, 7, 15, 0, tzinfo=timezone.utc)
    assert event.council_id == chair_world["this"].id  # their one council, preselected
    assert event.capacity == 25 and event.reminder_offsets == [2880, 120]
    assert event.languages == ["en", "fr"] and event.status == EventStatus.DRAFT
    with app.app_context():
        [entry] = db.session.scalars(db.select(AuditEntry)).all()
        assert entry.action == "event.create" and entry.council_id == chair_world["this"].id
        assert entry.after["capacity"] == 25 and entry.after["start_dt"] == "2027-03-07T15:00:00+00:00"
        assert entry.before is None


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Please give the event a title."),
    ({"end_time": "09:00"}, "end_time", "The end must be after the start."),
    ({"start_date": "7 March"}, "start_date", "Please give a date like 2027-03-07."),
    ({"start_time": "ten"}, "start_time", "Please give a time like 18:30."),
    ({"capacity": "-1"}, "capacity", "The capacity cannot be negative."),
    ({"capacity": "lots"}, "capacity", "Please give a whole number, or leave it empty for no limit."),
    ({"reminder_offsets": "3 weeks"}, "reminder_offsets",
     "Give up to 3 reminders like 2d, 2h or 30m, each from 15 minutes to 14 days before the start."),
    ({"reminder_offsets": "1d, 2d, 3d, 4d"}, "reminder_offsets",
     "Give up to 3 reminders like 2d, 2h or 30m, each from 15 minutes to 14 days before the start."),
    ({"slug": "Not A Slug"}, "slug", "Use lower-case letters, digits and hyphens only."),
    ({"online_url": "", "venue": ""}, "venue", "Choose a venue, or give the address of the online meeting."),
    ({"online_url": "meet.example.org"}, "online_url", "Please give a full address starting with https://"),
    ({"languages": "English"}, "languages", "Use language codes like en, fr, ar, separated by commas."),
    ({"registration_opens": "2027-03-01T09:00", "registration_closes": "2027-02-01T09:00"},
     "registration_closes", "Registration must close after it opens."),
    ({"title": "x" * 201}, "title", "Please use at most 200 characters."),
    # The clocks jump from 2:00 to 3:00 on 14 March 2027.
    ({"start_date": "2027-03-14", "start_time": "02:30", "end_time": "04:00"}, "start_time",
     "This time does not exist: that night the clocks jump forward an hour (from 2:00 to 3:00). Please choose another time."),
    # 1:30 happens twice on 7 November 2027.
    ({"start_date": "2027-11-07", "start_time": "01:30", "end_time": "03:00"}, "start_time",
     "This time happens twice: that night the clocks go back an hour. Choose below which one you mean."),
    ({"repeat": "weekly"}, "repeat_until", "Say when it stops: an end date or a number of times."),
    ({"repeat": "weekly", "repeat_until": "2027-05-01", "repeat_count": "4"}, "repeat_count",
     "Give an end date or a number of times, not both."),
    ({"repeat": "weekly", "repeat_count": "4", "skip_dates": "2027-03-08"}, "skip_dates",
     "2027-03-08 is not one of the dates of this repetition."),
])
def test_each_rule_has_its_message_beside_the_field(app, client, login, chair_world,
                                                    changes, field, message):
    login(client, chair_world["chair"])
    response = client.post("/manage/events/new", data={**FORM, **changes})
    assert response.status_code == 400
    assert errors_of(response).get(field, [None])[0] == message, errors_of(response)
    assert load(app, "journeys-to-canada-2027-03-07") is None


def test_the_repeated_hour_is_asked_and_answered(app, client, login, chair_world):
    login(client, chair_world["chair"])
    data = {**FORM, "start_date": "2027-11-07", "start_time": "01:30", "end_time": "03:00"}
    asked = client.post("/manage/events/new", data=data)
    assert page(asked).find("select", id="repeated_hour") is not None
    response = client.post("/manage/events/new", data={**data, "repeated_hour": "second"})
    assert response.status_code == 303, errors_of(response)
    event = load(app, "journeys-to-canada-2027-11-07")
    # The second 1:30 is standard time (UTC-5).
    assert event.start_dt == datetime(2027, 11, 7, 6, 30, tzinfo=timezone.utc)


def test_the_address_must_be_unique(app, client, login, chair_world, make_event):
    make_event(slug="taken")
    login(client, chair_world["chair"])
    response = client.post("/manage/events/new", data={**FORM, "slug": "taken"})
    assert errors_of(response)["slug"] == [
        "Another event already has this address. Please choose another."]


def test_a_chair_cannot_pick_another_council_or_its_recommendations(app, client, login, chair_world):
    login(client, chair_world["chair"])
    response = client.post("/manage/events/new", data={**FORM, "council": str(chair_world["other"].id)})
    assert errors_of(response)["council"] == ["You can only schedule events for your own Sub-councils."]
    response = client.post("/manage/events/new", data={
        **FORM, "recommendations": [str(chair_world["other_rec"].id)]})
    assert errors_of(response)["recommendations"] == [
        "You can only link recommendations of your own Sub-councils."]
    # Nor are they offered.
    form_page = page(client.get("/manage/events/new"))
    assert [o["value"] for o in form_page.find("select", id="council").find_all("option")] == [
        str(chair_world["this"].id)]
    assert "OT-1" not in form_page.find(id="recommendations").text
    assert load(app, "journeys-to-canada-2027-03-07") is None


def test_an_admin_may_pick_any_council_or_none(app, client, login, chair_world):
    login(client, chair_world["admin"])
    response = client.post("/manage/events/new", data={
        **FORM, "council": "", "recommendations": [str(chair_world["other_rec"].id)]})
    assert response.status_code == 303
    event = load(app, "journeys-to-canada-2027-03-07")
    assert event.council_id is None


def test_another_councils_event_is_403(client, login, chair_world, make_event):
    make_event(slug="theirs", council=chair_world["other"])
    login(client, chair_world["chair"])
    assert client.get("/manage/events/theirs/edit").status_code == 403
    assert client.post("/manage/events/theirs/edit", data=FORM).status_code == 403
    assert client.post("/manage/events/theirs/duplicate").status_code == 403
    assert client.post("/manage/events/theirs/cancel", data={"reason": "x"}).status_code == 403


def test_edit_shows_the_event_and_keeps_what_is_not_changed(app, client, login, chair_world, make_event):
    make_event(slug="talk", council=chair_world["this"], title="Talk", capacity=10,
               online_url="https://meet.example.org/t",
               start_dt=datetime(2027, 1, 12, 23, 0, tzinfo=timezone.utc),
               end_dt=datetime(2027, 1, 13, 1, 0, tzinfo=timezone.utc))
    login(client, chair_world["chair"])
    form = page(client.get("/manage/events/talk/edit"))
    assert form.find("input", id="start_date")["value"] == "2027-01-12"
    assert form.find("input", id="start_time")["value"] == "18:00"
    assert form.find("input", id="end_date")["value"] == ""  # the same day
    assert form.find("input", id="capacity")["value"] == "10"


def test_lowering_capacity_below_confirmed_is_refused_and_raising_promotes(
        app, client, login, chair_world, make_event, clock):
    event = make_event(slug="full", council=chair_world["this"], capacity=3,
                       online_url="https://meet.example.org/f")
    with app.app_context():
        add_registrations(event.id, clock.now, confirmed=3, waitlisted=2)
    login(client, chair_world["chair"])
    local = event.start_dt.astimezone(__import__("zoneinfo").ZoneInfo("America/Toronto"))
    data = {**FORM, "slug": "full", "status": "published", "start_date": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "end_time": (local.replace(hour=local.hour + 2)).strftime("%H:%M"), "capacity": "2"}
    response = client.post("/manage/events/full/edit", data=data)
    assert response.status_code == 400
    assert errors_of(response)["capacity"] == [
        "The capacity cannot be lower than the 3 people already confirmed."]
    response = client.post("/manage/events/full/edit", data={**data, "capacity": "4"})
    assert response.status_code == 303, errors_of(response)
    with app.app_context():
        from events_app.registrations.models import Registration
        statuses = sorted(r.status for r in db.session.scalars(
            db.select(Registration).where(Registration.event_id == event.id)))
        assert statuses == ["confirmed"] * 4 + ["waitlisted"]


def test_a_session_outside_its_meeting_is_saved_with_a_warning(app, client, login, chair_world, make_event):
    make_event(slug="meeting", kind="community-meeting", council=chair_world["this"],
               online_url="https://meet.example.org/m",
               start_dt=datetime(2027, 3, 7, 14, 0, tzinfo=timezone.utc),
               end_dt=datetime(2027, 3, 7, 20, 0, tzinfo=timezone.utc))
    login(client, chair_world["chair"])
    response = client.post("/manage/events/meeting/sessions/new", data={
        **FORM, "title": "Breath", "start_time": "18:00", "end_time": "19:00", "capacity": "5"},
        follow_redirects=True)
    assert response.status_code == 200
    assert "This session is outside the times of its community meeting" in response.get_data(as_text=True)
    session = load(app, "breath-2027-03-07")
    with app.app_context():
        session = db.session.get(Event, session.id)
        assert session.parent.slug == "meeting" and session.capacity == 5


def test_duplicate_makes_a_draft_copy_with_its_sessions(app, client, login, chair_world, make_event):
    meeting = make_event(slug="march-meeting", kind="community-meeting", council=chair_world["this"])
    make_event(slug="march-session", kind="workshop", parent=meeting, title="A workshop")
    login(client, chair_world["chair"])
    response = client.post("/manage/events/march-meeting/duplicate")
    assert response.status_code == 303
    slug = response.headers["Location"].split("/")[3]
    with app.app_context():
        copy = db.session.scalars(db.select(Event).where(Event.slug == slug)).one()
        assert copy.status == EventStatus.DRAFT and copy.uid != meeting.uid
        assert [s.title for s in copy.sessions] == ["A workshop"]
        assert all(s.status == EventStatus.DRAFT for s in copy.sessions)
        entry = db.session.scalars(db.select(AuditEntry)).one()
        assert entry.action == "event.duplicate" and entry.before["source_slug"] == "march-meeting"


# --- translations (issue 11) ----------------------------------------------------------


def test_a_chair_writes_in_arabic_and_translates_without_javascript(app, client, login, chair_world):
    login(client, chair_world["chair"])
    form_page = page(client.get("/manage/events/new"))
    # A section per site language, each a <details> (opens without JavaScript).
    sections = form_page.find_all("details", class_="translation")
    assert len(sections) == 4  # every site language but the one written in (English)
    arabic = form_page.one("textarea", id="description__ar")
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")

    response = client.post("/manage/events/new", data={
        **FORM, "title": "رحلات إلى كندا", "language": "ar",
        "title__en": "Journeys to Canada", "summary__en": "Stories of arrival.",
        "title__fr": "Parcours vers le Canada", "childcare_notes__es": "Guardería gratuita.",
        "title__ar": "ignored: the original is Arabic"})
    assert response.status_code == 303, errors_of(response)
    event = load(app, response.headers["Location"].rsplit("/", 1)[1])
    assert (event.language, event.title) == ("ar", "رحلات إلى كندا")
    assert event.translations == {
        "en": {"title": "Journeys to Canada", "summary": "Stories of arrival."},
        "es": {"childcare_notes": "Guardería gratuita."},
        "fr": {"title": "Parcours vers le Canada"}}

    # The event's page says what is still missing; the edit form shows what is given.
    manage = page(client.get(f"/manage/events/{event.slug}")).text
    assert "简体中文" in manage and "Español" in manage
    edit = page(client.get(f"/manage/events/{event.slug}/edit"))
    assert edit.one("input", id="title__fr")["value"] == "Parcours vers le Canada"
    assert edit.one("select", id="language").one("option", value="ar").attrs.get("selected") is not None


def test_a_translation_longer_than_its_field_is_refused_beside_it(app, client, login, chair_world):
    login(client, chair_world["chair"])
    response = client.post("/manage/events/new", data={**FORM, "title__fr": "x" * 201})
    assert response.status_code == 400
    assert errors_of(response)["title__fr"] == ["Please use at most 200 characters."]
