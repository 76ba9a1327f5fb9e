"""Every feed and event file is read correctly by calendar parsers other than
the library that writes it, with the right local times around the
daylight-saving changes, and holds what it should, and nothing personal."""
import re
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from events_app.events.models import Event, EventKind, EventStatus
from events_app.events.services import apply_changes
from events_app.extensions import db
from dbsetup import count_statements
from icaltools import (
    AMBIGUOUS,
    AROUND_DST,
    TRICKY_TITLE,
    assert_wire_format,
    parse_everywhere,
    properties,
    unfolded,
    utc,
    vevent_blocks,
)

TORONTO = ZoneInfo("America/Toronto")
HOST = "events.test"  # TestConfig.SITE_URL

FEEDS = [
    "/calendar.ics",
    "/calendar/councils/health-and-wellbeing.ics",
    "/calendar/councils/employment.ics",
    "/calendar/themes/host-community.ics",
    *(f"/calendar/kinds/{kind}.ics" for kind in EventKind),
]
FILES = ["/events/march-meeting.ics", "/events/breath.ics", "/events/tricky.ics",
         "/events/cancelled-walk.ics", *(f"/events/{slug}.ics" for slug in AROUND_DST)]


def fetch(client, path: str, **headers) -> bytes:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    assert response.content_type == "text/calendar; charset=utf-8"
    return response.get_data()


def uid_of(event) -> str:
    return f"{event.uid}@{HOST}"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("path", FEEDS + FILES)
def test_every_feed_and_file_parses_in_every_parser(client, calendar_site, path, language):
    body = fetch(client, f"{path}?lang={language}")
    assert_wire_format(body)
    parsed = parse_everywhere(body)
    assert parsed.ical, f"{path} is empty"
    # The three agree on every event's times, title and status.
    assert parsed.ical == parsed.vobject
    for uid, (start, end, summary, status) in parsed.ical.items():
        assert parsed.expanded[uid] == (start, end, summary, status)
        assert start.tzinfo is not None and end > start, uid  # never floating


def test_an_empty_feed_parses_in_every_parser(client, calendar_site):
    body = fetch(client, "/calendar/councils/employment.ics")  # has events
    assert parse_everywhere(body).ical
    with client.application.app_context():
        db.session.execute(db.delete(Event).where(Event.parent_id.is_not(None)))
        db.session.execute(db.delete(Event))
        db.session.commit()
    body = fetch(client, "/calendar/councils/employment.ics")
    assert_wire_format(body)
    assert parse_everywhere(body).ical == {}
    assert b"BEGIN:VTIMEZONE" not in body  # no time, no zone


def test_demo_feeds_parse_in_every_parser(client, demo):
    """The demo content, all of it: every feed and every event file."""
    paths = ["/calendar.ics"]
    for page in ("/calendar",):
        html = client.get(page).get_data(as_text=True)
        paths += sorted(set(re.findall(r'value="http://events\.test(/calendar[^"?]*\.ics)', html)))
    with client.application.app_context():
        slugs = db.session.scalars(
            db.select(Event.slug).where(Event.status != EventStatus.DRAFT)
        ).all()
    paths += [f"/events/{slug}.ics" for slug in slugs]
    assert len(paths) > 20
    for path in paths:
        body = fetch(client, path)
        assert_wire_format(body)
        parse_everywhere(body)


@pytest.mark.parametrize("slug", sorted(AROUND_DST))
@pytest.mark.parametrize("path", ["/calendar.ics", "/events/{slug}.ics"])
def test_times_are_toronto_wall_clock_around_daylight_saving(client, calendar_site, slug, path):
    start_utc, minutes, local, fold = AROUND_DST[slug]
    event = calendar_site.dst[slug]
    body = fetch(client, path.format(slug=slug))
    parsed = parse_everywhere(body)
    for parser, events in parsed.all().items():
        start, end, _summary, _status = events[uid_of(event)]
        assert start == start_utc, parser  # the same instant
        assert end - start == timedelta(minutes=minutes), parser
        wall = start.astimezone(TORONTO)
        assert (wall.replace(tzinfo=None), wall.fold) == (local, fold), parser

    block = next(b for b in vevent_blocks(body) if f"UID:{uid_of(event)}" in b)
    dtstart = next(line for line in block if line.startswith("DTSTART"))
    if slug in AMBIGUOUS:
        # 01:30 with a TZID would mean the first 01:30: UTC says which one.
        assert dtstart == f"DTSTART:{start_utc:%Y%m%dT%H%M%S}Z"
    else:
        assert dtstart == f"DTSTART;TZID=America/Toronto:{local:%Y%m%dT%H%M%S}"


