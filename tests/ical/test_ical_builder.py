"""The builder on its own: the bytes icalendar itself writes, a VTIMEZONE
that agrees with the tz database, the fall-back hour, iTIP methods."""
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import tz as dateutil_tz

from events_app.events.models import Event
from events_app.events.services import get_public_event
from events_app.extensions import db
from events_app.ical import services
from events_app.ical.builders import (
    CalendarEvent,
    Method,
    build_calendar,
    escape_text,
    fold,
    is_ambiguous,
    vtimezone,
)
from icaltools import vevent_blocks

TORONTO = ZoneInfo("America/Toronto")


def test_feed_bytes_are_icalendars_own(app, calendar_site, make_event, clock):
    """The VEVENTs are written without icalendar's objects: icalendar, reading
    them and writing them again, gives the very same bytes (order, escaping,
    folding, TZID and UTC times, RRULE and EXDATE, RELATED-TO)."""
    start = clock.now.replace(hour=23, minute=0) + timedelta(days=3)
    make_event(slug="repeating", title="Every other week; with, commas", start_dt=start,
               end_dt=start + timedelta(hours=2), recurrence_rule="FREQ=WEEKLY;INTERVAL=2;COUNT=6",
               recurrence_exdates=[(start + timedelta(days=14)).astimezone(TORONTO).date().isoformat()])
    for language in ("en", "fr", "ar"):
        with app.test_request_context(f"/calendar.ics?lang={language}"):
            app.preprocess_request()
            body = services.build_feed(db.session, services.all_feed(), clock.now,
                                       "http://events.test", TORONTO)
        assert b"RRULE:" in body and b"EXDATE;TZID=America/Toronto:" in body
        assert b"RELATED-TO;RELTYPE=PARENT:" in body and b"Z\r\nDTEND:" in body  # a UTC time
        assert icalendar.Calendar.from_ical(body).to_ical() == body, language
    with app.test_request_context("/"):
        event = CalendarEvent.from_model(get_public_event(db.session, "tricky"))
        invitation = build_calendar([event], site_url="http://events.test", zone=TORONTO,
                                    method=Method.REQUEST, organizer="events@lmlip.example")
    assert icalendar.Calendar.from_ical(invitation).to_ical() == invitation


def test_escaping_and_folding_match_icalendar_on_awkward_text():
    rng = random.Random(5545)
    alphabet = "abc ,;:\\^\"'é–«»مرحبا中文😀\t\n\r" + "x" * 20
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 60, 72, 73, 74, 75, 76, 140, 300])))
             for _ in range(400)]
    texts += ["a" * 70 + "\\\\\\\\", "a" * 73 + "^^", "\\N and \r\n", "x" * 74, "x" * 75]
    for text in texts:
        assert escape_text(text) == icalendar.vText(text).to_ical().decode(), repr(text)
        line = f"DESCRIPTION:{escape_text(text)}"
        theirs = icalendar.Calendar()
        theirs.add("DESCRIPTION", text)  # a TEXT property
        assert f"BEGIN:VCALENDAR\r\n{fold(line)}\r\nEND:VCALENDAR\r\n".encode() == theirs.to_ical()
        assert all(len(piece.encode()) <= 75 for piece in fold(line).split("\r\n"))
    assert fold("é" * 100).replace("\r\n ", "") == "é" * 100


def test_is_ambiguous_only_in_the_repeated_hour():
    def local(hour, minute, fold_):
        return datetime(2026, 11, 1, hour, minute, fold=fold_, tzinfo=TORONTO)

    assert is_ambiguous(local(1, 30, 0)) and is_ambiguous(local(1, 30, 1))
    assert is_ambiguous(local(1, 0, 0)) and is_ambiguous(local(1, 59, 1))
    assert not is_ambiguous(local(0, 59, 0))
    assert not is_ambiguous(local(2, 0, 0))
    assert not is_ambiguous(datetime(2027, 3, 14, 3, 30, tzinfo=TORONTO))


def _read_back(zone: str, years: tuple[int, int]):
    """The VTIMEZONE as dateutil reads it (vobject and recurring-ical-events use dateutil)."""
    import io

    component = vtimezone(zone, *years)
    assert component["TZID"] == zone
    text = f"BEGIN:VCALENDAR\r\n{component.to_ical().decode()}END:VCALENDAR\r\n"
    return dateutil_tz.tzical(io.StringIO(text)).get(zone)


