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
    data: dict | Callable = field(default_factory=dict)  # or world -> dict
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

# events (part 2a)
_EVENT_FORM = {
    "kind": "neighbourhood-event", "start_date": "2026-12-01", "start_time": "10:00",
    "end_time": "12:00", "online_url": "https://meet.example.org/matrix", "status": "draft",
    "languages": "en",
}


def _event_exists(**criteria):
    def check(app) -> bool:
        with app.app_context():
            query = db.select(Event)
            for name, value in criteria.items():
                query = query.where(getattr(Event, name) == value)
            return db.session.scalars(query).first() is not None
    return check


def _published(app) -> bool:
    from events_app.reports.models import PublishedReport

    with app.app_context():
        return db.session.scalars(db.select(PublishedReport)).first() is not None


def _copied(app) -> bool:
    with app.app_context():
        return db.session.scalars(
            db.select(Event).where(Event.slug.like("%-copy-%"))).first() is not None


CASES += [
    Case("manage.new_event", "GET", lambda w: "/manage/events/new", "own"),
    Case("manage.new_event", "POST", lambda w: "/manage/events/new", "own",
         data={**_EVENT_FORM, "title": "Made in the matrix"},
         changed=_event_exists(title="Made in the matrix")),
    Case("manage.edit_event", "GET", lambda w: "/manage/events/the-draft/edit", "council"),
    Case("manage.edit_event", "GET", lambda w: "/manage/events/the-session/edit", "council",
         label="session"),
    Case("manage.edit_event", "POST", lambda w: "/manage/events/the-draft/edit", "council",
         data={**_EVENT_FORM, "title": "Edited in the matrix", "slug": "the-draft"},
         changed=_event_exists(title="Edited in the matrix")),
    Case("manage.new_session", "GET", lambda w: "/manage/events/the-meeting/sessions/new",
         "council"),
    Case("manage.new_session", "POST", lambda w: "/manage/events/the-meeting/sessions/new",
         "council", data={**_EVENT_FORM, "kind": "workshop", "title": "A matrix session"},
         changed=_event_exists(title="A matrix session")),
    Case("manage.duplicate_event", "POST", lambda w: "/manage/events/the-draft/duplicate",
         "council", changed=_copied),
    Case("manage.cancel_event", "GET", lambda w: "/manage/events/the-meeting/cancel", "council"),
    Case("manage.cancel_event", "POST", lambda w: "/manage/events/the-meeting/cancel", "council",
         data={"reason": "The hall is closed."},
         changed=_event_exists(slug="the-meeting", status=EventStatus.CANCELLED)),
    Case("manage.audit_log", "GET", lambda w: "/manage/audit", "own"),
    # The report: every signed-in user, each seeing their own scope
    # (tests/manage/test_reports.py checks what a chair sees).
    Case("manage.reports", "GET", lambda w: "/manage/reports", "own"),
    Case("manage.report_csv", "GET", lambda w: "/manage/reports/summary.csv", "own"),
    Case("manage.publish_report", "POST", lambda w: "/manage/reports/publish", "admin",
         data={"start": "2026-03-01", "end": "2026-08-31"}, changed=_published),
    Case("manage.withdraw_report", "POST", lambda w: f"/manage/reports/published/{w['published']}/withdraw",
         "admin", changed=lambda app: not _published(app)),
]


# registrants (part 2b)
# These routes act on one registration: `_registrants_world` (autouse, for
# these cases only) registers matrix@example.org for the meeting with a pick
# of the-session, adds the-other-session to move it to, and puts the ids in
# the world.
_REGISTRANT_ENDPOINTS = {
    "manage.registrants", "manage.registrants_csv", "manage.walk_in", "manage.cancel_registrant",
    "manage.move_registrant", "manage.attend", "manage.check_in", "manage.message_registrants",
}


@pytest.fixture(autouse=True)
def _registrants_world(request):
    callspec = getattr(request.node, "callspec", None)
    case = callspec.params.get("case") if callspec is not None else None
    if case is None or case.endpoint not in _REGISTRANT_ENDPOINTS:
        return
    from events_app.registrations.services import register

    world, app = request.getfixturevalue("world"), request.getfixturevalue("app")
    make_event, clock = request.getfixturevalue("make_event"), request.getfixturevalue("clock")
    with app.app_context():
        meeting = db.session.scalars(db.select(Event).where(Event.slug == "the-meeting")).one()
        make_event(slug="the-other-session", kind="workshop", parent=meeting)
        pick = db.session.scalars(db.select(Event).where(Event.slug == "the-session")).one()
        registration, _token, _created = register(
            db.session, meeting, name="Matrix Person", email="matrix@example.org", consent=True,
            now=clock.now, session_ids=[pick.id])
        db.session.commit()
        world["registration"] = registration.id
        world["pick"] = registration.session_registrations[0].id
        if case.endpoint == "manage.attend":
            clock.set(meeting.start_dt)  # check-in is open at the door only


