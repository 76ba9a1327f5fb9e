"""The audit log: written in the caller's transaction, read by scope, filtered, paged."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from events_app.extensions import db
from events_app.manage import audit
from events_app.manage.models import AuditEntry


def test_record_keeps_changed_fields_as_json(app, make_user, clock):
    admin = make_user(role="admin")
    with app.app_context():
        from events_app.accounts.models import User

        actor = db.session.get(User, admin.id)
        before, after = audit.changed_fields(
            {"start_dt": datetime(2027, 3, 9, 23, tzinfo=timezone.utc), "title": "Same"},
            {"start_dt": datetime(2027, 3, 16, 22, tzinfo=timezone.utc), "title": "Same"})
        audit.record(db.session, actor=actor, action="event.update", target_type="event",
                     target_id=7, council_id=None, summary="x" * 400, before=before,
                     after=after, now=clock.now)
        db.session.commit()
        entry = db.session.scalars(db.select(AuditEntry)).one()
        assert entry.before == {"start_dt": "2027-03-09T23:00:00+00:00"}
        assert entry.after == {"start_dt": "2027-03-16T22:00:00+00:00"}
        assert entry.actor_label == admin.email and len(entry.summary) == 300
        assert entry.created_dt == clock.now


def _entries(app, clock, councils):
    with app.app_context():
        for n, council in enumerate(councils):
            audit.record(db.session, actor=None, action="event.update" if n % 2 else "event.create",
                         target_type="event", target_id=n,
                         council_id=council.id if council else None, summary=f"entry {n}",
                         now=clock.now - timedelta(days=n))
        db.session.commit()


def test_chairs_read_their_councils_entries_admins_all(app, client, login, make_council,
                                                       make_user, clock):
    this, other = make_council(), make_council()
    _entries(app, clock, [this, other, None, this])
    login(client, make_user(councils=[this]))
    text = client.get("/manage/audit").get_data(as_text=True)
    assert "entry 0" in text and "entry 3" in text
    assert "entry 1" not in text and "entry 2" not in text
    client.post("/logout")
    login(client, make_user(role="admin"))
    text = client.get("/manage/audit").get_data(as_text=True)
    assert all(f"entry {n}" in text for n in range(4))
    text = client.get(f"/manage/audit?council={other.id}").get_data(as_text=True)
    assert "entry 1" in text and "entry 0" not in text
    text = client.get("/manage/audit?action=event.create").get_data(as_text=True)
    assert "entry 0" in text and "entry 2" in text and "entry 1" not in text
    # The filter's dates are the site's days (London, Ontario), whatever the machine's zone.
    day = (clock.now - timedelta(days=1)).astimezone(ZoneInfo("America/Toronto")).date().isoformat()
    text = client.get(f"/manage/audit?date_from=2000-01-01&date_to={day}").get_data(as_text=True)
    assert "entry 0" not in text and "entry 3" in text


def test_a_chair_cannot_widen_the_scope_with_a_filter(app, client, login, make_council, make_user, clock):
    this, other = make_council(), make_council()
    _entries(app, clock, [other])
    login(client, make_user(councils=[this]))
    text = client.get(f"/manage/audit?council={other.id}").get_data(as_text=True)
    assert "entry 0" not in text


def test_pages(app, client, login, make_user, make_council, clock):
    council = make_council()
    _entries(app, clock, [council] * 55)
    login(client, make_user(role="admin"))
    first = client.get("/manage/audit").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/manage/audit?page=2").get_data(as_text=True)
    assert "entry 54" in second and "entry 0" not in second
    assert client.get("/manage/audit?page=999999999999999999999").status_code == 200
