"""An Atom feed (RFC 4287) of events, written with feedgen.

The entries are the feed's events most recently published or changed,
newest change first; each says what, when, where and why in the reader's
language, with the same text as the event in a calendar feed
(`ical.builders.EventWriter.description`). No personal data: the same rows
as the public calendar feeds.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from ..i18n import html_lang
from ..templating import time_range
from ..ical.builders import CalendarEvent, EventWriter, Method
from ..ical.services import Feed

# Part of the feeds' ETag: change it when the same rows give other bytes.
ATOM_FORMAT_VERSION = 1
# A feed reader wants what is new, not the whole calendar.
ENTRIES = 50
# An empty feed still says when it was updated (RFC 4287 §4.1.1): a fixed
# moment, so that its bytes depend on its rows alone.
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def entry_id(uid: str, site_url: str) -> str:
    """A permanent IRI for the event: its calendar UID as a URN."""
    try:
        return uuid.UUID(hex=uid).urn
    except ValueError:
        return f"{site_url}/events/uid/{uid}"


def build_atom(events: Iterable[CalendarEvent], feed: Feed, *, feed_url: str, page_url: str,
               site_url: str, zone: ZoneInfo) -> bytes:
    """The Atom document of `feed` from its events (any order; the newest
    changes are kept)."""
    writer = EventWriter(site_url, zone, Method.PUBLISH, None)
    locale = str(get_locale() or "en")
    language = html_lang(locale)
    newest = sorted(events, key=lambda event: (event.updated_dt, event.uid), reverse=True)[:ENTRIES]

    generator = FeedGenerator()
    generator.id(feed_url)
    generator.title(feed.name)
    generator.subtitle(feed.description)
    generator.language(language)
    generator.author({"name": _(current_app.config["SITE_NAME"]), "uri": site_url + "/"})
    generator.link(href=feed_url, rel="self", type="application/atom+xml")
    generator.link(href=page_url, rel="alternate", type="text/html")
    generator.icon(site_url + "/static/favicon.svg")
    generator.generator("Community Events")
    generator.updated(newest[0].updated_dt if newest else EMPTY_FEED_UPDATED)

    for event in reversed(newest):  # feedgen lists the last added first
        url = writer.event_url(event.slug) + f"?lang={locale}"
        entry = generator.add_entry()
        entry.id(entry_id(event.uid, site_url))
        title = writer.text(event, "title")
        if writer.is_cancelled(event):
            title = _("Cancelled: %(title)s", title=title)
        entry.title(title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.updated(event.updated_dt)
        entry.published(event.created_dt)
        when = time_range(event.start_dt, event.end_dt)
        where = writer.location(event)
        entry.summary(" · ".join(part for part in (when, where) if part) + "\n"
                      + writer.text(event, "summary"))
        entry.content(writer.description(event, url), type="text")
        for label in writer.categories(event):
            entry.category(term=label)
    return generator.atom_str(pretty=False)