def _registration_is(check, email="matrix@example.org", pick=False):
    def changed(app) -> bool:
        from events_app.registrations.models import Registration

        with app.app_context():
            rows = db.session.scalars(db.select(Registration).where(
                Registration.email == email,
                Registration.parent_registration_id.is_not(None) if pick
                else Registration.parent_registration_id.is_(None))).all()
            return any(check(r) for r in rows)
    return changed


def _staff_message_sent(app) -> bool:
    from events_app.mail.models import OutboxMessage

    with app.app_context():
        return db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "staff_message")).first() is not None


def _registrant_path(suffix):
    return lambda w: f"/manage/events/the-meeting/registrants/{w['registration']}/{suffix}"


CASES += [
    Case("manage.registrants", "GET", lambda w: "/manage/events/the-meeting/registrants", "council"),
    Case("manage.registrants", "GET", lambda w: "/manage/events/the-session/registrants", "council",
         label="session"),
    Case("manage.registrants_csv", "GET", lambda w: "/manage/events/the-meeting/registrants.csv",
         "council"),
    Case("manage.check_in", "GET", lambda w: "/manage/events/the-meeting/check-in", "council"),
    Case("manage.walk_in", "GET", lambda w: "/manage/events/the-meeting/registrants/new", "council"),
    Case("manage.walk_in", "POST", lambda w: "/manage/events/the-meeting/registrants/new", "council",
         data={"name": "Walk In", "email": "walk-in@example.org", "consent": "y",
               "preferred_language": "en"},
         changed=_registration_is(lambda r: r.is_active, email="walk-in@example.org")),
    Case("manage.cancel_registrant", "GET", _registrant_path("cancel"), "council"),
    Case("manage.cancel_registrant", "POST", _registrant_path("cancel"), "council",
         changed=_registration_is(lambda r: r.is_cancelled)),
    Case("manage.attend", "POST", _registrant_path("attend"), "council", data={"attended": "1"},
         changed=_registration_is(lambda r: r.attended_dt is not None)),
    Case("manage.move_registrant", "GET",
         lambda w: f"/manage/events/the-meeting/registrants/{w['pick']}/move", "council"),
    Case("manage.move_registrant", "POST",
         lambda w: f"/manage/events/the-meeting/registrants/{w['pick']}/move", "council",
         data={"to_session": "the-other-session"},
         changed=_registration_is(lambda r: r.is_active and r.event.slug == "the-other-session",
                                  pick=True)),
    Case("manage.message_registrants", "GET", lambda w: "/manage/events/the-meeting/message",
         "council"),
    Case("manage.message_registrants", "POST", lambda w: "/manage/events/the-meeting/message",
         "council", data={"audience": "all", "subject": "Matrix", "body": "Hello"},
         changed=_staff_message_sent),
]

# users (admin)
# `_users_world` (autouse, for these cases only) adds the accounts acted on:
# an active chair ("target"), an invited one without a password yet
# ("pending") and a deactivated one ("inactive").
_USER_ENDPOINTS = {
    "manage.users", "manage.invite_user", "manage.edit_user", "manage.deactivate_user",
    "manage.reactivate_user", "manage.resend_invitation",
}


@pytest.fixture(autouse=True)
def _users_world(request):
    callspec = getattr(request.node, "callspec", None)
    case = callspec.params.get("case") if callspec is not None else None
    if case is None or case.endpoint not in _USER_ENDPOINTS:
        return
    world, make_user = request.getfixturevalue("world"), request.getfixturevalue("make_user")
    world["target"] = make_user(email="target@example.org").id
    world["pending"] = make_user(email="pending@example.org", password=None).id
    world["inactive"] = make_user(email="inactive@example.org", is_active=False).id


def _account_is(email, check):
    def changed(app) -> bool:
        from events_app.accounts.models import User

        with app.app_context():
            user = db.session.scalars(db.select(User).where(User.email == email)).first()
            return user is not None and check(user)
    return changed