def _hours(years):
    moment = datetime(years[0], 1, 1, tzinfo=timezone.utc)
    while moment.year <= years[1]:
        yield moment
        moment += timedelta(hours=1)


@pytest.mark.parametrize(
    "zone, years",
    [("America/Toronto", (2026, 2028)), ("Europe/London", (2026, 2027)),
     ("Australia/Sydney", (2026, 2027)), ("Asia/Tokyo", (2026, 2027))],
)
def test_vtimezone_agrees_with_the_tz_database(zone, years):
    """Zones with today's rules: one yearly RRULE per observance, and the
    offset at every hour of the years (transitions included) is the tz database's."""
    read, real = _read_back(zone, years), ZoneInfo(zone)
    assert "RDATE" not in vtimezone(zone, *years).to_ical().decode()
    for moment in _hours(years):
        assert moment.astimezone(read).utcoffset() == moment.astimezone(real).utcoffset(), moment


@pytest.mark.parametrize(
    "zone, years",
    [("America/Toronto", (2005, 2008)), ("America/Toronto", (2026, 2028)),
     ("Europe/London", (2026, 2027))],
)
def test_vtimezone_gives_every_wall_clock_time_its_offset(zone, years):
    """Also when the rules change within the years (2007 in Toronto) and
    icalendar's RDATE form is used: every wall-clock time the file can hold
    (not the repeated hour, written in UTC) means the right instant."""
    read, real = _read_back(zone, years), ZoneInfo(zone)
    for moment in _hours(years):
        local = moment.astimezone(real)
        if is_ambiguous(local):
            continue
        assert local.replace(tzinfo=read).utcoffset() == local.utcoffset(), local


def test_vtimezone_for_toronto_is_the_usual_rules():
    text = vtimezone("America/Toronto", 2026, 2027).to_ical().decode()
    assert text == (
        "BEGIN:VTIMEZONE\r\nTZID:America/Toronto\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:20250309T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n"
        "TZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nDTSTART:20251102T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n"
        "TZNAME:EST\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    )


def test_feed_and_single_file_write_the_same_vevent(app, calendar_site, clock):
    """The feed (read from rows) and one event's file (from the model) agree."""
    with app.test_request_context("/"):
        feed = services.build_feed(db.session, services.all_feed(), clock.now,
                                   "http://events.test", TORONTO)
        in_feed = {next(l for l in b if l.startswith("UID:")): b for b in vevent_blocks(feed)}
        slugs = db.session.scalars(db.select(Event.slug).where(Event.status != "draft")).all()
        for slug in slugs:
            event = get_public_event(db.session, slug)
            single = build_calendar([CalendarEvent.from_model(event)],
                                    site_url="http://events.test", zone=TORONTO)
            (block,) = vevent_blocks(single)
            uid = next(line for line in block if line.startswith("UID:"))
            assert block == in_feed[uid], slug


def test_methods_for_mail(app, calendar_site):
    with app.test_request_context("/"):
        event = CalendarEvent.from_model(get_public_event(db.session, "tricky"))
        with pytest.raises(ValueError):
            build_calendar([event], site_url="http://events.test", zone=TORONTO, method="REQUEST")
        request = build_calendar([event], site_url="http://events.test", zone=TORONTO,
                                 method=Method.REQUEST, organizer="events@lmlip.example")
        assert b"METHOD:REQUEST" in request
        assert b'ORGANIZER;CN="London & Middlesex Local Immigration Partnership":mailto:events@lmlip.example' in request.replace(b"\r\n ", b"")
        assert b"STATUS:CONFIRMED" in request and b"ATTENDEE" not in request
        cancel = build_calendar([event], site_url="http://events.test", zone=TORONTO,
                                method="CANCEL", organizer="mailto:events@lmlip.example")
        assert b"METHOD:CANCEL" in cancel and b"STATUS:CANCELLED" in cancel
        publish = build_calendar([event], site_url="http://events.test", zone=TORONTO)
        assert b"METHOD:PUBLISH" in publish and b"ORGANIZER" not in publish


def test_vtimezone_covers_the_events_years(app, make_event):
    early = make_event(slug="january", start_dt=datetime(2027, 1, 5, 15, tzinfo=timezone.utc))
    with app.test_request_context("/"):
        single = build_calendar([CalendarEvent.from_model(get_public_event(db.session, early.slug))],
                                site_url="http://events.test", zone=TORONTO)
    # January follows the previous November's onset of standard time.
    assert b"DTSTART:20261101T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in single
