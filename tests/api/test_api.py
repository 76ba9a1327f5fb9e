"""The public API as the immigration portal and a partner's program use it:
events with filters and cursors, one event, Sub-councils, themes and
recommendations; in every language; cacheable; open to any origin; and
never a word of anyone's personal data."""
from datetime import datetime, timedelta, timezone

import pytest

from events_app.extensions import db, limiter
from events_app.registrations.services import register

# The suite's moment (tests/conftest.py's clock fixture pins the app to it).
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(app, clock, make_council, make_theme, make_venue, make_recommendation, make_event):
    """Three weeks of a small partnership, with one person registered."""
    health = make_council(slug="health", name="Health", name_fr="Santé", name_ar="الصحة")
    jobs = make_council(slug="jobs", name="Employment")
    host = make_theme(slug="host-community", name="Host Community", name_fr="Communauté d'accueil")
    library = make_venue(slug="library", name="Central Library", name_fr="Bibliothèque centrale",
                         address="251 Dundas Street", accessibility_notes="Step-free entrance")
    rec = make_recommendation(code="HW-1", council=health, title="Mental health in every language",
                              title_fr="La santé mentale dans toutes les langues")
    day = timedelta(days=1)
    workshop = make_event(
        slug="breath", kind="workshop", title="Breath", title_fr="Respirer", summary="Self-care",
        council=health, themes=[host], recommendations=[rec], venue=library, capacity=1,
        languages=["en", "ar"], start_dt=NOW + 2 * day, end_dt=NOW + 2 * day + timedelta(hours=2),
        description="**Calm** <script>alert(1)</script>")
    meeting = make_event(slug="march-7", kind="community-meeting", title="Community meeting",
                         venue=library, start_dt=NOW + 5 * day, end_dt=NOW + 5 * day + timedelta(hours=6))
    make_event(slug="journeys", parent=meeting, title="Journeys to Canada", kind="workshop",
               start_dt=meeting.start_dt, end_dt=meeting.start_dt + timedelta(hours=1))
    make_event(slug="anti-racism", parent=meeting, title="Anti-racism 101", kind="workshop",
               council=jobs, start_dt=meeting.start_dt + timedelta(hours=2),
               end_dt=meeting.start_dt + timedelta(hours=3))
    make_event(slug="cancelled-walk", status="cancelled", title="Neighbourhood walk",
               start_dt=NOW + 3 * day, end_dt=NOW + 3 * day + timedelta(hours=1))
    make_event(slug="draft", status="draft", title="Not yet", start_dt=NOW + 4 * day,
               end_dt=NOW + 4 * day + timedelta(hours=1))
    make_event(slug="last-week", title="Last week", start_dt=NOW - 7 * day,
               end_dt=NOW - 7 * day + timedelta(hours=1))
    make_event(slug="monthly", kind="council-meeting", council=jobs, title="Employment Sub-council",
               start_dt=NOW + 1 * day, end_dt=NOW + 1 * day + timedelta(hours=2),
               recurrence_rule="FREQ=WEEKLY;COUNT=3")
    with app.app_context():
        from events_app.events.models import Event

        event = db.session.get(Event, workshop.id)
        register(db.session, event, name="Private Person", email="private@example.org",
                 consent=True, now=NOW, phone="519-555-0199", accessibility_needs="wheelchair")
        db.session.commit()
    return clock


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code < 500, response.data
    return response


def slugs(answer) -> list[str]:
    return [item["slug"] for item in answer["items"]]


