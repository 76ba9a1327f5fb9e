"""The authorisation matrix: every /manage route × every kind of visitor.

Routes are discovered from the app's URL map, so a new route without a line
in CASES fails `test_every_manage_route_is_in_the_matrix`.

Expected: anonymous → 302 to /login?next=<the page>; a chair of the
route's council → 200 (a POST: a redirect back into /manage, then 200); a
chair of another council → 403 for routes about one council's things (200
for their own dashboard); an admin → 200. Admin-only routes: 403 for every chair.
"""
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from events_app.events.models import Event, EventStatus
from events_app.extensions import db

ROLES = ["anonymous", "chair of this council", "chair of another council", "admin"]


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: Callable  # world -> path
    scope: str  # "own": any signed-in user; "council": the council's chairs; "admin"
    data: dict = field(default_factory=dict)
    # For a POST: whether the change happened (to check it did not for the refused).
    changed: Callable | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{' ' + self.label if self.label else ''}"


def _is_published(slug):
    def check(app) -> bool:
        with app.app_context():
            event = db.session.scalars(db.select(Event).where(Event.slug == slug)).one()
            return event.status == EventStatus.PUBLISHED
    return check


CASES = [
    Case("manage.dashboard", "GET", lambda w: "/manage/", "own"),
    Case("manage.event", "GET", lambda w: "/manage/events/the-draft", "council", label="event"),
    Case("manage.event", "GET", lambda w: "/manage/events/the-session", "council",
         label="session (its meeting's council decides)"),
    Case("manage.publish_event", "POST", lambda w: "/manage/events/the-draft/publish", "council",
         changed=_is_published("the-draft")),
    Case("manage.publish_event", "POST", lambda w: "/manage/events/the-draft-session/publish",
         "council", changed=_is_published("the-draft-session"), label="session"),
]


def manage_routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule == "/manage" or rule.rule.startswith("/manage/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((rule.endpoint, method))
    return found


def test_every_manage_route_is_in_the_matrix(app):
    routes = manage_routes(app)
    assert routes, "no /manage routes found"
    assert routes == {(c.endpoint, c.method) for c in CASES}


@pytest.fixture
def world(make_council, make_event, make_user, clock):
    this, other = make_council(slug="this"), make_council(slug="other")
    meeting = make_event(slug="the-meeting", kind="community-meeting", council=this)
    make_event(slug="the-draft", council=this, status=EventStatus.DRAFT)
    # Presented by the other council, but its meeting is this council's.
    make_event(slug="the-session", kind="workshop", parent=meeting, council=other)
    make_event(slug="the-draft-session", kind="workshop", parent=meeting, council=other,
               status=EventStatus.DRAFT)
    return {
        "chair of this council": make_user(councils=[this]),
        "chair of another council": make_user(councils=[other]),
        "admin": make_user(role="admin"),
    }


def expected_status(case: Case, role: str) -> int:
    if role == "anonymous":
        return 302
    if case.scope == "admin":
        return 200 if role == "admin" else 403
    if case.scope == "council":
        return 403 if role == "chair of another council" else 200
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matrix(app, client, world, login, case, role):
    if role != "anonymous":
        login(client, world[role])
    path = case.path(world)
    if case.method == "GET":
        response = client.get(path)
    else:
        response = client.open(path, method=case.method, data=case.data)
    expected = expected_status(case, role)

    if role == "anonymous":
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query) == {"next": [path]}
    elif expected == 403:
        assert response.status_code == 403
        assert "Not allowed" in response.get_data(as_text=True)
    elif case.method == "GET":
        assert response.status_code == 200
    else:
        # A change answers with a redirect to a /manage page, which shows.
        assert response.status_code in (302, 303)
        location = response.headers["Location"]
        assert location.startswith("/manage"), location
        assert client.get(location).status_code == 200

    if case.changed is not None:
        assert case.changed(app) == (expected == 200 and role != "anonymous"), (case.id, role)


def test_unknown_event_is_404_for_staff_and_302_for_others(client, world, login):
    assert client.get("/manage/events/no-such-event").status_code == 302
    login(client, world["admin"])
    assert client.get("/manage/events/no-such-event").status_code == 404


def test_manage_pages_are_not_cached(client, world, login):
    login(client, world["admin"])
    assert client.get("/manage/").headers["Cache-Control"] == "private, no-store"
