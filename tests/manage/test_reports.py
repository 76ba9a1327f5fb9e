"""/manage/reports: the partnership's report, its figures counted by hand
against a small world (a one-off workshop, a community meeting whose
people picked one or two sessions, a monthly meeting checked in date by
date, a cancelled event, one still to come), what a chair may see, small
numbers suppressed, and the CSV downloads."""
import csv
import io
import unicodedata
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select

from dbsetup import count_statements
from accounts.users import submit
from events_app.extensions import db
from events_app.manage.models import AuditEntry
from events_app.registrations.models import Attendance, Registration
from events_app.reports import services
from events_app.reports.models import PublishedReport
from events_app.reports.services import Period, Scope, Suppressed
from htmltools import normalise, page

PERIOD = Period(date(2026, 6, 1), date(2026, 11, 30))
QUERY = {"start": "2026-06-01", "end": "2026-11-30"}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def add(event_id: int, now: datetime, count: int = 1, *, status="confirmed", email=None,
        parent=None, **fields) -> list[int]:
    """`count` registrations (each its own address unless `email`); their ids."""
    ids = []
    for _ in range(count):
        key = email or f"{uuid.uuid4().hex[:12]}@example.org"
        row = {"event_id": event_id, "name": "Someone", "email": key, "email_key": key,
               "preferred_language": "en", "consent_dt": now, "status": status,
               "registered_dt": now, "status_changed_dt": now,
               "cancelled_dt": now if status == "cancelled" else None,
               "parent_registration_id": parent,
               "link_id": None if parent else uuid.uuid4().hex[:22]}
        row.update(fields)
        ids.append(db.session.execute(insert(Registration).returning(Registration.id), [row]).scalar())
    db.session.commit()
    return ids


@pytest.fixture
def world(app, clock, make_council, make_theme, make_recommendation, make_event):
    health = make_council(slug="health", name="Health Council", position=1)
    work = make_council(slug="work", name="Employment Council", position=2)
    wellbeing = make_theme(slug="wellbeing", name="Health & Wellbeing",
                           outcome="Newcomers are healthy and well.", position=1)
    employment = make_theme(slug="employment", name="Employment", outcome="Newcomers find work.",
                            position=2)
    hw1 = make_recommendation(council=health, code="HW-1", title="Clinics in many languages")
    make_recommendation(council=health, code="HW-2", title="A health navigator")
    em1 = make_recommendation(council=work, code="EM-1", title="Mentoring for newcomers")

    clinic = make_event(slug="clinic", title="Flu clinic", kind="workshop", council=health,
                        themes=[wellbeing], recommendations=[hw1], capacity=20,
                        languages=["en", "ar"], presenter="Middlesex-London Health Unit",
                        start_dt=utc(2026, 9, 10, 15))
    meeting = make_event(slug="meeting", title="Community Meeting", kind="community-meeting",
                         capacity=None, languages=["en", "ar", "es"], start_dt=utc(2026, 10, 17, 14),
                         end_dt=utc(2026, 10, 17, 20))
    session_a = make_event(slug="session-a", title="Health workshop", kind="workshop",
                           parent=meeting, themes=[wellbeing], recommendations=[hw1], capacity=10,
                           start_dt=utc(2026, 10, 17, 15), end_dt=utc(2026, 10, 17, 16))
    session_b = make_event(slug="session-b", title="Jobs workshop", kind="workshop",
                           parent=meeting, themes=[employment], recommendations=[em1], capacity=10,
                           start_dt=utc(2026, 10, 17, 17), end_dt=utc(2026, 10, 17, 18))
    # Monthly on the 12th, from May: June to November are in the period.
    monthly = make_event(slug="monthly", title="Employment Council meeting",
                         kind="council-meeting", council=work, themes=[employment], capacity=30,
                         start_dt=utc(2026, 5, 12, 22), end_dt=utc(2026, 5, 12, 23, 30),
                         recurrence_rule="FREQ=MONTHLY;BYMONTHDAY=12;COUNT=10")
    cancelled = make_event(slug="cancelled", title="Called off", council=health, status="cancelled",
                           themes=[wellbeing], recommendations=[hw1], start_dt=utc(2026, 10, 1, 15))
    make_event(slug="future", title="Still to come", council=health, themes=[wellbeing],
               start_dt=utc(2026, 11, 28, 15))
    make_event(slug="draft", title="A draft", council=health, status="draft",
               start_dt=utc(2026, 9, 1, 15))
    before = make_event(slug="before", title="Spring fair", council=health,
                        start_dt=utc(2026, 4, 20, 15))
    make_event(slug="after", title="Next year", council=work, start_dt=utc(2026, 12, 20, 15))

    now = clock.now
    with app.app_context():
        # The clinic: 10 confirmed (6 checked in), 2 waitlisted, 3 cancelled.
        # Interpretation into Arabic typed four ways (5 people) and into
        # Tigrinya (1); childcare for 3. Five of its people had come to the
        # spring fair before the period: returning participants.
        for n in range(5):
            address = f"regular{n}@example.org"
            add(before.id, now, email=address)
            add(clinic.id, now, email=address, attended_dt=now)
        add(clinic.id, now, attended_dt=now, interpretation_language="Arabic", childcare_needs="2 kids")
        add(clinic.id, now, 2, interpretation_language=" arabic ", childcare_needs="a baby")
        add(clinic.id, now, interpretation_language="Tigrinya")
        add(clinic.id, now, email=SHARED)
        add(clinic.id, now, status="waitlisted", interpretation_language="ar")
        add(clinic.id, now, status="waitlisted", interpretation_language="Arabe")
        add(clinic.id, now, 3, status="cancelled", interpretation_language="Arabic")
        # The meeting: 6 people (one of them also at the clinic); 4 picked
        # both workshops, 2 the health one; 3 checked in at the meeting's
        # door, 2 at their workshop, 1 not at all; 5 asked for step-free access.
        people = add(meeting.id, now, 5, accessibility_needs="step-free") + add(meeting.id, now, email=SHARED)
        for n, person in enumerate(people):
            add(session_a.id, now, parent=person, attended_dt=now if n in (3, 4) else None)
            if n < 4:
                add(session_b.id, now, parent=person)
        for person in people[:3]:
            db.session.get(Registration, person).attended_dt = now
        db.session.commit()
        # The monthly meeting: 7 confirmed (one erased after its date);
        # 5 checked in on 12 September, 6 on 12 October, no check-in else.
        regulars = add(monthly.id, now, 6) + add(monthly.id, now, email="erased-1", name="erased",
                                                  erased_dt=now)
        for n, person in enumerate(regulars):
            if n < 5:
                db.session.add(Attendance(registration_id=person, day=date(2026, 9, 12), attended_dt=now))
            if n < 6:
                db.session.add(Attendance(registration_id=person, day=date(2026, 10, 12), attended_dt=now))
        db.session.commit()
        # The cancelled event's people are not counted.
        add(cancelled.id, now, 5)
    return {"health": health, "work": work, "wellbeing": wellbeing, "employment": employment}


