"""The links in every mail to a registrant (see `events_app.links`).

- `/r/<token>`: the registration's page, with the person's details, status
  and cancel button. Written only into mail *to* the address: registering
  answers "check your e-mail" whether the address was new or already
  registered.
- `/calendar/r/<calendar token>.ics`: every seat held with the address. It
  spans the person's other registrations, so its token is signed under a
  salt of its own, also written only into mail to that address: someone who
  registers with another person's address learns nothing about them.
"""
from ..links import SignedLinks, new_link_id  # noqa: F401  (new_link_id: re-exported)

_links = SignedLinks("registration-link")
token_for = _links.token_for
link_id_from = _links.link_id_from

_address_calendar = SignedLinks("registrant-calendar")
address_calendar_token_for = _address_calendar.token_for
address_calendar_link_id_from = _address_calendar.link_id_from