def test_upcoming_events_in_french_with_both_times_places_and_links(client, world):
    response = get(client, "/api/v1/events?lang=fr")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert answer["language"] == "fr"
    # Soonest first; each date of the weekly meeting on its own; no draft,
    # no past event, no session outside its meeting.
    assert slugs(answer) == ["monthly", "breath", "cancelled-walk", "march-7", "monthly", "monthly"]
    breath = answer["items"][1]
    assert breath["title"] == {"text": "Respirer", "lang": "fr"}
    assert breath["summary"] == {"text": "Self-care", "lang": "en"}  # not translated: says so
    assert breath["kind_label"] == "Atelier"
    assert breath["starts"] == {"utc": "2026-11-26T14:00:00Z", "local": "2026-11-26T09:00:00-05:00"}
    assert breath["council"]["name"] == {"text": "Santé", "lang": "fr"}
    assert breath["themes"] == [{"slug": "host-community", "name": {"text": "Communauté d'accueil", "lang": "fr"}}]
    assert breath["venue"]["name"]["text"] == "Bibliothèque centrale"
    assert breath["venue"]["address"] == "251 Dundas Street"
    assert breath["languages"] == ["en", "ar"]
    # One place, taken: newcomers join the waitlist.
    assert breath["places"] == {"capacity": 1, "left": 0, "waitlist": True}
    assert breath["registration"]["state"] == "open"
    assert breath["registration"]["url"] == "http://events.test/events/breath?lang=fr#register"
    assert breath["url"] == "http://events.test/events/breath?lang=fr"
    assert breath["ics_url"] == "http://events.test/events/breath.ics?lang=fr"
    assert breath["api_url"] == "http://events.test/api/v1/events/breath"
    assert breath["recommendations"][0]["code"] == "HW-1"
    assert breath["recommendations"][0]["title"]["lang"] == "fr"
    cancelled = answer["items"][2]
    assert cancelled["status"] == "cancelled"
    assert cancelled["registration"]["state"] == "cancelled"
    assert answer["items"][3]["sessions"] == 2
    assert answer["items"][0]["repeats"] is True
    assert [item["starts"]["local"][:10] for item in answer["items"] if item["slug"] == "monthly"] == [
        "2026-11-25", "2026-12-02", "2026-12-09"]


def test_the_language_comes_from_accept_language_too(client, world):
    answer = get(client, "/api/v1/events", **{"Accept-Language": "ar-EG,ar;q=0.9"}).get_json()
    assert answer["language"] == "ar"
    assert answer["items"][1]["council"]["name"] == {"text": "الصحة", "lang": "ar"}


def test_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats(client, world):
    everything = get(client, "/api/v1/events?limit=100").get_json()
    seen, path = [], "/api/v1/events?limit=2"
    while path:
        answer = get(client, path).get_json()
        assert len(answer["items"]) <= 2
        seen += [(item["slug"], item["starts"]["utc"]) for item in answer["items"]]
        path = answer["next"] and answer["next"].removeprefix("http://events.test")
    assert seen == [(item["slug"], item["starts"]["utc"]) for item in everything["items"]]
    assert len(seen) == 6 and len(set(seen)) == 6


@pytest.mark.parametrize(("query", "expected"), [
    ("council=health", ["breath"]),
    ("council=jobs", ["monthly", "march-7", "monthly", "monthly"]),  # a session of the meeting is theirs
    ("theme=host-community", ["breath"]),
    ("kind=community-meeting", ["march-7"]),
    ("language=ar", ["breath"]),
    ("q=respirer", ["breath"]),  # in the French translation
    ("q=anti-racism", ["march-7"]),  # in a session
    ("from=2026-11-17&to=2026-11-17", ["last-week"]),
    ("from=2026-11-27&to=2026-12-02", ["cancelled-walk", "march-7", "monthly"]),
    ("from=2026-12-02&to=2026-11-27", []),  # an empty range
    ("cursor=999999999999999999-99999999999", []),  # beyond the end of time
    ("from=0001-01-01&to=9999-12-31&kind=community-meeting", ["march-7"]),  # every day there is
])
def test_filters(client, world, query, expected):
    assert slugs(get(client, f"/api/v1/events?{query}&limit=50").get_json()) == expected


