"""Sub-councils, themes, venues and recommendations under /manage: plain
forms, messages beside the fields, refused deletes, audit entries, and
public pages that show a change at once."""
import pytest

from events_app.councils.models import Recommendation, SubCouncil, Theme
from events_app.events.models import Venue
from events_app.extensions import db
from events_app.manage.models import AuditEntry
from htmltools import normalise, page


@pytest.fixture
def admin(client, login, make_user):
    account = make_user(role="admin", name="Ada Admin", email="ada@example.org")
    login(client, account)
    return account


def _form_values(form) -> dict:
    """What a browser sends for a form as it stands: inputs, ticked boxes,
    text areas, chosen options."""
    values = {}
    for node in form.find_all("input"):
        name, kind = node["name"], node["type"] or "text"
        if not name or kind == "submit":
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in node.attrs:
                values.setdefault(name, []).append(node["value"])
        else:
            values[name] = node["value"] or ""
    for node in form.find_all("textarea"):
        values[node["name"]] = node._raw_text().removeprefix("\r").removeprefix("\n")
    for node in form.find_all("select"):
        options = node.find_all("option")
        chosen = [o for o in options if "selected" in o.attrs] or options[:1]
        values[node["name"]] = chosen[0]["value"] if chosen else ""
    return values


def _submit(client, response, data):
    """Change some fields of the page's own form (not the sign-out form or the
    delete button) and send it, the others as they were."""
    path = response.request.path
    form = next(f for f in page(response).find_all("form", method="post") if f["action"] == path)
    return client.post(path, data={**_form_values(form), **data})


def _text(response) -> str:
    return normalise(response.get_data(as_text=True))


def _entries(app, action):
    with app.app_context():
        return [(e.target_type, e.target_id, e.council_id, e.before, e.after)
                for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)
                                            .order_by(AuditEntry.id))]


def _row(app, model, **criteria):
    with app.app_context():
        query = db.select(model)
        for name, value in criteria.items():
            query = query.where(getattr(model, name) == value)
        row = db.session.scalars(query).first()
        if row is not None:
            db.session.expunge(row)
        return row


def _field_error(response, name) -> str:
    errors = page(response).find_all("ul", class_="field-errors", id=f"{name}-error")
    assert errors, f"no message beside {name}"
    return normalise(errors[0].text)


# --- Sub-councils ----------------------------------------------------------------------


