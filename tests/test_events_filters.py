"""`/events`: filters by Sub-council, theme, kind and date; pages; bad values."""
from datetime import datetime, timedelta, timezone

import pytest

from htmltools import event_slugs, page

UTC = timezone.utc


@pytest.fixture
def events(clock, make_council, make_theme, make_event):
    """Four upcoming events and one past, related so that every filter tells them apart."""
    employment = make_council(slug="employment", name="Employment")
    education = make_council(slug="education", name="Education")
    host = make_theme(slug="host-community", name="Host Community")
    access = make_theme(slug="access-to-information", name="Access to Information")
    day = timedelta(days=1)
    make_event(slug="past-potluck", council=employment, themes=[host],
               start_dt=clock.now - 10 * day)
    make_event(slug="job-fair", kind="workshop", council=employment, themes=[host],
               start_dt=clock.now + 3 * day)
    make_event(slug="school-night", council=education, themes=[access],
               start_dt=clock.now + 10 * day)
    meeting = make_event(slug="big-meeting", kind="community-meeting",
                         start_dt=clock.now + 20 * day)
    # The meeting matches what one of its sessions matches.
    make_event(slug="big-meeting-esl", kind="workshop", parent=meeting, council=education,
               themes=[host], start_dt=meeting.start_dt, end_dt=meeting.end_dt)
    make_event(slug="council-meeting", kind="council-meeting", council=education,
               start_dt=clock.now + 30 * day)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["job-fair", "school-night", "big-meeting", "council-meeting"]),
        ("council=employment", ["job-fair"]),
        ("council=education", ["school-night", "big-meeting", "council-meeting"]),
        ("theme=host-community", ["job-fair", "big-meeting"]),
        ("theme=access-to-information", ["school-night"]),
        ("kind=workshop", ["job-fair", "big-meeting"]),
        ("kind=community-meeting", ["big-meeting"]),
        ("kind=council-meeting", ["council-meeting"]),
        ("kind=neighbourhood-event", ["school-night"]),
        # 2026-12-04 in Toronto: job-fair (27 Nov) is over, school-night is that day.
        ("from=2026-12-04", ["school-night", "big-meeting", "council-meeting"]),
        # A date in the past shows what happened since.
        ("from=2026-11-01", ["past-potluck", "job-fair", "school-night", "big-meeting", "council-meeting"]),
        ("council=education&kind=community-meeting", ["big-meeting"]),
        ("council=employment&theme=access-to-information", []),
        ("council=&theme=&kind=&from=", ["job-fair", "school-night", "big-meeting", "council-meeting"]),
    ],
)
def test_filters(client, events, query, expected):
    response = client.get(f"/events?{query}")
    assert response.status_code == 200
    assert event_slugs(response) == expected
    assert page(response).one(class_="results-heading").text == (
        f"{len(expected)} event" + ("" if len(expected) == 1 else "s"))


def test_filter_form_keeps_the_chosen_values(client, events):
    form = page(client.get("/events?council=education&kind=workshop&from=2026-12-04")).one(
        "form", class_="filters")
    council = form.one("select", name="council")
    assert council.one("option", selected="")["value"] == "education"
    assert [o["value"] for o in council.find_all("option")] == ["", "employment", "education"]
    assert form.one("select", name="kind").one("option", selected="")["value"] == "workshop"
    assert form.one("input", name="from")["value"] == "2026-12-04"


def test_from_date_is_a_day_in_toronto(client, clock, make_event):
    """An event at 22:30 EST on 4 December is on the 4th, though it is the 5th in UTC."""
    make_event(slug="late", start_dt=datetime(2026, 12, 5, 3, 30, tzinfo=UTC))
    assert event_slugs(client.get("/events?from=2026-12-04")) == ["late"]
    assert event_slugs(client.get("/events?from=2026-12-05")) == ["late"]  # still on, ends 05:30 UTC
    assert event_slugs(client.get("/events?from=2026-12-06")) == []


def test_pagination(app, client, clock, make_event):
    app.config["EVENTS_PER_PAGE"] = 2
    for n in range(5):
        make_event(slug=f"e{n}", start_dt=clock.now + timedelta(days=n + 1))

    first = client.get("/events")
    assert event_slugs(first) == ["e0", "e1"]
    nav = page(first).one("nav", class_="pagination")
    assert "Page 1 of 3" in nav.text
    assert nav.find("a", rel="prev") is None
    assert nav.one("a", rel="next")["href"] == "/events?page=2"

    second = client.get("/events?page=2")
    assert event_slugs(second) == ["e2", "e3"]
    nav = page(second).one("nav", class_="pagination")
    assert nav.one("a", rel="prev")["href"] == "/events?page=1"
    assert nav.one("a", rel="next")["href"] == "/events?page=3"

    last = client.get("/events?page=3")
    assert event_slugs(last) == ["e4"]
    assert page(last).one("nav", class_="pagination").find("a", rel="next") is None

    # Past the end: the last page.
    beyond = client.get("/events?page=40")
    assert event_slugs(beyond) == ["e4"]
    assert "Page 3 of 3" in page(beyond).one("nav", class_="pagination").text