def _invitation_sent_to(email):
    def changed(app) -> bool:
        from events_app.mail.models import OutboxMessage

        with app.app_context():
            return db.session.scalars(db.select(OutboxMessage).where(
                OutboxMessage.kind == "invitation", OutboxMessage.to_address == email)).first() is not None
    return changed


CASES += [
    Case("manage.users", "GET", lambda w: "/manage/users", "admin"),
    Case("manage.invite_user", "GET", lambda w: "/manage/users/invite", "admin"),
    Case("manage.invite_user", "POST", lambda w: "/manage/users/invite", "admin",
         data={"email": "invited@example.org", "name": "Invited In The Matrix", "role": "chair"},
         changed=_account_is("invited@example.org", lambda u: True)),
    Case("manage.edit_user", "GET", lambda w: f"/manage/users/{w['target']}/edit", "admin"),
    Case("manage.edit_user", "POST", lambda w: f"/manage/users/{w['target']}/edit", "admin",
         data={"name": "Renamed In The Matrix", "role": "chair"},
         changed=_account_is("target@example.org", lambda u: u.name == "Renamed In The Matrix")),
    Case("manage.deactivate_user", "POST", lambda w: f"/manage/users/{w['target']}/deactivate",
         "admin", changed=_account_is("target@example.org", lambda u: not u.is_active)),
    Case("manage.reactivate_user", "POST", lambda w: f"/manage/users/{w['inactive']}/reactivate",
         "admin", changed=_account_is("inactive@example.org", lambda u: u.is_active)),
    Case("manage.resend_invitation", "POST", lambda w: f"/manage/users/{w['pending']}/resend",
         "admin", changed=_invitation_sent_to("pending@example.org")),
]


# Sub-councils, themes, venues (admin), recommendations
# `_catalogue_world` (autouse, for these cases only) adds what is acted on:
# an unused Sub-council ("spare"), theme, venue and recommendation (TH-2,
# this council's), and TH-1, this council's recommendation its chairs edit.
_CATALOGUE_ENDPOINTS = {
    f"manage.{name}" for name in (
        "councils", "new_council", "edit_council", "delete_council",
        "themes", "new_theme", "edit_theme", "delete_theme",
        "venues", "new_venue", "edit_venue", "delete_venue",
        "recommendations", "new_recommendation", "edit_recommendation", "delete_recommendation")
}


@pytest.fixture(autouse=True)
def _catalogue_world(request):
    callspec = getattr(request.node, "callspec", None)
    case = callspec.params.get("case") if callspec is not None else None
    if case is None or case.endpoint not in _CATALOGUE_ENDPOINTS:
        return
    from events_app.councils.models import SubCouncil

    world, app = request.getfixturevalue("world"), request.getfixturevalue("app")
    make_council = request.getfixturevalue("make_council")
    make_theme, make_venue = request.getfixturevalue("make_theme"), request.getfixturevalue("make_venue")
    make_recommendation = request.getfixturevalue("make_recommendation")
    with app.app_context():
        this = db.session.scalars(db.select(SubCouncil).where(SubCouncil.slug == "this")).one()
        world["this"] = this.id
        make_recommendation(code="TH-1", title="This council's own", council=this)
        make_recommendation(code="TH-2", title="Unused", council=this)
    make_council(slug="spare", name="Spare")
    make_theme(slug="spare-theme", name="Spare theme")
    make_venue(slug="spare-venue", name="Spare venue")


@pytest.fixture(autouse=True)
def _published_world(request):
    """For withdrawing: a published period, its id in world["published"]."""
    callspec = getattr(request.node, "callspec", None)
    case = callspec.params.get("case") if callspec is not None else None
    if case is None or case.endpoint != "manage.withdraw_report":
        return
    from datetime import date

    from events_app.reports.models import PublishedReport

    world, app, clock = (request.getfixturevalue(name) for name in ("world", "app", "clock"))
    with app.app_context():
        published = PublishedReport(start_date=date(2026, 3, 1), end_date=date(2026, 8, 31),
                                    published_dt=clock.now)
        db.session.add(published)
        db.session.commit()
        world["published"] = published.id


def _row_is(model_path, check, **criteria):
    def changed(app) -> bool:
        import importlib

        module, name = model_path.rsplit(".", 1)
        model = getattr(importlib.import_module(module), name)
        with app.app_context():
            query = db.select(model)
            for column, value in criteria.items():
                query = query.where(getattr(model, column) == value)
            return check(db.session.scalars(query).first())
    return changed


