"""The builder on its own: the same bytes as icalendar's serialiser, a
VTIMEZONE that agrees with the tz database, the fall-back hour, iTIP methods."""
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
    FeedCalendar,
    Method,
    build_calendar,
    fold,
    is_ambiguous,
    vtimezone,
)
from icaltools import vevent_blocks

TORONTO = ZoneInfo("America/Toronto")


def test_feed_bytes_are_icalendars_own(app, calendar_site, clock):
    with app.test_request_context("/calendar.ics?lang=fr"):
        calendar = services.build_feed(db.session, services.all_feed(), clock.now,
                                       "http://events.test", TORONTO)
        assert isinstance(calendar, icalendar.Calendar)
        assert calendar.to_ical() == icalendar.Calendar.to_ical(calendar)
        assert calendar.to_ical(sorted=False) == icalendar.Calendar.to_ical(calendar, sorted=False)


def test_folding_matches_icalendar_on_awkward_text():
    rng = random.Random(5545)
    alphabet = "abc ,;:\\^\"'é–«»مرحبا中文😀\t" + "x" * 20
    calendar = FeedCalendar()
    for n in range(400):
        length = rng.choice([0, 1, 60, 72, 73, 74, 75, 76, 140, 300])
        calendar.add(f"X-TEST-{n}", "".join(rng.choice(alphabet) for _ in range(length)))
    calendar.add("X-BACKSLASH", "a" * 70 + "\\\\\\\\")
    ours = calendar.to_ical()
    assert ours == icalendar.Calendar.to_ical(calendar)
    for line in ours.split(b"\r\n"):
        assert len(line) <= 75
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
                                   "http://events.test", TORONTO).to_ical()
        in_feed = {next(l for l in b if l.startswith("UID:")): b for b in vevent_blocks(feed)}
        slugs = db.session.scalars(db.select(Event.slug).where(Event.status != "draft")).all()
        for slug in slugs:
            event = get_public_event(db.session, slug)
            single = build_calendar([CalendarEvent.from_model(event)],
                                    site_url="http://events.test", zone=TORONTO).to_ical()
            (block,) = vevent_blocks(single)
            uid = next(line for line in block if line.startswith("UID:"))
            assert block == in_feed[uid], slug


def test_methods_for_mail(app, calendar_site):
    with app.test_request_context("/"):
        event = CalendarEvent.from_model(get_public_event(db.session, "tricky"))
        with pytest.raises(ValueError):
            build_calendar([event], site_url="http://events.test", zone=TORONTO, method="REQUEST")
        request = build_calendar([event], site_url="http://events.test", zone=TORONTO,
                                 method=Method.REQUEST, organizer="events@lmlip.example").to_ical()
        assert b"METHOD:REQUEST" in request
        assert b'ORGANIZER;CN="London & Middlesex Local Immigration Partnership":mailto:events@lmlip.example' in request.replace(b"\r\n ", b"")
        assert b"STATUS:CONFIRMED" in request and b"ATTENDEE" not in request
        cancel = build_calendar([event], site_url="http://events.test", zone=TORONTO,
                                method="CANCEL", organizer="mailto:events@lmlip.example").to_ical()
        assert b"METHOD:CANCEL" in cancel and b"STATUS:CANCELLED" in cancel
        publish = build_calendar([event], site_url="http://events.test", zone=TORONTO).to_ical()
        assert b"METHOD:PUBLISH" in publish and b"ORGANIZER" not in publish


def test_vtimezone_covers_the_events_years(app, make_event):
    early = make_event(slug="january", start_dt=datetime(2027, 1, 5, 15, tzinfo=timezone.utc))
    with app.test_request_context("/"):
        single = build_calendar([CalendarEvent.from_model(get_public_event(db.session, early.slug))],
                                site_url="http://events.test", zone=TORONTO).to_ical()
    # January follows the previous November's onset of standard time.
    assert b"DTSTART:20261101T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in single