def test_vtimezone_alone_gives_the_right_times(client, calendar_site):
    """With the zone renamed, parsers cannot look America/Toronto up in their
    own tz database: every time must come out right from the file's VTIMEZONE."""
    body = fetch(client, "/calendar.ics")
    assert properties(body, "TZID") == [":America/Toronto"]
    blocks = body.decode().split("BEGIN:VTIMEZONE")[1].split("END:VTIMEZONE")[0]
    assert "BEGIN:STANDARD" in blocks and "BEGIN:DAYLIGHT" in blocks
    renamed = body.decode().replace("America/Toronto", "LMLIP/Site-Zone")
    parsed = parse_everywhere(renamed)
    with client.application.app_context():
        events = {uid_of(e): e for e in db.session.scalars(db.select(Event))}
    for parser, found in parsed.all().items():
        for uid, (start, end, _summary, _status) in found.items():
            assert start == events[uid].start_dt, (parser, events[uid].slug, start)
            assert end == events[uid].end_dt, (parser, events[uid].slug, end)


def test_one_vtimezone_covers_every_date(client, calendar_site):
    body = fetch(client, "/calendar.ics")
    assert body.count(b"BEGIN:VTIMEZONE") == 1
    starts = [re.search(r"(\d{8})T", line).group(1)
              for line in properties(body, "DTSTART") if "TZID" in line]
    onsets = [line[1:9] for line in re.findall(r"DTSTART:(\d{8})T\d{6}\r\nRRULE", body.decode())]
    assert onsets and min(onsets) <= min(starts)  # an onset precedes the first event
    assert b"RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in body
    assert b"RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in body


@pytest.mark.parametrize("language, title", [("en", TRICKY_TITLE), ("fr", TRICKY_TITLE + " (fr)")])
def test_french_arabic_and_punctuation_survive(client, calendar_site, language, title):
    body = fetch(client, f"/calendar.ics?lang={language}")
    parsed = parse_everywhere(body)
    for parser, events in parsed.all().items():
        assert events[uid_of(calendar_site.tricky)][2] == title, parser
    escaped = title.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")
    assert f"SUMMARY:{escaped}" in unfolded(body)
    import vobject

    card = vobject.readOne(body.decode(), validate=True)
    tricky = next(e for e in card.vevent_list if e.uid.value == uid_of(calendar_site.tricky))
    assert "Résumé; with, punctuation\nand a new line." in tricky.description.value


def test_uids_are_stable_across_fetches_and_edits(app, client, calendar_site, clock):
    first = properties(fetch(client, "/calendar.ics"), "UID")
    assert first == properties(fetch(client, "/calendar.ics"), "UID")
    assert f":{uid_of(calendar_site.tricky)}" in first
    with app.app_context():
        event = db.session.get(Event, calendar_site.tricky.id)
        apply_changes(event, clock.now, title="A new title", start_dt=event.start_dt + timedelta(hours=1),
                      end_dt=event.end_dt + timedelta(hours=1))
        db.session.commit()
    after = properties(fetch(client, "/calendar.ics"), "UID")
    assert sorted(after) == sorted(first)
    single = properties(fetch(client, "/events/tricky.ics"), "UID")
    assert single == [f":{uid_of(calendar_site.tricky)}"]


