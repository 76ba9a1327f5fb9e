"""Times are shown on the wall clock of London, Ontario, also on the weekends the clocks change."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from babel.dates import format_date, format_time

from htmltools import normalise, page

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (UTC start, length, the local day and wall-clock start a reader must see)
AROUND_DST = [
    # Spring forward, Sunday 2027-03-14 02:00 EST -> 03:00 EDT.
    pytest.param(utc(2027, 3, 13, 15, 0), 60, date(2027, 3, 13), time(10, 0), id="sat-before-spring-forward"),
    pytest.param(utc(2027, 3, 14, 14, 0), 60, date(2027, 3, 14), time(10, 0), id="spring-forward-sunday"),
    pytest.param(utc(2027, 3, 15, 14, 0), 60, date(2027, 3, 15), time(10, 0), id="mon-after-spring-forward"),
    # Fall back, Sunday 2026-11-01 02:00 EDT -> 01:00 EST.
    pytest.param(utc(2026, 10, 31, 14, 0), 60, date(2026, 10, 31), time(10, 0), id="sat-before-fall-back"),
    pytest.param(utc(2026, 11, 1, 15, 0), 60, date(2026, 11, 1), time(10, 0), id="fall-back-sunday"),
    pytest.param(utc(2026, 11, 2, 15, 0), 60, date(2026, 11, 2), time(10, 0), id="mon-after-fall-back"),
    pytest.param(utc(2026, 11, 1, 5, 30), 15, date(2026, 11, 1), time(1, 30), id="01:30-EDT"),
    pytest.param(utc(2026, 11, 1, 6, 30), 60, date(2026, 11, 1), time(1, 30), id="01:30-EST"),
]


def wall_clock_end(start: time, minutes: int) -> time:
    # None of the cases crosses the change itself: one hour after 01:30 EST
    # is 02:30, fifteen minutes after 01:30 EDT is 01:45 EDT.
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def english_when(day: date, start: time, end: time) -> str:
    return (f"{format_date(day, 'full', locale='en')}, "
            f"{format_time(start, 'short', locale='en')} – {format_time(end, 'short', locale='en')}")


def french_when(day: date, start: time, end: time) -> str:
    # Babel's own French, whatever state the UI catalogue is in.
    return (f"{format_date(day, 'full', locale='fr')}, "
            f"{format_time(start, 'short', locale='fr')} – {format_time(end, 'short', locale='fr')}")


@pytest.mark.parametrize("start_utc, minutes, day, start", AROUND_DST)
def test_event_page_shows_local_wall_clock_time(client, make_event, start_utc, minutes, day, start):
    event = make_event(start_dt=start_utc, end_dt=start_utc + timedelta(minutes=minutes))
    end = wall_clock_end(start, minutes)

    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    when = page(response).one("dl", class_="facts").one("time")
    assert when["datetime"] == start_utc.isoformat()
    assert normalise(english_when(day, start, end)) == when.text
    # The literal the brief promises, so a Babel change cannot hide a shift.
    assert f"{start.hour % 12 or 12}:{start.minute:02d} AM" in when.text

    response = client.get(f"/events/{event.slug}?lang=fr")
    assert response.status_code == 200
    when = page(response).one("dl", class_="facts").one("time")
    assert normalise(french_when(day, start, end)) == when.text
    assert f"{start.hour:02d}:{start.minute:02d}" in when.text or f"{start.hour} h {start.minute:02d}" in when.text


def test_spring_forward_saturday_and_sunday_both_show_ten_am(client, make_event):
    saturday = make_event(start_dt=utc(2027, 3, 13, 15, 0))
    sunday = make_event(start_dt=utc(2027, 3, 14, 14, 0))
    for event, day in ((saturday, "Saturday, March 13, 2027"), (sunday, "Sunday, March 14, 2027")):
        # ?lang=en: the French page before set the language cookie.
        text = page(client.get(f"/events/{event.slug}?lang=en")).one("dl", class_="facts").text
        assert f"{day}, 10:00 AM – 12:00 PM" in text
        text = page(client.get(f"/events/{event.slug}?lang=fr")).one("dl", class_="facts").text
        assert "10:00 – 12:00" in text or "10 h 00 – 12 h 00" in text


def test_fall_back_both_half_past_ones_show_one_thirty(client, make_event):
    daylight = make_event(start_dt=utc(2026, 11, 1, 5, 30), end_dt=utc(2026, 11, 1, 5, 45))
    standard = make_event(start_dt=utc(2026, 11, 1, 6, 30), end_dt=utc(2026, 11, 1, 7, 30))
    text = page(client.get(f"/events/{daylight.slug}")).one("dl", class_="facts").text
    assert "Sunday, November 1, 2026, 1:30 AM – 1:45 AM" in text
    text = page(client.get(f"/events/{standard.slug}")).one("dl", class_="facts").text
    assert "Sunday, November 1, 2026, 1:30 AM – 2:30 AM" in text


def test_listing_shows_the_same_local_times(client, clock, make_event):
    clock.set(utc(2026, 10, 30, 12, 0))
    make_event(slug="saturday", start_dt=utc(2026, 10, 31, 14, 0))
    make_event(slug="sunday-early", start_dt=utc(2026, 11, 1, 6, 30))
    make_event(slug="sunday", start_dt=utc(2026, 11, 1, 15, 0))
    cards = page(client.get("/events")).find_all("article", class_="event-card")
    whens = [card.one(class_="event-when").text for card in cards]
    assert whens == [
        "Saturday, October 31, 2026, 10:00 AM – 12:00 PM",
        "Sunday, November 1, 2026, 1:30 AM – 3:30 AM",
        "Sunday, November 1, 2026, 10:00 AM – 12:00 PM",
    ]


def test_home_groups_events_by_local_day(client, clock, make_event):
    """22:00 EST on Sunday is 03:00 UTC on Monday: it belongs to Sunday."""
    clock.set(utc(2026, 10, 30, 12, 0))
    make_event(slug="sunday-night", start_dt=utc(2026, 11, 2, 3, 0), end_dt=utc(2026, 11, 2, 4, 0))
    make_event(slug="monday-morning", start_dt=utc(2026, 11, 2, 15, 0))
    days = page(client.get("/")).find_all("section", class_="day")
    by_day = {
        day.find("time")["datetime"]: [c.one(class_="event-title").text for c in day.find_all("article")]
        for day in days
    }
    assert list(by_day) == ["2026-11-01", "2026-11-02"]
    sunday = page(client.get("/")).find("time", datetime="2026-11-01")
    assert sunday.text == "Sunday, November 1, 2026"
    card = days[0].one("article", class_="event-card")
    assert card.one(class_="event-when").text == "10:00 PM – 11:00 PM"


def test_kept_formats_follow_the_zone_and_the_language(app):
    """The formatted dates and times are kept between pages: never across a
    change of the site's zone or of the reader's language."""
    from flask_babel import force_locale

    from events_app.templating import local_date, local_datetime, local_time

    late = datetime(2027, 3, 8, 3, 30, tzinfo=timezone.utc)  # 23:30 on the 7th in Toronto
    with app.test_request_context("/"):
        app.config["SITE_TIMEZONE"] = "America/Toronto"
        toronto = (local_date(late, "medium"), local_time(late), local_datetime(late))
        app.config["SITE_TIMEZONE"] = "Europe/London"
        london = (local_date(late, "medium"), local_time(late), local_datetime(late))
        with force_locale("fr"):
            french = local_date(late, "medium")
    assert toronto[0] == "Mar 7, 2027" and london[0] == "Mar 8, 2027"
    assert toronto[1] == "10:30\u202fPM" and london[1] == "3:30\u202fAM"
    assert toronto[2] != london[2]
    assert french == "8 mars 2027"
