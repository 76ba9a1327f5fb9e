"""Content for the calendar tests: events on both daylight-saving weekends,
in the repeated hour of the fall-back night, with French, Arabic and
punctuation in their titles, a community meeting with sessions, a
cancellation and a draft."""
from dataclasses import dataclass
from datetime import timedelta

import pytest

from events_app.events.models import EventStatus
from icaltools import AROUND_DST, TRICKY_TITLE, utc

@dataclass
class CalendarSite:
    council: object
    other_council: object
    theme: object
    venue: object
    recommendation: object
    meeting: object
    sessions: list
    cancelled: object
    draft: object
    tricky: object
    dst: dict


@pytest.fixture
def calendar_site(make_council, make_theme, make_venue, make_recommendation, make_event):
    council = make_council(slug="health-and-wellbeing", name="Health and Wellbeing",
                           name_fr="Santé et bien-être")
    other = make_council(slug="employment", name="Employment", name_fr="Emploi")
    theme = make_theme(slug="host-community", name="Host Community", name_fr="Communauté d’accueil")
    venue = make_venue(name="Central Library", address="251 Dundas Street, London, ON",
                       accessibility_notes="Step-free entrance.")
    rec = make_recommendation(council=council, code="HW-2", title="Mental-health supports",
                              title_fr="Soutien en santé mentale")
    meeting = make_event(
        slug="march-meeting", kind="community-meeting", title="March 7 Community Meeting",
        title_fr="Rencontre communautaire du 7 mars", summary="Four workshops.",
        start_dt=utc(2027, 3, 7, 14, 30), end_dt=utc(2027, 3, 7, 20, 0), venue=venue,
        themes=[theme], recommendations=[rec], languages=["en", "fr", "ar"],
    )
    sessions = [
        make_event(slug="breath", kind="workshop", title="Breath – self-care", parent=meeting,
                   council=council, venue=venue, start_dt=utc(2027, 3, 7, 18, 0),
                   end_dt=utc(2027, 3, 7, 19, 30), presenter="Opening Doors Project"),
        make_event(slug="journeys", kind="workshop", title="Journeys to Canada", parent=meeting,
                   council=other, venue=venue, start_dt=utc(2027, 3, 7, 15, 0),
                   end_dt=utc(2027, 3, 7, 16, 30)),
    ]
    cancelled = make_event(slug="cancelled-walk", title="Walking group", council=other,
                           status=EventStatus.CANCELLED)
    make_event(slug="council-meeting", kind="council-meeting", title="Sub-council meeting",
               council=council, venue=venue, start_dt=utc(2026, 12, 10, 18, 0))
    draft = make_event(slug="draft-plan", title="Not yet announced", status=EventStatus.DRAFT,
                       council=council)
    tricky = make_event(slug="tricky", title=TRICKY_TITLE, title_fr=TRICKY_TITLE + " (fr)",
                        summary="Résumé; with, punctuation\nand a new line.", council=council,
                        online_url="https://meet.example.org/lmlip", themes=[theme])
    dst = {
        slug: make_event(slug=slug, title=slug.replace("-", " "), start_dt=start,
                         end_dt=start + timedelta(minutes=minutes), venue=venue)
        for slug, (start, minutes, _local, _fold) in AROUND_DST.items()
    }
    return CalendarSite(council, other, theme, venue, rec, meeting, sessions, cancelled, draft,
                        tricky, dst)
