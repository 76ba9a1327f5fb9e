"""Issue 15: the registrants page and CSV of an event with thousands of people
are sent while they are read, a batch at a time, so a process's memory does
not grow with the number of people.

`registrant_services.STREAM_BATCH` is made small here so that a few hundred
rows span many batches, and a person's session picks straddle batch ends.
"""
import csv
import io
import re
import weakref
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from events_app.events.models import Event
from events_app.extensions import db
from events_app.manage import registrant_services
from events_app.registrations import services as registrations
from events_app.registrations.models import Registration
from htmltools import normalise, page

from manage.worlds import add_registrations

BATCH = 7
PEOPLE = 300


@pytest.fixture
def big_meeting(app, clock, make_council, make_event, make_user):
    """A meeting with two sessions: 40 people who picked sessions (some one,
    some both), registered one minute apart, and 300 more who picked none."""
    council = make_council(slug="here")
    start = clock.now + timedelta(days=7)
    meeting = make_event(slug="meeting", title="Meeting", kind="community-meeting", council=council,
                         start_dt=start, end_dt=start + timedelta(hours=3), capacity=None)
    make_event(slug="later", title="Later session", kind="workshop", parent=meeting, capacity=30,
               start_dt=start + timedelta(hours=1), end_dt=start + timedelta(hours=2))
    make_event(slug="early", title="Early session", kind="workshop", parent=meeting, capacity=None,
               start_dt=start, end_dt=start + timedelta(hours=1))
    with app.app_context():
        meeting = db.session.scalars(select(Event).where(Event.slug == "meeting")).one()
        by_slug = {s.slug: s.id for s in meeting.sessions}
        for n in range(40):
            picks = [by_slug["early"], by_slug["later"]] if n % 3 else [by_slug["later"]]
            registrations.register(
                db.session, meeting, name=f"Person {n:02d}", email=f"p{n}@example.org",
                consent=True, now=clock.now - timedelta(days=3) + timedelta(minutes=n),
                session_ids=picks)
        db.session.commit()
        add_registrations(meeting.id, clock.now, confirmed=PEOPLE)
    return make_user(role="admin")


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_streamed_lists_are_whole_and_keep_each_persons_picks(client, big_meeting, login,
                                                              monkeypatch):
    """Small batches give the same page and CSV as one big batch."""
    login(client, big_meeting)
    whole_page = client.get("/manage/events/meeting/registrants").get_data()
    whole_csv = client.get("/manage/events/meeting/registrants.csv").get_data()
    monkeypatch.setattr(registrant_services, "STREAM_BATCH", BATCH)
    response = client.get("/manage/events/meeting/registrants")
    assert response.is_streamed
    assert _without_token(response.get_data()) == _without_token(whole_page)
    assert client.get("/manage/events/meeting/registrants.csv").get_data() == whole_csv

    rows = csv_rows(whole_csv)
    assert len(rows) == 40 + PEOPLE
    assert [r["Name"] for r in rows[:3]] == ["Person 00", "Person 01", "Person 02"]
    # Person 00 picked the later session only; 01 both, the earlier one first;
    # from the 31st on, those who picked the later session wait for it.
    assert rows[0]["Sessions"] == "Later session (Place confirmed)"
    assert rows[1]["Sessions"] == "Early session (Place confirmed); Later session (Place confirmed)"
    assert rows[38]["Sessions"] == ("Early session (Place confirmed); "
                                    "Later session (On the waitlist 9)")
    assert rows[39]["Sessions"] == "Later session (On the waitlist 10)"
    assert all(r["Sessions"] == "" for r in rows[40:])
    caption = page(response).one("caption").text
    assert normalise(caption) == f"{40 + PEOPLE} registrations"


def _without_token(html: bytes) -> bytes:
    """The sign-out form's CSRF token differs per request."""
    return re.sub(rb'name="csrf_token" value="[^"]+"', b"", html)


@pytest.mark.parametrize("path", ["/manage/events/meeting/registrants",
                                  "/manage/events/meeting/registrants.csv"])
def test_memory_stays_flat_however_many_registered(app, client, big_meeting, login, monkeypatch,
                                                   path):
    """At most about two batches of registrations are alive while the list is
    sent: reading them all first would hold all 340."""
    login(client, big_meeting)
    monkeypatch.setattr(registrant_services, "STREAM_BATCH", BATCH)
    monkeypatch.setattr(registrant_services, "CSV_CHUNK", 512)
    monkeypatch.setattr("events_app.templating.STREAM_CHUNK", 512)
    alive = weakref.WeakSet()

    def loaded(target, context):
        alive.add(target)

    sa_event.listen(Registration, "load", loaded)
    try:
        response = client.get(path)
        assert response.status_code == 200 and response.is_streamed
        most, chunks, seen = 0, 0, bytearray()
        for chunk in response.response:
            chunks += 1
            seen += chunk if isinstance(chunk, bytes) else chunk.encode()
            most = max(most, len(alive))
    finally:
        sa_event.remove(Registration, "load", loaded)
    assert chunks > 20
    text = seen.decode("utf-8-sig")
    names = text.count("<bdi>Someone</bdi>") if path.endswith("registrants") else text.count("\nSomeone,")
    assert names == PEOPLE and "Person 39" in text
    assert 0 < most <= 2 * BATCH + 2, most