def test_pagination_keeps_the_filters(app, client, clock, make_event, make_council):
    app.config["EVENTS_PER_PAGE"] = 1
    council = make_council(slug="settlement")
    for n in range(3):
        make_event(slug=f"s{n}", council=council, start_dt=clock.now + timedelta(days=n + 1))
    make_event(slug="other", start_dt=clock.now + timedelta(days=1, hours=1))
    response = client.get("/events?council=settlement&page=2")
    assert event_slugs(response) == ["s1"]
    next_link = page(response).one("a", rel="next")["href"]
    assert "council=settlement" in next_link and "page=3" in next_link
    assert event_slugs(client.get(next_link)) == ["s2"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("council=no-such-council", "council"),
        ("theme=no-such-theme", "theme"),
        ("kind=party", "kind"),
        ("from=2027-13-45", "from"),
        ("from=tomorrow", "from"),
        ("from=2027-02-29", "from"),
    ],
)
def test_invalid_filter_gets_a_message_next_to_the_field(client, events, query, field):
    response = client.get(f"/events?{query}&lang=en")
    assert response.status_code == 400
    form = page(response).one("form", class_="filters")
    control = form.one(name=field)
    assert control["aria-invalid"] == "true"
    errors = form.one("ul", class_="field-errors", id=f"{field}-error")
    assert errors.text  # e.g. "Not a valid choice."
    assert f"{field}-error" in control["aria-describedby"]
    # The wrapper of the field holds the message, next to it.
    wrapper = control.parent
    assert "has-error" in wrapper.classes and wrapper.find(id=f"{field}-error") is not None
    # Only the bad field is marked.
    assert len(form.find_all("ul", class_="field-errors")) == 1
    # The page still lists the upcoming events, unfiltered.
    assert event_slugs(response) == ["job-fair", "school-night", "big-meeting", "council-meeting"]


def test_invalid_filter_message_is_in_french_for_a_french_reader(client, events):
    english = page(client.get("/events?council=nope&lang=en")).one(id="council-error").text
    french = page(client.get("/events?council=nope&lang=fr")).one(id="council-error").text
    assert french and french != english


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", "", "99"])
def test_odd_page_numbers_show_a_page(client, events, value):
    response = client.get(f"/events?page={value}")
    assert response.status_code in (200, 400)
    assert page(response).one("form", class_="filters") is not None
    # There is one page of four events: every odd number shows it.
    assert event_slugs(response) == ["job-fair", "school-night", "big-meeting", "council-meeting"]


# --- words (issue 16, item 13) -------------------------------------------------


@pytest.fixture
def searchable(clock, make_council, make_event):
    employment = make_council(slug="employment", name="Employment")
    day = timedelta(days=1)
    make_event(slug="resume-clinic", title="Résumé Clinic", summary="Bring your CV.",
               description="Volunteers review **résumés** for internationally trained people.",
               council=employment, start_dt=clock.now + 2 * day)
    make_event(slug="tenant-rights", title="Know Your Rights as a Tenant",
               summary="Leases and repairs: 100% free.", start_dt=clock.now + 3 * day,
               translations={"ar": {"title": "اعرف حقوقك كمستأجر"},
                             "fr": {"title": "Connaître vos droits de locataire"}})
    meeting = make_event(slug="spring-meeting", kind="community-meeting", title="Spring Meeting",
                         start_dt=clock.now + 5 * day)
    make_event(slug="spring-meeting-mentoring", kind="workshop", parent=meeting,
               title="Peer mentoring for job seekers", start_dt=meeting.start_dt,
               end_dt=meeting.end_dt)
    make_event(slug="past-clinic", title="Résumé Clinic (past)", start_dt=clock.now - 3 * day)