SHARED = "both@example.org"


def build(clock, scope=Scope(), **kwargs):
    return services.build_report(db.session, PERIOD, scope, clock.now, **kwargs)


def test_the_figures_are_those_counted_by_hand(app, clock, world):
    with app.test_request_context():
        found = build(clock)
    f = found.figures
    # The clinic, the meeting and six dates of the monthly meeting; the
    # meeting's two workshops apart; the draft, the events before and
    # after the period and the cancelled one not held.
    assert f.events_held == 8
    assert f.sessions_held == 2
    assert (f.events_scheduled, f.events_cancelled) == (1, 1)
    # Places: the clinic's 20 and the monthly meeting's 30 (once for the
    # series: one registration covers every date); the meeting has no limit.
    assert (f.places_offered, f.events_without_limit) == (50, 1)
    assert (f.confirmed, f.waitlisted, f.registrations, f.cancelled_registrations) == (23, 2, 25, Suppressed(3))
    assert f.session_places == 10  # 6 in the health workshop, 4 in the jobs workshop
    # Checked in: 6 at the clinic, 5 at the meeting (door or workshop),
    # 5 + 6 at two dates of the monthly meeting; expected 10 + 6 + 7 × 2.
    assert (f.events_checked_in, f.attended, f.expected) == (3, 22, 30)
    assert f.no_show_rate == pytest.approx(8 / 30)  # 4 + 1 + 3 confirmed, not checked in
    assert f.interpretation == [("ar", 5), ("ti", Suppressed(1))]
    assert (f.childcare, f.accessibility) == (Suppressed(3), 5)
    assert (f.details_held, f.details_erased) == (24, Suppressed(1))
    # People by address, details still held: 12 at the clinic, 5 more at
    # the meeting, 6 at the monthly meeting; the 5 regulars came before.
    assert (f.participants, f.returning_participants, f.new_participants) == (23, 5, 18)

    assert found.by_kind == [("community-meeting", 1), ("workshop", 1), ("council-meeting", 6)]
    wellbeing, employment = world["wellbeing"].id, world["employment"].id
    assert [(m.month, counts, total) for m, counts, total in found.by_month] == [
        (6, {employment: 1}, 1), (7, {employment: 1}, 1), (8, {employment: 1}, 1),
        (9, {wellbeing: 1, employment: 1}, 2), (10, {wellbeing: 1, employment: 2}, 2),
        (11, {employment: 1}, 1)]
    assert [(m.month, taken, places) for m, taken, places in found.capacity_by_month] == [
        (6, 7, 30), (7, 0, 0), (8, 0, 0), (9, 10, 20), (10, 0, 0), (11, 0, 0)]  # the meeting has no limit
    assert dict(found.languages_held) == {"en": 8, "ar": 2, "es": 1}
    assert found.presenters == [("Middlesex-London Health Unit", 1)]
    assert (found.recommendations_acted_on, found.recommendations_without_event,
            found.recommendations_total) == (2, 1, 3)
    acted = {line.recommendation.code: sorted(e.slug for e in line.events)
             for section in found.council_sections for line in section.recommendations}
    assert acted == {"HW-1": ["clinic", "meeting"], "HW-2": [], "EM-1": ["meeting"]}
    sections = {(s.council.slug if s.council else None): s.figures for s in found.council_sections}
    assert list(sections) == ["health", "work", None]
    assert (sections["health"].events_held, sections["health"].registrations,
            sections["health"].attended) == (1, 12, 6)
    assert (sections["work"].events_held, sections["work"].attended) == (6, 11)
    assert (sections[None].events_held, sections[None].attended) == (1, 5)
    themes = {(s.theme.slug if s.theme else None): sorted(line.event.slug for line in s.events)
              for s in found.theme_sections}
    assert themes == {"wellbeing": ["clinic", "future", "meeting"],
                      "employment": ["meeting", "monthly"]}


