"""`/embed/events`: a small list of upcoming events for other sites' pages,
the one route any site may frame; `/share`: where a partner picks the
filters and copies the `<iframe>`, the feeds' and the API's addresses.
"""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..councils.models import SubCouncil, Theme
from ..extensions import db, talisman
from ..events import services as events
from ..i18n import current_language, event_language_codes, language_choices, language_name
from ..ical.services import absolute_url, find_feed, Scope
from ..pagecache import cached_page
from ..registrations import services as registrations
from ..timeutil import now_utc
from .forms import EMBED_LIMIT, EmbedForm, ShareForm

bp = Blueprint("embed", __name__)



def _form(form_class=EmbedForm) -> tuple[EmbedForm, bool]:
    form = form_class(formdata=request.args)
    form.set_filter_choices(
        db.session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)),
        db.session.scalars(select(Theme).order_by(Theme.position)),
        [(code, language_name(code)) for code in event_language_codes()],
    )
    form.language_field().choices = [("", _("Each reader's own")),
                                     *[(choice.value, choice.label) for choice in language_choices()]]
    return form, form.validate()


def _embed_options():
    from .. import CONTENT_SECURITY_POLICY

    return {"frame_options": None,
            "content_security_policy": {**CONTENT_SECURITY_POLICY, "frame-ancestors": "*"}}


@bp.get("/embed/events")
@talisman(**_embed_options())
@cached_page
def events_list():
    form, valid = _form()
    items, seats = [], {}
    if valid:
        filters = events.EventFilter(**form.filters())
        items = events.events_after(db.session, filters, now_utc(), None, None,
                                    form.limit.data or EMBED_LIMIT)
        seats = registrations.seats(db.session, items)
    return render_template("embed/events.html", form=form, items=items, seats=seats,
                           all_url=absolute_url(current_app.config["SITE_URL"], "events.index",
                                                **form.filters(), lang=current_language()) if valid else None
                           ), 200 if valid else 400


@bp.get("/share")
def share():
    form, valid = _form(ShareForm)
    site_url = current_app.config["SITE_URL"]
    chosen = form.filters() if valid else {}
    limit = form.limit.data or EMBED_LIMIT
    # No language chosen: the list and the API follow each reader's browser;
    # a feed reader or calendar sends none, so feeds take the page's language.
    chosen_language = {"lang": form.list_language.data} if valid and form.list_language.data else {}
    language = form.list_language.data or current_language()
    embed_url = absolute_url(site_url, "embed.events_list", **chosen, limit=limit, **chosen_language)
    feeds = []
    scopes = [(Scope.ALL, None)] if not chosen else [(Scope(name), value) for name, value in chosen.items()]
    for scope, key in scopes:
        feed = find_feed(db.session, scope, key)
        if feed is None:
            continue
        endpoint, values = feed.endpoint
        feeds.append({
            "feed": feed,
            "atom": absolute_url(site_url, endpoint.replace("ical.", "atom."), **values, lang=language),
            "ics": absolute_url(site_url, endpoint, **values, lang=language),
        })
    api_url = absolute_url(site_url, "api.events", **chosen, limit=limit, **chosen_language)
    return render_template("embed/share.html", form=form, valid=valid, embed_url=embed_url,
                           feeds=feeds, api_url=api_url), 200 if valid else 400