def test_one_event_with_its_sessions_description_and_next_dates(client, world):
    meeting = get(client, "/api/v1/events/march-7").get_json()
    assert [s["slug"] for s in meeting["sessions"]] == ["journeys", "anti-racism"]
    assert meeting["sessions"][0]["venue"]["slug"] == "library"  # held where its meeting is
    assert meeting["sessions"][0]["registration"]["state"] == "through-meeting"
    assert meeting["sessions"][0]["registration"]["url"].endswith("/events/march-7?lang=en#register")
    session = get(client, "/api/v1/events/journeys").get_json()
    assert session["part_of"] == "march-7"
    breath = get(client, "/api/v1/events/breath").get_json()
    assert breath["description"]["text"].startswith("**Calm**")
    assert "<strong>Calm</strong>" in breath["description_html"]
    assert "<script" not in breath["description_html"]
    assert breath["accessibility"] is None
    assert breath["venue"]["accessibility"] == {"text": "Step-free entrance", "lang": "en"}
    monthly = get(client, "/api/v1/events/monthly").get_json()
    assert [d["local"][:10] for d in monthly["next_dates"]] == ["2026-11-25", "2026-12-02", "2026-12-09"]
    for missing in ("draft", "no-such-event"):
        response = get(client, f"/api/v1/events/{missing}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 404


def test_councils_themes_and_recommendations_with_the_events_that_acted(client, world):
    councils = get(client, "/api/v1/councils?lang=fr").get_json()["items"]
    assert [c["slug"] for c in councils] == ["health", "jobs"]
    assert councils[0]["name"] == {"text": "Santé", "lang": "fr"}
    assert councils[0]["recommendations"] == 1
    assert councils[0]["atom_url"] == "http://events.test/feeds/councils/health.atom"
    assert councils[0]["ics_url"] == "http://events.test/calendar/councils/health.ics"
    themes = get(client, "/api/v1/themes").get_json()["items"]
    assert themes[0]["events_url"] == "http://events.test/api/v1/events?theme=host-community"
    recs = get(client, "/api/v1/recommendations?council=health").get_json()["items"]
    assert [r["code"] for r in recs] == ["HW-1"]
    assert [e["slug"] for e in recs[0]["events"]] == ["breath"]
    assert get(client, "/api/v1/recommendations?council=jobs").get_json()["items"] == []
    assert get(client, "/api/v1/recommendations?status=done").get_json()["items"] == []
    one = get(client, "/api/v1/recommendations/HW-1?lang=fr").get_json()
    assert one["title"]["text"] == "La santé mentale dans toutes les langues"
    assert one["council"]["slug"] == "health"
    assert get(client, "/api/v1/recommendations/XX-9").status_code == 404


@pytest.mark.parametrize("query", [
    "theme=NOPE", "kind=party", "language=%25", "from=2027-3-7", "from=1700000000",
    "to=2027-02-30", "limit=0", "limit=101", "limit=ten",
    "cursor=abc", "cursor=1-", "q=" + "x" * 201, "lang=de", "kind=workshop&kind=workshop",
    "unknown=1",
])
def test_a_query_it_cannot_answer_is_a_400_that_says_which_parameter(client, world, query):
    response = get(client, f"/api/v1/events?{query}")
    assert response.status_code == 400, query
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400
    assert query.split("=")[0] in problem["errors"], problem


def test_a_council_or_theme_there_is_not_is_a_404(client, world):
    for path in ("/api/v1/events?council=nobody", "/api/v1/events?theme=nothing",
                 "/api/v1/recommendations?council=nobody"):
        response = get(client, path)
        assert response.status_code == 404, path
        assert set(response.get_json()["errors"]) <= {"council", "theme"}


def test_an_unknown_address_or_method_answers_in_json(client, world):
    assert get(client, "/api/v1/nothing").get_json()["status"] == 404
    response = client.post("/api/v1/events")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_etag_304_cache_control_and_cors(client, world):
    response = get(client, "/api/v1/events?lang=fr")
    etag = response.headers["ETag"]
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept-Language" in response.headers["Vary"]
    again = get(client, "/api/v1/events?lang=fr", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    # Another language is another answer.
    assert get(client, "/api/v1/events?lang=ar", **{"If-None-Match": etag}).status_code == 200
    # A browser on a partner's site asks first (If-None-Match is not a simple header).
    preflight = client.options("/api/v1/events", headers={
        "Origin": "https://portal.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_a_registration_changes_the_answer_and_its_etag(app, client, world):
    first = get(client, "/api/v1/events/march-7")
    assert first.get_json()["places"]["left"] is None
    with app.app_context():
        from events_app.events.services import get_public_event

        meeting = get_public_event(db.session, "march-7")
        meeting.capacity = 10
        db.session.commit()
        register(db.session, meeting, name="Another Person", email="another@example.org",
                 consent=True, now=NOW)
        db.session.commit()
    second = get(client, "/api/v1/events/march-7", **{"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.get_json()["places"] == {"capacity": 10, "left": 9, "waitlist": False}


def test_no_personal_data_in_any_answer(client, world):
    paths = ["/api/v1/events?limit=100", "/api/v1/events/breath", "/api/v1/events/march-7",
             "/api/v1/councils", "/api/v1/themes", "/api/v1/recommendations",
             "/api/v1/recommendations/HW-1", "/api/v1/openapi.json"]
    for path in paths:
        body = get(client, path).get_data(as_text=True)
        for personal in ("Private Person", "private@example.org", "519-555-0199", "wheelchair"):
            assert personal not in body, (path, personal)


def test_a_fixed_number_of_queries_whatever_the_number_of_events(app, client, world, make_event):
    from dbsetup import count_statements

    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        engine = db.engine

    def statements(path):
        with count_statements(engine) as found:
            assert client.get(path).status_code == 200
        return len(found)

    few = [statements("/api/v1/events?limit=100"), statements("/api/v1/recommendations"),
           statements("/api/v1/events/march-7")]
    for n in range(12):
        make_event(slug=f"more-{n}", kind="workshop", recommendations=[],
                   start_dt=NOW + timedelta(days=10, hours=n), end_dt=NOW + timedelta(days=10, hours=n + 1))
    many = [statements("/api/v1/events?limit=100"), statements("/api/v1/recommendations"),
            statements("/api/v1/events/march-7")]
    assert few == many


def test_the_answer_is_kept_until_something_changes(app, client, world):
    from dbsetup import count_statements

    with app.app_context():
        engine = db.engine
    get(client, "/api/v1/events")
    with count_statements(engine) as found:
        assert get(client, "/api/v1/events").status_code == 200
    assert len(found) == 1  # the content version, nothing else


def test_reads_are_rate_limited_per_address_with_a_json_answer(app, world):
    app.config.update(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    limiter.init_app(app)
    client = app.test_client()
    statuses = [client.get("/api/v1/themes").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get("/api/v1/themes")
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429
    assert refused.headers["Retry-After"]
    # Pages are not limited, and another address is not affected.
    assert client.get("/events").status_code == 200
    assert app.test_client().get("/api/v1/themes", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_the_description_is_openapi_3_1_made_from_the_code(client, world):
    spec = get(client, "/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {
        "/api/v1/events", "/api/v1/events/{slug}", "/api/v1/councils", "/api/v1/themes",
        "/api/v1/recommendations", "/api/v1/recommendations/{code}"}
    events = spec["paths"]["/api/v1/events"]["get"]
    names = [p["name"] for p in events["parameters"]]
    assert {"council", "theme", "kind", "language", "from", "to", "q", "cursor", "limit", "lang"} <= set(names)
    lang = next(p for p in events["parameters"] if p["name"] == "lang")
    assert lang["schema"]["enum"] == ["en", "fr", "ar", "es", "zh_Hans"]
    # The answer's schema is the model that serialises it.
    from events_app.api.schemas import EventSummary

    described = spec["components"]["schemas"]["EventSummary"]
    assert set(described["properties"]) == set(EventSummary.model_fields)
    assert described["additionalProperties"] is False


def test_the_documentation_page_is_made_from_the_description(client, world):
    page = get(client, "/api").get_data(as_text=True)
    assert "GET /api/v1/events/{slug}" in page
    assert "/api/v1/openapi.json" in page
    # What each answer holds, from the same schemas.
    assert 'id="schema-EventDetail"' in page
    assert '<th scope="row"><code dir="ltr">next_dates</code></th>' in page
    assert "list of Moment" in page and "Text or null" in page
    french = get(client, "/api?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french
    assert "Paramètre" in french
    # The descriptions, in English like the OpenAPI document, say so to screen readers.
    assert '<p lang="en" dir="ltr">A published or cancelled event (or session)' in french


def test_the_rate_limit_is_said_in_the_readers_language(app):
    from events_app.api.views import rate_limit_text

    with app.test_request_context("/api?lang=fr"):
        assert rate_limit_text("300 per minute;5000 per hour") == "300 requêtes par minute, 5000 requêtes par heure"
        assert rate_limit_text("5 per 2 minutes") == "5 per 2 minutes"