def test_a_theme_picks_events_by_their_own_or_their_sessions_themes(app, clock, world):
    with app.test_request_context():
        found = build(clock, Scope(None, frozenset({world["employment"].id})))
    assert sorted(line.event.slug for line in found.events) == ["meeting", "monthly"]
    assert found.figures.events_held == 7
    # HW-2 is under no chosen theme and nothing chosen acted on it; the
    # meeting (chosen for its jobs workshop) acted on HW-1 too.
    assert [r.recommendation.code for s in found.council_sections for r in s.recommendations] == [
        "HW-1", "EM-1"]


def test_a_chair_sees_their_council_and_the_partnership_totals(app, clock, world):
    with app.test_request_context():
        found = build(clock, Scope(frozenset({world["health"].id})), partnership_totals=True)
    assert [line.event.slug for line in found.events] == ["clinic", "future"]
    assert found.figures.events_held == 1
    assert found.figures.participants == 12
    assert [s.council.slug for s in found.council_sections] == ["health"]
    assert found.totals.events_held == 8
    assert found.totals.participants == 23


def test_attendance_is_not_recorded_where_check_in_was_not_used(app, clock, world):
    with app.app_context():
        db.session.execute(Registration.__table__.update().values(attended_dt=None))
        db.session.execute(Attendance.__table__.delete())
        db.session.commit()
    with app.test_request_context():
        figures = build(clock).figures
    assert figures.attended is None and figures.no_show_rate is None
    assert figures.events_checked_in == 0


def test_the_query_count_does_not_grow_with_the_events(app, clock, world, make_event):
    def statements():
        with app.test_request_context():
            with count_statements(db.engine) as found:
                build(clock, partnership_totals=True)
        return len(found)

    few = statements()
    for n in range(12):
        make_event(slug=f"more-{n}", council=world["health"], themes=[world["wellbeing"]],
                   start_dt=utc(2026, 7, 1 + n, 15), capacity=10)
    assert statements() == few


# --- the page and its downloads -------------------------------------------------


def headings(html, section_class: str) -> list[str]:
    return [article.find("h3").text for article in html.find_all("article", class_=section_class)]


def figures_of(html, table_id: str) -> dict[str, str]:
    rows = html.one("table", id=table_id).find("tbody").find_all("tr")
    return {row.find("th").text: row.find("td").text for row in rows}


