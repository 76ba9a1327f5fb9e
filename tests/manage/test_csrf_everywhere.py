"""Every POST route of the site refuses a request without the form's CSRF
token, signed in or not, but for the few listed here, each with its reason.

Most of the suite runs with CSRF checks off so that tests can post forms
directly; this walk turns them on and visits every route the app knows, so
a new route is covered the day it is added.
"""
import pytest
from werkzeug.routing import IntegerConverter

# Routes that take a POST without a CSRF token, and why that is safe.
EXEMPT = {
    # RFC 8058 one-click unsubscribe: a mail client POSTs it with no session;
    # the signed token in the address authorises it, and it can only unsubscribe.
    "subscriptions.unsubscribe",
}

FORM_EXPIRED = "The form had expired, so nothing was sent."


def post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            values = {
                name: 1 if isinstance(converter, IntegerConverter) else "x"
                for name, converter in rule._converters.items()
            }
            with app.test_request_context():
                from flask import url_for

                yield rule.endpoint, url_for(rule.endpoint, **values)


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_the_walk_finds_the_routes_it_should(csrf_app):
    endpoints = {endpoint for endpoint, _ in post_routes(csrf_app)}
    assert len(endpoints) >= 30
    assert {"accounts.login", "registrations.register", "subscriptions.unsubscribe"} <= endpoints
    assert EXEMPT <= endpoints, "an exempt route that no longer exists: remove it from EXEMPT"


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_every_post_route_but_the_listed_ones_needs_the_token(
        csrf_app, client, clock, make_user, login, signed_in):
    if signed_in:
        login(client, make_user(role="admin"))
    refused, accepted = set(), set()
    for endpoint, path in post_routes(csrf_app):
        response = client.post(path, data={"anything": "x"})
        body = response.get_data(as_text=True)
        if response.status_code == 400 and FORM_EXPIRED in body:
            refused.add(endpoint)
        else:
            accepted.add(endpoint)
        assert response.status_code < 500, (endpoint, response.status_code)
    assert accepted == EXEMPT
    assert refused


def test_with_the_token_a_form_goes_through(csrf_app, client, clock, make_user):
    """The walk's refusals are the CSRF check's, not a route that refuses everything."""
    from accounts.users import sign_in

    account = make_user(role="admin")
    assert sign_in(client, account).status_code == 302
    assert client.get("/manage/").status_code == 200
