"""Atom feeds (RFC 4287) of newly published and changed events, with the filters of the calendar feeds."""
