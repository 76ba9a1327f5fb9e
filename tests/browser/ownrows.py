"""Rows of a test's own in the live site's database: a browser test that
changes something (registers, checks in, changes a capacity) does it to these,
so the demo content every other test reads stays as seeded, whatever order
the tests run in."""
import secrets

from sqlalchemy import inspect


def own_meeting(live_site, label: str, capacities: dict[str, int] | None = None, start=None):
    """A copy of the demo's March 7 meeting and its four sessions, under slugs
    of its own, for a test that registers, checks in or changes capacities:
    what it does never shows on the pages other tests look at, whatever order
    they run in. `capacities` maps a session's demo slug prefix (e.g.
    "breath-self-care") to the capacity its copy gets; `start` (aware) moves
    the copy, sessions and all, to start then (e.g. in progress, for check-in).
    Returns the copy's slug and {demo slug prefix: copied session id}."""
    from events_app.events.models import Event
    from events_app.events.services import get_public_event
    from events_app.extensions import db

    capacities = capacities or {}
    skip = {"id", "slug", "uid", "parent_id", "sequence"}
    columns = [c.key for c in inspect(Event).column_attrs if c.key not in skip]
    suffix = f"{label}-{secrets.token_hex(3)}"
    march7 = live_site.meeting_slug.removeprefix("community-meeting-")

    def copy(event, slug, **values):
        values = {**{key: getattr(event, key) for key in columns}, **values}
        clone = Event(slug=slug, themes=list(event.themes),
                      recommendations=list(event.recommendations), **values)
        db.session.add(clone)
        return clone

    with live_site.app.app_context():
        meeting = get_public_event(db.session, live_site.meeting_slug)
        shift = (start - meeting.start_dt) if start is not None else None

        def moved(event) -> dict:
            if shift is None:
                return {}
            return {"start_dt": event.start_dt + shift, "end_dt": event.end_dt + shift,
                    "registration_opens_dt": None, "registration_closes_dt": None}

        copied = copy(meeting, f"{meeting.slug}-{suffix}", **moved(meeting))
        sessions = {}
        for session in meeting.sessions:
            prefix = session.slug.removesuffix(f"-{march7}")
            sessions[prefix] = copy(session, f"{session.slug}-{suffix}", parent=copied,
                                    capacity=capacities.get(prefix, session.capacity),
                                    **moved(session))
        db.session.commit()
        ids = {prefix: session.id for prefix, session in sessions.items()}
        slug = copied.slug
        db.session.remove()
    return slug, ids
