"""The link in every mail to a registrant: `/r/<token>` (see `events_app.links`)."""
from ..links import SignedLinks, new_link_id  # noqa: F401  (new_link_id: re-exported)

_links = SignedLinks("registration-link")
token_for = _links.token_for
link_id_from = _links.link_id_from