def test_an_edit_bumps_sequence_and_stamps(app, client, calendar_site, clock):
    def tricky_props(body):
        block = next(b for b in vevent_blocks(body) if f"UID:{uid_of(calendar_site.tricky)}" in b)
        return dict(line.split(":", 1) for line in block if not line.startswith(" "))

    before = tricky_props(fetch(client, "/calendar.ics"))
    assert before["SEQUENCE"] == "0"
    edited_at = clock.now + timedelta(minutes=5)
    with app.app_context():
        event = db.session.get(Event, calendar_site.tricky.id)
        assert apply_changes(event, edited_at, title="Moved", start_dt=event.start_dt + timedelta(days=1),
                             end_dt=event.end_dt + timedelta(days=1))
        db.session.commit()
    after = tricky_props(fetch(client, "/calendar.ics"))
    assert after["SEQUENCE"] == "1"
    assert after["SUMMARY"] == "Moved"
    assert after["DTSTAMP"] == after["LAST-MODIFIED"] == f"{edited_at:%Y%m%dT%H%M%S}Z"


def test_cancellation_stays_sixty_days_then_drops_out(app, client, calendar_site, clock):
    event = calendar_site.tricky
    with app.app_context():
        row = db.session.get(Event, event.id)
        apply_changes(row, clock.now, status=EventStatus.CANCELLED)
        db.session.commit()
        end = row.end_dt
    response = client.get("/calendar.ics")
    body = response.get_data()
    parsed = parse_everywhere(body)
    for parser, events in parsed.all().items():
        assert events[uid_of(event)][3] == "CANCELLED", parser
    block = next(b for b in vevent_blocks(body) if f"UID:{uid_of(event)}" in b)
    assert "SEQUENCE:1" in block and "STATUS:CANCELLED" in block

    # Still there just before its 60 days are up (and nothing changes in a minute) …
    clock.set(end + timedelta(days=60) - timedelta(minutes=2))
    before = client.get("/calendar.ics")
    clock.set(end + timedelta(days=60) - timedelta(minutes=1))
    still = client.get("/calendar.ics")
    assert f"UID:{uid_of(event)}".encode() in still.get_data()
    assert "STATUS:CANCELLED" in next(b for b in vevent_blocks(still.get_data()) if f"UID:{uid_of(event)}" in b)
    assert still.headers["ETag"] == before.headers["ETag"]
    # … and gone after, with a new ETag and Last-Modified.
    clock.set(end + timedelta(days=60) + timedelta(minutes=1))
    gone = client.get("/calendar.ics", headers={"If-None-Match": still.headers["ETag"]})
    assert gone.status_code == 200
    assert f"UID:{uid_of(event)}".encode() not in gone.get_data()
    assert gone.headers["ETag"] != still.headers["ETag"]
    assert gone.last_modified > still.last_modified


def test_window_keeps_sixty_days_of_past_events_and_no_drafts(client, calendar_site, make_event, clock):
    recent = make_event(slug="recent", start_dt=clock.now - timedelta(days=59, hours=3))
    old = make_event(slug="old", start_dt=clock.now - timedelta(days=61))
    body = fetch(client, "/calendar.ics")
    uids = {line[1:] for line in properties(body, "UID")}
    assert uid_of(recent) in uids
    assert uid_of(old) not in uids
    assert uid_of(calendar_site.draft) not in uids
    assert client.get("/events/draft-plan.ics").status_code == 404


def test_sessions_are_their_own_events_and_listed_by_their_meeting(client, calendar_site):
    body = fetch(client, "/calendar.ics")
    uids = {line[1:] for line in properties(body, "UID")}
    assert {uid_of(s) for s in calendar_site.sessions} <= uids
    meeting = next(b for b in vevent_blocks(body) if f"UID:{uid_of(calendar_site.meeting)}" in b)
    description = next(line for line in meeting if line.startswith("DESCRIPTION:"))
    # In the order of the programme, with local times.
    assert description.index("Journeys to Canada") < description.index("Breath")
    assert "10:00 AM – 11:30 AM Journeys to Canada" in description.replace("\u202f", " ")
    session = next(b for b in vevent_blocks(body) if f"UID:{uid_of(calendar_site.sessions[0])}" in b)
    assert f"RELATED-TO;RELTYPE=PARENT:{uid_of(calendar_site.meeting)}" in session
    assert any("Part of: March 7 Community Meeting" in line for line in session)