def test_an_admin_reads_the_report_with_its_sections_figures_and_charts(client, world, make_user, login):
    login(client, make_user(role="admin"))
    response = client.get("/manage/reports", query_string=QUERY)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    html = page(response)
    text = normalise(html.text)
    assert "From June 1, 2026 to November 30, 2026" in text
    themes = headings(html, "report-theme")
    assert themes == ["Health & Wellbeing", "Employment"]
    assert "Intended outcome: Newcomers are healthy and well." in text
    councils = headings(html, "report-council")
    assert councils == ["Health Council", "Employment Council", "Partnership-wide events"]
    assert "HW-2 A health navigator (Open) No event has acted on it yet." in text
    summary = figures_of(html, "table-summary")
    assert summary["Events held"] == "8"
    assert summary["Attended"] == "22"
    assert summary["No-show rate"] == "26.7%"
    assert summary["Childcare requests"] == "fewer than 5"
    assert summary["Registrations cancelled"] == "fewer than 5"
    # Three charts, each an inline SVG with a title and a description,
    # no script and no style (the site's CSP).
    svgs = [figure.find("svg") for figure in html.find_all("figure", class_="report-chart")]
    assert len(svgs) == 3
    for svg in svgs:
        assert svg["role"] == "img"
        assert svg.find("title").text and svg.find("desc").text
        assert svg.find("script") is None and svg.find("style") is None
        assert not [node for node in svg.iter() if "style" in node.attrs]
    assert "Spring fair" not in text and "A draft" not in text


def test_a_chair_sees_their_sub_council_and_the_totals_and_nothing_of_another(
        client, world, make_user, login):
    login(client, make_user(councils=[world["health"]]))
    response = client.get("/manage/reports", query_string={**QUERY, "council": str(world["work"].id)})
    assert response.status_code == 200
    html = page(response)
    text = normalise(html.text)
    assert headings(html, "report-council") == ["Health Council"]
    assert "Employment Council" not in text and "EM-1" not in text
    assert "Community Meeting" not in text  # partnership-wide: the admins'
    totals = figures_of(html, "table-partnership")
    assert totals["Events held"] == "8"
    own = figures_of(html, "table-summary")
    assert own["Events held"] == "1"


def test_every_table_downloads_as_an_excel_safe_csv_with_small_numbers_suppressed(
        client, world, make_user, login, app):
    admin = make_user(role="admin")
    login(client, admin)
    with app.app_context():
        db.session.execute(Registration.__table__.update()
                           .where(Registration.interpretation_language == "Tigrinya")
                           .values(interpretation_language="=HYPERLINK(\"http://x\")"))
        db.session.commit()
    html = page(client.get("/manage/reports", query_string=QUERY))
    links = [p.find("a")["href"] for p in html.find_all("p", class_="csv-link")]
    assert sorted(link.split("?")[0].rsplit("/", 1)[1] for link in links) == sorted(
        f"{key}.csv" for key in ("summary", "months", "councils", "capacity", "kinds", "languages",
                                 "interpretation", "presenters", "recommendations", "events"))
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.data.startswith(b"\xef\xbb\xbf")
        assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(
        client.get("/manage/reports/summary.csv", query_string=QUERY).data.decode("utf-8-sig"))))
    figures = dict(rows[1:])
    assert figures["Events held"] == "8"
    assert figures["Childcare requests"] == "fewer than 5"
    assert figures["No-show rate"] == "26.7%"
    assert figures["Attended"] == "22"
    interpretation = list(csv.reader(io.StringIO(client.get(
        "/manage/reports/interpretation.csv", query_string=QUERY).data.decode("utf-8-sig"))))
    assert interpretation[1] == ["Arabic", "5"]
    assert interpretation[2] == ["'=hyperlink(\"http://x\")", "fewer than 5"]
    assert client.get("/manage/reports/nothing.csv").status_code == 404


@pytest.mark.parametrize("query", [
    {"start": "not-a-date", "end": "2026-11-30"},
    {"start": "2026-11-30", "end": "2026-01-01"},
    {"start": "0001-01-01", "end": "9999-12-31"},
    {"period": "no-such-period"},
    {"council": "abc", "theme": "%00"},
    {"council": "999999", "theme": "-1"},
])
def test_bad_choices_give_the_default_report_not_an_error(client, world, make_user, login, query):
    login(client, make_user(role="admin"))
    response = client.get("/manage/reports", query_string=query)
    assert response.status_code == 200
    assert "The period in figures" in response.get_data(as_text=True)