_COUNCIL = "events_app.councils.models.SubCouncil"
_THEME = "events_app.councils.models.Theme"
_VENUE = "events_app.events.models.Venue"
_RECOMMENDATION = "events_app.councils.models.Recommendation"


def _exists(row) -> bool:
    return row is not None


def _gone(row) -> bool:
    return row is None


CASES += [
    Case("manage.councils", "GET", lambda w: "/manage/councils", "admin"),
    Case("manage.new_council", "GET", lambda w: "/manage/councils/new", "admin"),
    Case("manage.new_council", "POST", lambda w: "/manage/councils/new", "admin",
         data={"name": "Made In The Matrix"},
         changed=_row_is(_COUNCIL, _exists, name="Made In The Matrix")),
    Case("manage.edit_council", "GET", lambda w: "/manage/councils/spare/edit", "admin"),
    Case("manage.edit_council", "POST", lambda w: "/manage/councils/spare/edit", "admin",
         data={"name": "Renamed In The Matrix"},
         changed=_row_is(_COUNCIL, _exists, slug="spare", name="Renamed In The Matrix")),
    Case("manage.delete_council", "POST", lambda w: "/manage/councils/spare/delete", "admin",
         changed=_row_is(_COUNCIL, _gone, slug="spare")),
    Case("manage.themes", "GET", lambda w: "/manage/themes", "admin"),
    Case("manage.new_theme", "GET", lambda w: "/manage/themes/new", "admin"),
    Case("manage.new_theme", "POST", lambda w: "/manage/themes/new", "admin",
         data={"name": "Matrix theme"}, changed=_row_is(_THEME, _exists, name="Matrix theme")),
    Case("manage.edit_theme", "GET", lambda w: "/manage/themes/spare-theme/edit", "admin"),
    Case("manage.edit_theme", "POST", lambda w: "/manage/themes/spare-theme/edit", "admin",
         data={"name": "Renamed theme"},
         changed=_row_is(_THEME, _exists, slug="spare-theme", name="Renamed theme")),
    Case("manage.delete_theme", "POST", lambda w: "/manage/themes/spare-theme/delete", "admin",
         changed=_row_is(_THEME, _gone, slug="spare-theme")),
    Case("manage.venues", "GET", lambda w: "/manage/venues", "admin"),
    Case("manage.new_venue", "GET", lambda w: "/manage/venues/new", "admin"),
    Case("manage.new_venue", "POST", lambda w: "/manage/venues/new", "admin",
         data={"name": "Matrix Hall", "address": "1 Matrix Road"},
         changed=_row_is(_VENUE, _exists, name="Matrix Hall")),
    Case("manage.edit_venue", "GET", lambda w: "/manage/venues/spare-venue/edit", "admin"),
    Case("manage.edit_venue", "POST", lambda w: "/manage/venues/spare-venue/edit", "admin",
         data={"name": "Spare venue", "address": "2 Moved Street"},
         changed=_row_is(_VENUE, _exists, slug="spare-venue", address="2 Moved Street")),
    Case("manage.delete_venue", "POST", lambda w: "/manage/venues/spare-venue/delete", "admin",
         changed=_row_is(_VENUE, _gone, slug="spare-venue")),
    Case("manage.recommendations", "GET", lambda w: "/manage/recommendations", "own"),
    Case("manage.new_recommendation", "GET", lambda w: "/manage/recommendations/new", "admin"),
    Case("manage.new_recommendation", "POST", lambda w: "/manage/recommendations/new", "admin",
         data=lambda w: {"code": "TH-9", "title": "Made in the matrix", "status": "open",
                         "council": str(w["this"])},
         changed=_row_is(_RECOMMENDATION, _exists, code="TH-9")),
    Case("manage.edit_recommendation", "GET", lambda w: "/manage/recommendations/TH-1/edit",
         "council"),
    # A chair's form has no Sub-council; an admin's keeps it as it is.
    Case("manage.edit_recommendation", "POST", lambda w: "/manage/recommendations/TH-1/edit",
         "council", data=lambda w: {"status": "done", "title": "This council's own",
                                    "council": str(w["this"])},
         changed=_row_is(_RECOMMENDATION, lambda r: r.status == "done", code="TH-1")),
    Case("manage.delete_recommendation", "POST", lambda w: "/manage/recommendations/TH-2/delete",
         "admin", changed=_row_is(_RECOMMENDATION, _gone, code="TH-2")),
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
        data = case.data(world) if callable(case.data) else case.data
        response = client.open(path, method=case.method, data=data)
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