def test_create_a_council_makes_a_slug_from_its_name(app, client, admin, make_council):
    make_council(slug="health-and-wellbeing", name="Health")  # the slug is taken
    form_page = client.get("/manage/councils/new")
    assert form_page.status_code == 200
    response = _submit(client, form_page, {
        "name": "Health and Wellbeing", "name__fr": "Santé et bien-être",
        "description": "Mental health.", "position": "7", "digest_email": "hw@example.org"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/councils"
    council = _row(app, SubCouncil, name="Health and Wellbeing")
    assert council.slug == "health-and-wellbeing-2"
    assert (council.translations, council.position, council.digest_email) == (
        {"fr": {"name": "Santé et bien-être"}}, 7, "hw@example.org")
    [(kind, target, council_id, before, after)] = _entries(app, "council.create")
    assert (kind, target, council_id, before) == ("council", council.id, None, None)
    assert after["slug"] == "health-and-wellbeing-2" and after["name"] == "Health and Wellbeing"
    listing = client.get("/manage/councils")
    assert "The Sub-council “Health and Wellbeing” is saved." in _text(listing)
    assert "/councils/health-and-wellbeing-2" in _text(listing)


def test_an_empty_position_puts_the_council_last(app, client, admin, make_council):
    make_council(position=40)
    _submit(client, client.get("/manage/councils/new"), {"name": "Newest"})
    assert _row(app, SubCouncil, name="Newest").position == 41


def test_edit_a_council_keeps_its_slug_and_audits_the_changes(app, client, admin, make_council):
    council = make_council(slug="settlement", name="Settlement", position=3)
    form_page = client.get("/manage/councils/settlement/edit")
    assert form_page.status_code == 200
    assert page(form_page).one("input", id="name")["value"] == "Settlement"
    response = _submit(client, form_page, {"name": "Settlement Services", "name__fr": "Établissement"})
    assert response.status_code == 303
    changed = _row(app, SubCouncil, id=council.id)
    assert (changed.slug, changed.name, changed.localized("name", "fr")) == (
        "settlement", "Settlement Services", "Établissement")
    [(_, target, council_id, before, after)] = _entries(app, "council.update")
    assert (target, council_id) == (council.id, None)
    assert before == {"name": "Settlement", "translations": {}}
    assert after == {"name": "Settlement Services", "translations": {"fr": {"name": "Établissement"}}}

    # Saving it unchanged writes no entry.
    _submit(client, client.get("/manage/councils/settlement/edit"), {})
    assert len(_entries(app, "council.update")) == 1


@pytest.mark.parametrize("data, field, message", [
    ({"name": ""}, "name", "Please give the Sub-council a name."),
    ({"name": "x", "digest_email": "not an address"}, "digest_email",
     "Please enter an e-mail address like name@example.com."),
    ({"name": "x" * 121}, "name", "Please use at most 120 characters."),
    ({"name": "x", "position": "third"}, "position", "Please give a whole number, like 3."),
    ({"name": "x", "position": "99999999999"}, "position", "Please use at most 7 characters."),
])
def test_council_form_messages_beside_the_fields(app, client, admin, data, field, message):
    response = client.post("/manage/councils/new", data=data)
    assert response.status_code == 400
    assert message in _field_error(response, field)
    assert page(response).one("div", class_="error-summary") is not None
    assert _entries(app, "council.create") == []


def test_a_nul_byte_is_dropped_not_a_500(app, client, admin):
    response = client.post("/manage/councils/new", data={"name": "Edu\x00cation"})
    assert response.status_code == 303
    assert _row(app, SubCouncil, name="Education").slug == "education"


def test_delete_an_unused_council(app, client, admin, make_council):
    council = make_council(slug="spare", name="Spare")
    response = client.post("/manage/councils/spare/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/manage/councils"
    assert _row(app, SubCouncil, slug="spare") is None
    [(_, target, council_id, before, after)] = _entries(app, "council.delete")
    assert (target, council_id, after) == (council.id, None, None)
    assert before["slug"] == "spare" and before["name"] == "Spare"
    assert "The Sub-council “Spare” is deleted." in _text(client.get("/manage/councils"))


@pytest.mark.parametrize("use", ["event", "recommendation", "chair"])
def test_a_council_in_use_is_not_deleted(app, client, admin, make_council, make_event,
                                          make_recommendation, make_user, use):
    council = make_council(slug="busy", name="Busy")
    {"event": lambda: make_event(council=council),
     "recommendation": lambda: make_recommendation(council=council),
     "chair": lambda: make_user(councils=[council])}[use]()
    response = client.post("/manage/councils/busy/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/manage/councils/busy/edit"
    assert _row(app, SubCouncil, slug="busy") is not None
    text = _text(client.get(response.headers["Location"]))
    assert "“Busy” cannot be deleted while it is in use" in text
    assert f"1 {use}" in text
    assert _entries(app, "council.delete") == []


def test_unknown_things_are_404(client, admin):
    for path in ("/manage/councils/nope/edit", "/manage/themes/nope/edit",
                 "/manage/venues/nope/edit", "/manage/recommendations/NOPE-1/edit",
                 "/manage/venues/" + "x" * 5000 + "/edit", "/manage/venues/%00/edit"):
        assert client.get(path).status_code == 404, path
    for path in ("/manage/councils/nope/delete", "/manage/recommendations/NOPE-1/delete"):
        assert client.post(path).status_code == 404, path


# --- themes -------------------------------------------------------------------------------


def test_create_edit_delete_a_theme(app, client, admin):
    response = _submit(client, client.get("/manage/themes/new"),
                       {"name": "Host Community", "name__fr": "Communauté d’accueil", "position": "2"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/themes"
    theme = _row(app, Theme, slug="host-community")
    assert (theme.translations, theme.position) == ({"fr": {"name": "Communauté d’accueil"}}, 2)

    response = _submit(client, client.get("/manage/themes/host-community/edit"),
                       {"name": "Host communities", "position": "5"})
    assert response.status_code == 303
    assert _row(app, Theme, id=theme.id).slug == "host-community"  # stable
    [(_, _, _, before, after)] = _entries(app, "theme.update")
    assert before == {"name": "Host Community", "position": 2}
    assert after == {"name": "Host communities", "position": 5}

    response = client.post("/manage/themes/host-community/delete")
    assert response.status_code == 303
    assert _row(app, Theme, id=theme.id) is None
    assert _entries(app, "theme.delete")[0][3]["name"] == "Host communities"


def test_a_theme_in_use_is_not_deleted(app, client, admin, make_theme, make_event,
                                        make_recommendation):
    theme = make_theme(slug="used", name="Used")
    make_event(themes=[theme])
    make_recommendation(themes=[theme])
    response = client.post("/manage/themes/used/delete", follow_redirects=True)
    assert "“Used” cannot be deleted while it is in use (1 event, 1 recommendation)" in _text(response)
    assert _row(app, Theme, slug="used") is not None


def test_theme_name_is_required(client, admin):
    response = client.post("/manage/themes/new", data={"name": "  "})
    assert response.status_code == 400
    assert "Please give the theme a name." in _field_error(response, "name")


# --- venues ---------------------------------------------------------------------------------


def test_create_edit_delete_a_venue(app, client, admin):
    response = _submit(client, client.get("/manage/venues/new"), {
        "name": "Central Library", "address": "251 Dundas St, London, ON",
        "accessibility_notes": "Step-free entrance on Dundas.",
        "map_url": "https://www.openstreetmap.org/way/1"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/venues"
    venue = _row(app, Venue, slug="central-library")
    assert venue.map_url == "https://www.openstreetmap.org/way/1"
    assert _entries(app, "venue.create")[0][4]["address"] == "251 Dundas St, London, ON"

    response = _submit(client, client.get("/manage/venues/central-library/edit"),
                       {"address": "251 Dundas Street, London, ON", "map_url": ""})
    assert response.status_code == 303
    [(_, _, council_id, before, after)] = _entries(app, "venue.update")
    assert council_id is None
    assert before == {"address": "251 Dundas St, London, ON",
                      "map_url": "https://www.openstreetmap.org/way/1"}
    assert after == {"address": "251 Dundas Street, London, ON", "map_url": None}

    assert client.post("/manage/venues/central-library/delete").status_code == 303
    assert _row(app, Venue, id=venue.id) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/map",
                                 "www.example.org", "https://", "https://exa mple.org/x"])
def test_a_map_url_must_be_a_web_address(app, client, admin, url):
    response = client.post("/manage/venues/new",
                           data={"name": "Hall", "address": "1 Road", "map_url": url})
    assert response.status_code == 400
    assert "Please give a full address starting with https://" in _field_error(response, "map_url")
    assert _row(app, Venue, name="Hall") is None


def test_venue_messages(client, admin):
    response = client.post("/manage/venues/new", data={"name": "", "address": "x" * 301})
    assert response.status_code == 400
    assert "Please give the venue a name." in _field_error(response, "name")
    assert "Please use at most 300 characters." in _field_error(response, "address")


def test_a_venue_in_use_is_not_deleted(app, client, admin, make_venue, make_event):
    venue = make_venue(slug="busy-hall", name="Busy Hall")
    make_event(venue=venue)
    response = client.post("/manage/venues/busy-hall/delete", follow_redirects=True)
    assert "“Busy Hall” cannot be deleted while it is in use (1 event)" in _text(response)
    assert _row(app, Venue, slug="busy-hall") is not None
    assert _entries(app, "venue.delete") == []


# --- recommendations ---------------------------------------------------------------------------


def test_create_a_recommendation(app, client, admin, make_council, make_theme):
    council = make_council(slug="health", name="Health")
    theme = make_theme(name="Advocacy")
    form_page = client.get("/manage/recommendations/new?council=health")
    assert form_page.status_code == 200
    assert "selected" in page(form_page).one("option", value=str(council.id)).attrs
    response = _submit(client, form_page, {
        "code": "hw-3", "title": "Mental health first aid", "title__fr": "Premiers soins",
        "description": "Train staff.", "status": "in-progress", "themes": [str(theme.id)]})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/manage/recommendations")
    rec = _row(app, Recommendation, code="HW-3")  # codes are upper case
    assert (rec.council_id, rec.status, rec.position) == (council.id, "in-progress", 1)
    [(kind, target, council_id, before, after)] = _entries(app, "recommendation.create")
    assert (kind, target, council_id, before) == ("recommendation", rec.id, council.id, None)
    assert after["theme_ids"] == [theme.id] and after["code"] == "HW-3"


@pytest.mark.parametrize("data, field, message", [
    ({"code": "hw-1"}, "code", "Another recommendation already has this code."),
    ({"code": "HW 4"}, "code", "Use letters, digits and hyphens only, like HW-3."),
    ({"code": ""}, "code", "Please give the recommendation a code."),
    ({"title": ""}, "title", "Please give the recommendation a title."),
    ({"council": ""}, "council", "Please choose a Sub-council from the list."),
    ({"council": "99999"}, "council", "Please choose a Sub-council from the list."),
    ({"status": "finished"}, "status", "Please choose a status from the list."),
    ({"themes": ["99999"]}, "themes", "Please pick themes from the list."),
    ({"position": "1.5"}, "position", "Please give a whole number, like 3."),
])
def test_recommendation_messages(app, client, admin, make_recommendation, make_council,
                                 data, field, message):
    council = make_council()
    make_recommendation(code="HW-1", council=council)
    form = {"code": "HW-9", "title": "Title", "council": str(council.id), "status": "open", **data}
    response = client.post("/manage/recommendations/new", data=form)
    assert response.status_code == 400
    assert message in _field_error(response, field)
    assert _entries(app, "recommendation.create") == []


def test_a_chair_changes_the_status_of_their_councils_recommendation(
        app, client, login, make_user, make_council, make_recommendation):
    mine, theirs = make_council(name="Mine"), make_council(name="Theirs")
    rec = make_recommendation(code="HW-2", council=mine, status="open")
    other = make_recommendation(code="EM-1", council=theirs)
    login(client, make_user(councils=[mine]))

    listing = client.get("/manage/recommendations")
    assert listing.status_code == 200
    links = page(listing).links()
    assert "/manage/recommendations/HW-2/edit" in links
    assert "/manage/recommendations/EM-1/edit" not in links  # shown, not editable
    assert "EM-1" in _text(listing)

    form_page = client.get("/manage/recommendations/HW-2/edit")
    assert form_page.status_code == 200
    assert page(form_page).find("select", id="council") is None  # not theirs to move
    assert page(form_page).find("input", id="code") is None
    assert "/manage/recommendations/HW-2/delete" not in form_page.get_data(as_text=True)
    response = _submit(client, form_page, {"status": "done"})
    assert response.status_code == 303
    assert _row(app, Recommendation, id=rec.id).status == "done"
    [(_, target, council_id, before, after)] = _entries(app, "recommendation.update")
    assert (target, council_id, before, after) == (rec.id, mine.id, {"status": "open"},
                                                   {"status": "done"})

    assert client.get("/manage/recommendations/EM-1/edit").status_code == 403
    assert client.post("/manage/recommendations/EM-1/edit",
                       data={"status": "done", "title": "x"}).status_code == 403
    assert _row(app, Recommendation, id=other.id).status == "open"
    assert client.post("/manage/recommendations/HW-2/delete").status_code == 403
    assert client.get("/manage/recommendations/new").status_code == 403

    # The chair reads the entry in their audit log.
    assert "recommendation.update" in _text(client.get("/manage/audit"))


def test_a_chair_cannot_move_a_recommendation(app, client, login, make_user, make_council,
                                              make_recommendation):
    mine, theirs = make_council(), make_council()
    rec = make_recommendation(code="HW-2", council=mine, title="Kept")
    login(client, make_user(councils=[mine, theirs]))  # even a chair of both
    response = client.post("/manage/recommendations/HW-2/edit", data={
        "status": "in-progress", "title": "Kept", "council": str(theirs.id), "code": "ZZ-1"})
    assert response.status_code == 303
    row = _row(app, Recommendation, id=rec.id)
    assert (row.council_id, row.code, row.status) == (mine.id, "HW-2", "in-progress")


def test_only_an_admin_moves_a_recommendation_service_rule(app, make_user, make_council,
                                                           make_recommendation, clock):
    from events_app.accounts.models import User
    from events_app.manage import catalogue_services as services
    from events_app.manage.event_services import FieldError

    mine, theirs = make_council(), make_council()
    rec = make_recommendation(council=mine)
    chair = make_user(councils=[mine, theirs])
    with app.app_context():
        user = db.session.get(User, chair.id)
        row = db.session.get(Recommendation, rec.id)
        with pytest.raises(FieldError) as refused:
            services.update(db.session, services.RECOMMENDATION, row,
                            {"council": db.session.get(SubCouncil, theirs.id)},
                            actor=user, now=clock.now)
        assert refused.value.field == "council"


def test_an_admin_moves_a_recommendation(app, client, admin, make_council,
                                                                make_recommendation):
    mine, theirs = make_council(), make_council()
    rec = make_recommendation(code="HW-2", council=mine, title="Moving")
    response = _submit(client, client.get("/manage/recommendations/HW-2/edit"),
                       {"council": str(theirs.id)})
    assert response.status_code == 303
    assert _row(app, Recommendation, id=rec.id).council_id == theirs.id
    [(_, _, council_id, before, after)] = _entries(app, "recommendation.update")
    assert council_id == theirs.id
    assert before["council_id"] == mine.id and after["council_id"] == theirs.id


def test_recommendation_linked_to_an_event_is_not_deleted(app, client, admin, make_event,
                                                         make_recommendation):
    rec = make_recommendation(code="HW-1")
    make_event(recommendations=[rec])
    unused = make_recommendation(code="HW-2")
    response = client.post("/manage/recommendations/HW-1/delete", follow_redirects=True)
    assert "“HW-1” cannot be deleted while it is in use (1 event)" in _text(response)
    assert _row(app, Recommendation, id=rec.id) is not None

    response = client.post("/manage/recommendations/hw-2/delete")
    assert response.status_code == 303
    assert _row(app, Recommendation, id=unused.id) is None
    [(_, target, council_id, before, after)] = _entries(app, "recommendation.delete")
    assert (target, council_id, after) == (unused.id, unused.council_id, None)
    assert before["code"] == "HW-2"


def test_pages_are_plain_forms(client, admin, make_council, make_theme, make_venue,
                               make_recommendation):
    """No JavaScript needed: each page posts an ordinary form with its CSRF field."""
    make_council(slug="c"), make_theme(slug="t"), make_venue(slug="v")
    make_recommendation(code="R-1")
    for path in ("/manage/councils/new", "/manage/councils/c/edit", "/manage/themes/new",
                 "/manage/themes/t/edit", "/manage/venues/new", "/manage/venues/v/edit",
                 "/manage/recommendations/new", "/manage/recommendations/R-1/edit"):
        response = client.get(path)
        assert response.status_code == 200, path
        form = next(f for f in page(response).find_all("form", method="post")
                    if f["action"] == path)
        assert form.find("input", name="csrf_token") is not None
        assert form.find("button", type="submit") is not None


def test_dashboard_links(client, login, make_user, make_council):
    login(client, make_user(councils=[make_council()]))
    links = page(client.get("/manage/")).links()
    assert "/manage/recommendations" in links
    assert not {"/manage/councils", "/manage/themes", "/manage/venues"} & set(links)
    for path in ("/manage/councils", "/manage/themes", "/manage/venues"):
        assert client.get(path).status_code == 403
    client.post("/logout")
    login(client, make_user(role="admin"))
    links = page(client.get("/manage/")).links()
    assert {"/manage/councils", "/manage/themes", "/manage/venues",
            "/manage/recommendations"} <= set(links)


# --- public pages follow at once ------------------------------------------------------------


def test_public_pages_show_the_change_at_once(app, client, admin, make_council, make_venue,
                                              make_event, make_recommendation):
    council = make_council(slug="education", name="Education")
    venue = make_venue(slug="library", name="Library", address="1 Old Road")
    event = make_event(council=council, venue=venue, title="Homework Club")
    make_recommendation(code="ED-1", council=council, status="open")
    public = app.test_client()  # anonymous: served from the page cache
    assert "1 Old Road" in _text(public.get(f"/events/{event.slug}"))
    assert "Education" in _text(public.get("/councils/education"))
    assert "Open" in page(public.get("/recommendations/ED-1")).one(class_="status").text

    _submit(client, client.get("/manage/venues/library/edit"), {"address": "2 New Road"})
    _submit(client, client.get("/manage/councils/education/edit"), {"name": "Education Council"})
    _submit(client, client.get("/manage/recommendations/ED-1/edit"), {"status": "in-progress"})

    event_page = _text(public.get(f"/events/{event.slug}"))
    assert "2 New Road" in event_page and "1 Old Road" not in event_page
    assert "Education Council" in _text(public.get("/councils/education"))
    assert page(public.get("/recommendations/ED-1")).one(class_="status").text == "In progress"


ODD_POSTS = [
    ("/manage/recommendations/new", {"themes": ["abc"], "council": "abc", "status": "\x00"}),
    ("/manage/recommendations/new", {"code": "НВ-2", "title": "x" * 5000, "position": "٣"}),
    ("/manage/recommendations/new", {"code": "A" * 5000, "position": "\x00"}),
    ("/manage/councils/new", {"name": "x", "digest_email": "a@" + "b" * 300 + ".org"}),
    ("/manage/councils/new", {"name": "x", "digest_email": "ü@ü", "position": "-"}),
    ("/manage/themes/new", {"name": ["one", "two"], "position": "1e9"}),
    ("/manage/venues/new", {"name": "x", "address": "y", "map_url": "https://" + "a" * 600}),
    ("/manage/venues/new", {"name": "x", "address": "y", "map_url": "http://\x00.org"}),
]


@pytest.mark.parametrize("path, data", ODD_POSTS, ids=lambda v: str(v)[:40])
def test_odd_input_gets_a_message_not_a_500(client, admin, make_council, path, data):
    make_council()
    response = client.post(path, data=data)
    assert response.status_code in (303, 400), response.status_code
    if response.status_code == 400:
        assert page(response).find("div", class_="error-summary") is not None


@pytest.mark.parametrize("path", [
    "/manage/recommendations/%D0%9D%D0%92-2/edit",
    "/manage/recommendations/" + "A" * 5000 + "/edit",
    "/manage/recommendations/HW-2%00/edit",
    "/manage/themes/caf%C3%A9/edit",
    "/manage/councils/%ff%fe/edit",
])
def test_odd_addresses_are_404(client, admin, path):
    assert client.get(path).status_code == 404


def test_a_venue_move_makes_calendars_update_its_coming_events(app, client, admin, clock,
                                                               make_venue, make_event):
    from datetime import timedelta

    from events_app.events.models import Event

    venue = make_venue(slug="hall", name="Hall", address="1 Old Road")
    coming = make_event(venue=venue)
    past = make_event(venue=venue, start_dt=clock.now - timedelta(days=30))
    _submit(client, client.get("/manage/venues/hall/edit"), {"accessibility_notes": "Ramp."})
    assert _row(app, Event, id=coming.id).sequence == 0  # not a change of place
    _submit(client, client.get("/manage/venues/hall/edit"), {"address": "2 New Road"})
    assert _row(app, Event, id=coming.id).sequence == 1
    assert _row(app, Event, id=past.id).sequence == 0
