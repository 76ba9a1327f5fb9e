"""The link in every mail to a subscriber: `/subscriptions/<token>` (see
`events_app.links`). The same token serves the confirmation, the
subscription's page and the one-click unsubscribe."""
from ..links import SignedLinks, new_link_id  # noqa: F401  (new_link_id: re-exported)

_links = SignedLinks("subscription-link")
token_for = _links.token_for
link_id_from = _links.link_id_from