def test_event_properties(client, calendar_site):
    body = fetch(client, "/calendar.ics")
    meeting = dict(
        line.split(":", 1) for line in
        next(b for b in vevent_blocks(body) if f"UID:{uid_of(calendar_site.meeting)}" in b)
    )
    assert meeting["URL"] == "http://events.test/events/march-meeting"
    assert meeting["LOCATION"] == "Central Library\\, 251 Dundas Street\\, London\\, ON"
    assert meeting["CATEGORIES"] == "Host Community,Community meeting"
    assert meeting["STATUS"] == "CONFIRMED"
    description = meeting["DESCRIPTION"].replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
    assert "Acts on:\n- HW-2 Mental-health supports (Health and Wellbeing)" in description
    assert "Languages: English, French, Arabic" in description
    assert "Accessibility: Step-free entrance." in description
    assert description.endswith("Event page: http://events.test/events/march-meeting")
    session = dict(
        line.split(":", 1) for line in
        next(b for b in vevent_blocks(body) if f"UID:{uid_of(calendar_site.sessions[0])}" in b)
        if not line.startswith("RELATED-TO")
    )
    assert session["CATEGORIES"] == "Health and Wellbeing,Workshop"
    assert "Sub-council: Health and Wellbeing" in session["DESCRIPTION"]
    online = dict(
        line.split(":", 1) for line in
        next(b for b in vevent_blocks(body) if f"UID:{uid_of(calendar_site.tricky)}" in b)
    )
    assert online["LOCATION"] == "https://meet.example.org/lmlip"


def test_labels_and_names_in_the_readers_language(client, calendar_site):
    body = fetch(client, "/calendar.ics", **{"Accept-Language": "fr-CA,fr;q=0.9"})
    lines = unfolded(body)
    # The partnership spelled out, not its acronym (issue 16, item 5).
    assert "X-WR-CALNAME:Événements communautaires\u00a0: Partenariat local d’immigration de London et Middlesex" in lines
    assert "NAME:Événements communautaires\u00a0: Partenariat local d’immigration de London et Middlesex" in lines
    text = body.decode().replace("\r\n ", "")
    assert "Sous-conseil\u00a0: Santé et bien-être" in text
    assert "Donne suite à\u00a0:" in text
    assert "Rencontre communautaire du 7 mars" in text
    assert "Sub-council:" not in text and "Acts on" not in text


@pytest.mark.parametrize(
    "path, present, absent",
    [
        ("/calendar/councils/health-and-wellbeing.ics",
         # Its own, those acting on its recommendations, sessions of those meetings.
         ["tricky", "march-meeting", "breath", "journeys"], ["cancelled-walk", "fall-back-sunday"]),
        ("/calendar/councils/employment.ics", ["cancelled-walk", "journeys"], ["tricky", "march-meeting", "breath"]),
        ("/calendar/themes/host-community.ics", ["march-meeting", "breath", "tricky"], ["cancelled-walk"]),
        ("/calendar/kinds/community-meeting.ics", ["march-meeting", "breath", "journeys"], ["tricky"]),
        ("/calendar/kinds/workshop.ics", ["breath", "journeys"], ["march-meeting", "tricky"]),
        ("/calendar/kinds/neighbourhood-event.ics", ["tricky", "cancelled-walk", "fall-back-sunday"], ["breath"]),
        ("/calendar/kinds/council-meeting.ics", ["council-meeting"], ["tricky", "breath"]),
    ],
)
def test_each_feed_holds_its_events(client, calendar_site, path, present, absent):
    body = fetch(client, path)
    with client.application.app_context():
        uids = {slug: uid_of(db.session.scalar(db.select(Event).filter_by(slug=slug)))
                for slug in present + absent}
    found = {line[1:] for line in properties(body, "UID")}
    assert {uids[s] for s in present} <= found
    assert not {uids[s] for s in absent} & found
    assert uid_of(calendar_site.draft) not in found


