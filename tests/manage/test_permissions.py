"""The rules of `events_app.manage.permissions`, one by one."""
import pytest
from flask_login import AnonymousUserMixin

from events_app.accounts.models import User
from events_app.councils.models import SubCouncil
from events_app.events.models import Event
from events_app.extensions import db
from events_app.manage import permissions


@pytest.fixture
def world(app, make_council, make_event, make_user):
    here, there = make_council(), make_council()
    accounts = {
        "admin": make_user(role="admin"),
        "chair here": make_user(councils=[here]),
        "chair there": make_user(councils=[there]),
        "chair of both": make_user(councils=[here, there]),
        "chair of none": make_user(),
        "inactive admin": make_user(role="admin", is_active=False),
        "inactive chair here": make_user(councils=[here], is_active=False),
    }
    meeting = make_event(kind="community-meeting", council=here)
    events = {
        "event here": make_event(council=here),
        "event there": make_event(council=there),
        "partnership-wide event": make_event(),
        # A session belongs to its meeting, whatever council presents it.
        "session of a meeting here, presented there": make_event(
            kind="workshop", parent=meeting, council=there),
        "session of a meeting there, presented here": make_event(
            kind="workshop", council=here,
            parent=make_event(kind="community-meeting", council=there)),
        "session of a partnership-wide meeting": make_event(
            kind="workshop", council=here, parent=make_event(kind="community-meeting")),
    }
    return {"here": here, "there": there, "accounts": accounts, "events": events}


EXPECTED = {  # who may manage which event
    "event here": {"admin", "chair here", "chair of both"},
    "event there": {"admin", "chair there", "chair of both"},
    "partnership-wide event": {"admin"},
    "session of a meeting here, presented there": {"admin", "chair here", "chair of both"},
    "session of a meeting there, presented here": {"admin", "chair there", "chair of both"},
    "session of a partnership-wide meeting": {"admin"},
}


def test_can_manage_event(app, world):
    with app.app_context():
        users = {name: db.session.get(User, a.id) for name, a in world["accounts"].items()}
        users["anonymous"] = AnonymousUserMixin()
        for event_name, allowed in EXPECTED.items():
            event = db.session.get(Event, world["events"][event_name].id)
            for user_name, user in users.items():
                assert permissions.can_manage_event(user, event) == (user_name in allowed), (
                    event_name, user_name)


def test_can_manage_council(app, world):
    with app.app_context():
        here = db.session.get(SubCouncil, world["here"].id)
        allowed = {"admin", "chair here", "chair of both"}
        for name, account in world["accounts"].items():
            user = db.session.get(User, account.id)
            assert permissions.can_manage_council(user, here) == (name in allowed), name
            assert not permissions.can_manage_council(user, None) or name == "admin"
        assert not permissions.can_manage_council(AnonymousUserMixin(), here)


def test_managed_council_ids(app, world):
    with app.app_context():
        accounts = world["accounts"]
        get = lambda name: db.session.get(User, accounts[name].id)  # noqa: E731
        assert permissions.managed_council_ids(get("admin")) is None
        assert permissions.managed_council_ids(get("chair of both")) == {world["here"].id, world["there"].id}
        assert permissions.managed_council_ids(get("chair of none")) == set()
        assert permissions.managed_council_ids(get("inactive admin")) == set()
        assert permissions.managed_council_ids(AnonymousUserMixin()) == set()