@pytest.mark.parametrize(("words", "expected"), [
    ("clinic", ["resume-clinic"]),                     # a title word; past events stay out
    ("CLINIC volunteers", ["resume-clinic"]),           # every word, any case, in any field
    ("clinic tenant", []),
    ("trained", ["resume-clinic"]),                     # in the description
    ("mentoring", ["spring-meeting"]),                  # a session's title finds its meeting
    ("حقوقك", ["tenant-rights"]),                       # the Arabic translation
    ("locataire", ["tenant-rights"]),                   # the French translation
    ("100%", ["tenant-rights"]),                        # "%" is a character, not a wildcard:
    ("%", ["tenant-rights"]),                           # only the event with a "%" in it
    ("_", []),
    ("résumés", ["resume-clinic"]),
])
def test_words_find_events_in_any_language(client, searchable, words, expected):
    response = client.get("/events", query_string={"q": words})
    assert response.status_code == 200
    assert event_slugs(response) == expected


def test_words_combine_with_the_filters_and_stay_in_the_pages_links(client, searchable, app):
    assert event_slugs(client.get("/events?q=clinic&council=employment")) == ["resume-clinic"]
    assert event_slugs(client.get("/events?q=tenant&council=employment")) == []
    html = page(client.get("/events?q=clinic"))
    assert html.one("input", name="q")["value"] == "clinic"


def test_words_add_no_query(app, client, searchable):
    from dbsetup import count_statements
    from events_app.extensions import db

    def statements(path):
        with app.app_context():
            engine = db.engine
        with count_statements(engine) as found:
            assert client.get(path).status_code == 200
        return len(found)

    app.config["PAGE_CACHE_SECONDS"] = 0
    assert statements("/events?q=clinic+volunteers&nocache=1") == statements("/events?nocache=2")


def test_a_long_list_is_counted_no_further_than_it_can_be_paged(app, client, events, monkeypatch):
    """Issue 15: at 100,000 events the count stops at LISTED_AT_MOST, so it
    costs what it costs at 1,000; the list says there are more and how to
    reach them, and pages only through those."""
    from events_app.events import services

    monkeypatch.setattr(services, "LISTED_AT_MOST", 3)
    app.config["EVENTS_PER_PAGE"] = 2
    response = client.get("/events")
    assert page(response).one(class_="results-heading").text == "More than 3 events"
    assert "Only the first 3 are listed: choose a day to start from" in page(response).one("main").text
    assert event_slugs(response) == ["job-fair", "school-night"]
    assert "Page 1 of 2" in page(response).one("nav", class_="pagination").text
    # Past the last page, the last page: the third event, not the fourth.
    assert event_slugs(client.get("/events?page=9")) == ["big-meeting"]
    # A day to start from reaches the later ones.
    assert event_slugs(client.get("/events?from=2026-12-10")) == ["big-meeting", "council-meeting"]
    # Exactly as many as can be listed: counted exactly.
    response = client.get("/events?council=education")
    assert page(response).one(class_="results-heading").text == "3 events"


def test_kept_filter_lists_are_wtforms_own_and_follow_every_change(app, client, make_council):
    """The filters' lists are kept between renders: each is exactly what
    WTForms writes, and a new choice, another selection, another language or
    an error never gets a kept one."""
    from wtforms.widgets import Select

    from events_app.events.forms import KeptSelect

    make_council(slug="health", name="Health", name_fr="Santé")
    pages = {}
    for query in ("", "?council=health", "?lang=fr", "?lang=ar&council=health", "?council=nowhere"):
        body = client.get("/events" + query).get_data(as_text=True)
        pages[query] = body
        assert "<select" in body
    def council_list(body):
        return body.split('<select ')[1].split("</select>")[0]  # the first list: Sub-council

    assert '<option selected value="health">' in council_list(pages["?council=health"])
    assert "selected" not in council_list(pages[""])
    assert "Santé" in council_list(pages["?lang=fr"]) and "Health" not in council_list(pages["?lang=fr"])
    assert '<option selected value="health">Santé' not in council_list(pages["?lang=ar&council=health"])
    assert 'aria-invalid="true"' in council_list(pages["?council=nowhere"])
    make_council(slug="housing", name="Housing")
    assert 'value="housing"' in client.get("/events").get_data(as_text=True)

    from events_app.events.forms import EventFilterForm
    with app.test_request_context("/events?council=health&lang=fr"):
        app.preprocess_request()
        form = EventFilterForm(meta={"csrf": False})
        form.set_choices([], [], [("en", "English"), ("fr", "français")])
        for field in (form.council, form.theme, form.kind, form.language):
            for attributes in ({}, {"aria-describedby": "x-error", "aria-invalid": "true"}):
                kept = KeptSelect()(field, **attributes)
                assert kept == Select()(field, **attributes)
                assert KeptSelect()(field, **attributes) is kept  # the second time, kept