def test_no_personal_data(client, calendar_site):
    for path in FEEDS + FILES:
        body = fetch(client, path)
        for line in unfolded(body):
            assert not line.startswith(("ATTENDEE", "ORGANIZER", "CONTACT")), (path, line)
        assert not re.search(rb"[\w.+-]+@[\w-]+\.[\w.]+", body.replace(HOST.encode(), b"")), path
        assert b"mailto:" not in body.lower()


def _bulk_events(app, make_event, count: int, calendar_site) -> None:
    """`count` more published events like the others: council, venue, theme, recommendation."""
    from sqlalchemy import insert

    from events_app.events.models import event_recommendations, event_themes

    with app.app_context():
        table = Event.__table__
        start = utc(2027, 1, 4, 15)
        ids = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [
                {"slug": f"bulk-{n}", "kind": "workshop", "title": f"Bulk {n}", "uid": f"bulk{n:08d}",
                 "summary": "", "description": "", "start_dt": start + timedelta(hours=n),
                 "end_dt": start + timedelta(hours=n, minutes=90), "status": "published",
                 "languages": ["en", "fr"], "council_id": calendar_site.council.id,
                 "venue_id": calendar_site.venue.id, "sequence": 0, "accessibility_notes": "",
                 "interpretation_notes": "", "childcare_notes": "",
                 "created_dt": start, "updated_dt": start}
                for n in range(count)
            ],
        ).scalars().all()
        db.session.execute(insert(event_themes), [{"event_id": i, "theme_id": calendar_site.theme.id} for i in ids])
        db.session.execute(insert(event_recommendations),
                           [{"event_id": i, "recommendation_id": calendar_site.recommendation.id} for i in ids])
        db.session.commit()


@pytest.mark.parametrize("path", ["/calendar.ics", "/calendar/councils/health-and-wellbeing.ics",
                                  "/calendar/themes/host-community.ics", "/calendar/kinds/workshop.ics"])
def test_a_feed_runs_the_same_queries_for_5_or_200_events(app, client, calendar_site, make_event, path):
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as small:
        body = fetch(client, path)
    _bulk_events(app, make_event, 200, calendar_site)
    with count_statements(engine) as big:
        bigger = fetch(client, path)
    assert len(properties(bigger, "UID")) >= len(properties(body, "UID")) + 195
    assert len(big) == len(small), "\n".join(big)
    assert len(small) <= 10, "\n".join(small)


def test_a_repeating_meeting_is_one_series_in_the_feeds(client, make_event, make_council, clock):
    """The feeds carry the rule (and skipped dates); calendar apps expand it.
    A series stays in the feeds after its first date is long past."""
    import recurring_ical_events
    from icalendar import Calendar

    council = make_council(slug="education")
    start = clock.now - timedelta(days=90)
    start = start.replace(hour=23, minute=0)  # 18:00 or 19:00 in London, Ontario
    make_event(kind=EventKind.COUNCIL_MEETING, title="Education Sub-council", council=council,
               start_dt=start, end_dt=start + timedelta(hours=2),
               recurrence_rule="FREQ=WEEKLY;INTERVAL=2;COUNT=12",
               recurrence_exdates=[(start + timedelta(days=98)).astimezone(
                   ZoneInfo("America/Toronto")).date().isoformat()])
    for path in ("/calendar.ics", "/calendar/councils/education.ics"):
        body = client.get(path).get_data(as_text=True)
        assert re.search(r"^RRULE:FREQ=WEEKLY;.*INTERVAL=2", body, re.M) and "COUNT=12" in body
        assert "EXDATE" in body
        calendar = Calendar.from_ical(body)
        occurrences = recurring_ical_events.of(calendar).between(
            clock.now - timedelta(days=200), clock.now + timedelta(days=200))
        assert len(occurrences) == 11  # twelve, one skipped
        # Two recurrence engines that share no code with icalendar agree.
        [series] = parse_everywhere(body).occurrences.values()
        assert len(series) == 11 and series[0] == start
        assert (start + timedelta(days=98)).astimezone(timezone.utc) not in series