def test_the_default_period_is_the_last_six_months(client, world, make_user, login):
    login(client, make_user(role="admin"))
    text = normalise(page(client.get("/manage/reports")).text)
    # The clock says 24 November 2026.
    assert "From May 25, 2026 to November 24, 2026" in text


# --- the public summary ----------------------------------------------------------


def _number(text: str) -> int | None:
    """The integer a cell shows, in any script's digits ("٣" is 3); None if it is not one."""
    digits = "".join(str(unicodedata.digit(c)) for c in text if unicodedata.digit(c, None) is not None)
    rest = "".join(c for c in text if unicodedata.digit(c, None) is None and c not in ",.٬٫  \u202f")
    return int(digits) if digits and not rest else None


def test_the_public_summary_is_off_until_an_admin_publishes_a_period(
        app, client, world, make_user, login):
    assert client.get("/achievements").status_code == 404
    assert "Our Community's Achievements" not in client.get("/councils/health").get_data(as_text=True)

    login(client, make_user(role="admin"))
    report = client.get("/manage/reports", query_string=QUERY)
    forms = page(report).find_all("form", method="post")
    publish = [form["action"] for form in forms].index("/manage/reports/publish")
    response = submit(client, report, {}, form_index=publish)
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.publish")).one()
        assert entry.after == {"start": "2026-06-01", "end": "2026-11-30"}
    client.post("/logout", data={})

    anonymous = app.test_client()
    public = anonymous.get("/achievements")
    assert public.status_code == 200
    assert anonymous.get("/achievements/2026-06-01_2026-11-30").status_code == 200
    for wrong in ("2026-06-01_2026-11-29", "nonsense", "2026-13-01_2026-11-30", "2026-06-01"):
        assert anonymous.get(f"/achievements/{wrong}").status_code == 404
    html = page(public)
    text = normalise(html.text)
    assert "From June 1, 2026 to November 30, 2026" in text
    assert headings(html, "report-theme") == ["Health & Wellbeing", "Employment"]
    assert "HW-1 Clinics in many languages" in text and "EM-1 Mentoring for newcomers" in text
    assert "HW-2" not in text  # no event acted on it
    assert "Download this table" not in text and "Publish" not in text
    assert "Our Community's Achievements" in anonymous.get("/councils/health").get_data(as_text=True)


@pytest.mark.parametrize("language", ["en", "fr", "ar", "es", "zh_Hans"])
def test_the_public_summary_shows_no_count_from_1_to_4_in_any_language(
        app, client, world, clock, language):
    with app.app_context():
        db.session.add(PublishedReport(start_date=PERIOD.start, end_date=PERIOD.end,
                                       published_dt=clock.now))
        db.session.commit()
    response = client.get("/achievements", query_string={"lang": language})
    assert response.status_code == 200
    html = page(response)
    assert html.one("html")["lang"] == language.replace("_", "-")
    with app.test_request_context(f"/?lang={language}"):
        from flask_babel import gettext as translate
        partnership = translate("London & Middlesex Local Immigration Partnership")
    assert html.one("p", class_="report-org").text == partnership  # the name in the reader's language
    # Every count of people is marked as one; none shows 1 to 4.
    cells = [cell.text for cell in html.find_all("td", class_="people")]
    numbers = [_number(text) for text in cells]
    assert len([n for n in numbers if n is not None]) >= 10, cells
    assert not [text for text, n in zip(cells, numbers) if n is not None and 1 <= n <= 4], cells
    # The suppressed ones say so in the reader's language.
    with app.test_request_context(f"/?lang={language}"):
        from flask_babel import gettext
        fewer = gettext("fewer than %(num)d", num=5)
    assert fewer in cells


def test_withdrawing_a_period_takes_it_off_the_site(app, client, world, clock, make_user, login):
    with app.app_context():
        published = PublishedReport(start_date=PERIOD.start, end_date=PERIOD.end, published_dt=clock.now)
        db.session.add(published)
        db.session.commit()
        published_id = published.id
    assert client.get("/achievements").status_code == 200
    login(client, make_user(role="admin"))
    listed = page(client.get("/manage/reports"))
    assert f"/manage/reports/published/{published_id}/withdraw" in [
        form["action"] for form in listed.find_all("form", method="post")]
    response = client.post(f"/manage/reports/published/{published_id}/withdraw")
    assert response.status_code == 303
    assert app.test_client().get("/achievements").status_code == 404
