"""A session is made from its meeting (issue 16, item 1): it starts from the
meeting's venue, languages, themes and status (its Sub-council is the
meeting's); one without a
place of its own is held where the meeting is, on its page and in its .ics;
publishing the meeting publishes its draft sessions."""
from datetime import timedelta

from sqlalchemy import select

from accounts.users import submit
from events_app.events.models import Event
from events_app.extensions import db
from events_app.manage.models import AuditEntry
from htmltools import normalise, page


def test_a_new_session_starts_from_its_meeting(client, clock, make_council, make_theme, make_venue,
                                               make_event, make_user, login):
    council = make_council(slug="health", name="Health")
    theme = make_theme(slug="wellbeing", name="Wellbeing")
    hall = make_venue(slug="hall", name="Community Hall")
    meeting = make_event(slug="spring", kind="community-meeting", council=council, venue=hall,
                         languages=["en", "ar"], themes=[theme], status="draft")
    login(client, make_user(councils=[council]))
    form = page(client.get(f"/manage/events/{meeting.slug}/sessions/new"))

    def chosen(name):
        return [o["value"] for o in form.one("select", name=name).find_all("option")
                if "selected" in o.attrs]

    assert chosen("venue") == [str(hall.id)]
    assert form.one("input", name="languages")["value"] == "en, ar"
    assert chosen("status") == ["draft"]
    assert form.one("input", name="themes", value=str(theme.id)).attrs.get("checked") is not None


def test_a_session_without_a_place_of_its_own_is_where_its_meeting_is(client, make_venue, make_event):
    hall = make_venue(slug="hall", name="Community Hall", address="1 Hall Street, London, ON")
    meeting = make_event(slug="spring", kind="community-meeting", venue=hall)
    make_event(slug="spring-workshop", kind="workshop", parent=meeting, start_dt=meeting.start_dt,
               end_dt=meeting.start_dt + timedelta(hours=1))
    html = page(client.get("/events/spring-workshop"))
    where = normalise(html.one("dl", class_="facts").text)
    assert "Community Hall" in where and "1 Hall Street" in where and "To be announced" not in where
    ics = client.get("/events/spring-workshop.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "LOCATION:Community Hall\\, 1 Hall Street\\, London\\, ON" in ics


def test_publishing_a_meeting_publishes_its_draft_sessions(app, client, make_council, make_event,
                                                           make_user, login):
    council = make_council(slug="health")
    meeting = make_event(slug="spring", kind="community-meeting", council=council, status="draft")
    for n in range(2):
        make_event(slug=f"spring-{n}", kind="workshop", parent=meeting, status="draft",
                   start_dt=meeting.start_dt, end_dt=meeting.start_dt + timedelta(hours=1))
    login(client, make_user(councils=[council]))
    manage = client.get("/manage/events/spring")
    assert "Publishing the meeting publishes its draft sessions with it." in page(manage).text
    answer = submit(client, manage, {}, form_index=[f["action"] for f in page(manage).find_all(
        "form", method="post")].index("/manage/events/spring/publish"), follow_redirects=True)
    assert "The event is published, with its 2 sessions." in page(answer).text
    with app.app_context():
        statuses = dict(db.session.execute(select(Event.slug, Event.status)).all())
        published = list(db.session.scalars(select(AuditEntry.summary)
                                            .where(AuditEntry.action == "event.publish")))
    assert statuses == {"spring": "published", "spring-0": "published", "spring-1": "published"}
    assert len(published) == 3
    assert "Programme" in page(client.get("/events/spring")).text
