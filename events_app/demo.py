"""The demo content (`flask seed demo`): the partnership's own Sub-councils,
themes and recommendations, the March 7 Community Meeting and its four
workshops, monthly Sub-council meetings and neighbourhood events.

Dates are relative to `now`, so the demo always has upcoming events. Seeding
is idempotent: every row is found by its natural key (slug or code) and only
changed fields are written, so running it twice leaves the same content.
"""
from datetime import date, datetime, time, timedelta

import click
from flask.cli import with_appcontext

from .councils.models import Recommendation, SubCouncil, Theme
from .events.models import Event, EventKind, EventStatus, Venue
from .events.services import apply_changes
from .extensions import db
from .cliutil import now_option
from .demo_translations import TRANSLATIONS
from .timeutil import local_to_utc, local_today, site_zone

COUNCILS = [
    ("education", "Education",
     "Works with school boards, teachers, parents and students so that newcomer children and adults succeed in school and in English (ESL) classes."),
    ("employment", "Employment",
     "Brings employers, employment services and job seekers together so that immigrants find work that matches their skills."),
    ("health-and-wellbeing", "Health and Wellbeing",
     "Improves newcomers’ access to health care and mental-health supports, and helps providers serve a diverse community."),
    ("inclusion-and-civic-engagement", "Inclusion and Civic Engagement",
     "Builds a welcoming community where newcomers and long-time residents meet, take part in civic life and stand together against racism."),
    ("justice-and-protection-services", "Justice and Protection Services",
     "Helps newcomers understand their rights and reach police, legal and protection services, and helps those services understand newcomers."),
    ("settlement", "Settlement",
     "Coordinates settlement services so that newcomers find the help they need, in their language, from their first day."),
]

# (slug, name, intended outcome)
THEMES = [
    ("advocacy-systemic-change", "Advocacy/Systemic Change",
     "Policies and systems in London and Middlesex change so that they no longer put newcomers at a disadvantage."),
    ("supports-and-services-for-immigrants", "Supports and Services for Immigrants",
     "Newcomers find the services they need, coordinated, accessible and in their language."),
    ("communication-and-access-to-information", "Communication and Access to Information",
     "Newcomers and service providers have clear, timely information on services, rights and opportunities."),
    ("host-community", "Host Community",
     "A welcoming community where newcomers and long-time residents know one another and work together."),
    ("supports-for-service-providers", "Supports for Service Providers",
     "Service providers have the training, tools and connections to serve a diverse community well."),
]

# (code, council, title, themes, status, description)
RECOMMENDATIONS = [
    ("ED-1", "education", "Support parents, teachers and students through the school system",
     ["supports-and-services-for-immigrants", "communication-and-access-to-information"], "in-progress",
     "A working group of parents, teachers and settlement workers in schools identifies what newcomer families need to navigate Ontario schools."),
    ("ED-2", "education", "Explore alternatives for delivering ESL",
     ["supports-and-services-for-immigrants"], "open",
     "Evening, online and workplace ESL so that working adults and parents with young children can learn English."),
    ("ED-3", "education", "Position paper: a “Teaching in Multilingual Classrooms” certification",
     ["advocacy-systemic-change", "supports-for-service-providers"], "in-progress",
     "Advocate with faculties of education for an additional qualification on teaching in multilingual classrooms."),
    ("ED-4", "education", "Early screening for learning disabilities among newcomer children",
     ["advocacy-systemic-change", "supports-and-services-for-immigrants"], "open",
     "Screening that tells a learning disability apart from learning a new language, early enough to help."),
    ("EM-1", "employment", "Promote employer resources through the immigrant employment council",
     ["host-community", "communication-and-access-to-information"], "in-progress",
     "Reach small and medium employers with hiring guides, mentoring programmes and wage subsidies."),
    ("EM-2", "employment", "A keys-to-success checklist for job seekers",
     ["communication-and-access-to-information", "supports-and-services-for-immigrants"], "done",
     "A plain-language checklist: credentials, Canadian résumé, references, networking, workplace culture."),
    ("EM-3", "employment", "Peer mentorship for immigrant job seekers",
     ["supports-and-services-for-immigrants", "host-community"], "open",
     "Match job seekers with immigrants working in their field in London and Middlesex."),
    ("EM-4", "employment", "A Common Assessment Process across employment services",
     ["supports-for-service-providers", "supports-and-services-for-immigrants"], "in-progress",
     "The Employment Sector Council’s shared intake, so that a job seeker tells their story once."),
    ("HW-1", "health-and-wellbeing", "Cultural sensitivity training for health and social service providers",
     ["supports-for-service-providers", "host-community"], "in-progress",
     "Training, including anti-racism education, for people who serve newcomers in health and social services."),
    ("HW-2", "health-and-wellbeing", "Holistic supports for newcomers’ mental health and wellbeing",
     ["supports-and-services-for-immigrants"], "open",
     "Self-care, peer support and culturally safe counselling for people under the stress of settling in a new country."),
    ("HW-3", "health-and-wellbeing", "Education for service providers on newcomers’ journeys",
     ["supports-for-service-providers"], "open",
     "Help providers understand the journeys of immigrants and refugees to Canada and what they carry with them."),
    ("IC-1", "inclusion-and-civic-engagement", "Neighbourhood events that bring newcomers and long-time residents together",
     ["host-community"], "in-progress",
     "Potlucks, walks and festivals in every part of London and Middlesex."),
    ("IC-2", "inclusion-and-civic-engagement", "Newcomers on boards, committees and in civic life",
     ["advocacy-systemic-change", "host-community"], "open",
     "Information sessions on voting, municipal committees and volunteering on boards."),
    ("JP-1", "justice-and-protection-services", "Education on housing, parenting and elder abuse",
     ["communication-and-access-to-information", "supports-and-services-for-immigrants"], "in-progress",
     "Sessions in several languages on tenants’ rights, parenting in Canada and recognising elder abuse."),
    ("JP-2", "justice-and-protection-services", "Tools to access justice and protection services",
     ["communication-and-access-to-information"], "open",
     "Multilingual guides to police, legal clinics, victim services and child protection."),
    ("JP-3", "justice-and-protection-services", "Education for service providers on newcomers’ legal situations",
     ["supports-for-service-providers"], "open",
     "Immigration status, sponsorship and family law, for front-line staff."),
    ("SE-1", "settlement", "Holistic, coordinated settlement supports",
     ["supports-and-services-for-immigrants", "supports-for-service-providers"], "in-progress",
     "Settlement, housing, health and employment workers who refer to one another instead of sending people in circles."),
    ("SE-2", "settlement", "Clear information on where to find settlement services",
     ["communication-and-access-to-information"], "open",
     "One map of services in London and Middlesex, in the languages newcomers speak."),
]

VENUES = [
    ("central-library", "London Public Library – Central Library",
     "251 Dundas Street, London, ON N6A 6H9",
     "Step-free entrance from Dundas Street; elevator to all floors; accessible washrooms on every floor.",
     "https://www.openstreetmap.org/search?query=251%20Dundas%20Street%20London%20Ontario"),
    ("cross-cultural-learner-centre", "Cross Cultural Learner Centre",
     "505 Dundas Street, London, ON N6B 1W4",
     "Ramp at the front entrance; accessible washroom on the main floor.",
     "https://www.openstreetmap.org/search?query=505%20Dundas%20Street%20London%20Ontario"),
    ("carling-heights", "Carling Heights Optimist Community Centre",
     "656 Elizabeth Street, London, ON N5Y 6L3",
     "Step-free throughout; free parking with accessible spaces by the door.",
     "https://www.openstreetmap.org/search?query=656%20Elizabeth%20Street%20London%20Ontario"),
    ("east-lions", "East Lions Community Centre",
     "1731 Churchill Avenue, London, ON N5W 5P4",
     "Step-free entrance; quiet room available on request.",
     "https://www.openstreetmap.org/search?query=1731%20Churchill%20Avenue%20London%20Ontario"),
    ("strathroy-library", "Middlesex County Library – Strathroy Branch",
     "34 Frank Street, Strathroy, ON N7G 2R4",
     "Step-free entrance and accessible washroom; hearing loop in the program room.",
     "https://www.openstreetmap.org/search?query=34%20Frank%20Street%20Strathroy%20Ontario"),
    ("crouch-library", "London Public Library – Crouch Branch",
     "550 Hamilton Road, London, ON N5Z 1S4",
     "Step-free entrance; accessible washroom.",
     "https://www.openstreetmap.org/search?query=550%20Hamilton%20Road%20London%20Ontario"),
]


def next_march_7(today: date) -> date:
    """The next 7 March after today."""
    candidate = date(today.year, 3, 7)
    return candidate if candidate > today else date(today.year + 1, 3, 7)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (Monday = 0) of a month, e.g. the second Tuesday."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def translations(key: str, council: SubCouncil | None = None) -> dict:
    """The demo's translations of one row ({language: {field: text}}); for
    the monthly meeting, with the Sub-council's name in each language."""
    found = TRANSLATIONS.get(key, {})
    if council is None:
        return {language: dict(texts) for language, texts in found.items()}
    return {
        language: {field: text.format(council=council.translation(language, "name") or council.name)
                   for field, text in texts.items()}
        for language, texts in found.items()
    }


def _get(model, **key):
    found = db.session.execute(db.select(model).filter_by(**key)).scalar_one_or_none()
    if found is None:
        found = model(**key)
        db.session.add(found)
    return found


def _set(obj, **values) -> None:
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def seed_demo(now: datetime, history: bool = True) -> None:
    """Create or bring up to date every piece of demo content; with
    `history`, also the past six months (`seed_history`)."""
    zone = site_zone()
    today = local_today(now, zone)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return local_to_utc(datetime.combine(day, time(hour, minute)), zone)

    councils = {}
    for position, (slug, name, description) in enumerate(COUNCILS):
        council = councils[slug] = _get(SubCouncil, slug=slug)
        _set(council, name=name, description=description, position=position, language="en",
             translations=translations(f"council:{slug}"))

    themes = {}
    for position, (slug, name, outcome) in enumerate(THEMES):
        theme = themes[slug] = _get(Theme, slug=slug)
        _set(theme, name=name, outcome=outcome, position=position, language="en",
             translations=translations(f"theme:{slug}"))

    recs = {}
    for position, (code, council, title, rec_themes, status, description) in enumerate(
        RECOMMENDATIONS
    ):
        rec = recs[code] = _get(Recommendation, code=code)
        _set(rec, council=councils[council], title=title, description=description,
             status=status, position=position, themes=[themes[t] for t in rec_themes],
             language="en", translations=translations(f"recommendation:{code}"))

    venues = {}
    for slug, name, address, access, map_url in VENUES:
        venue = venues[slug] = _get(Venue, slug=slug)
        _set(venue, name=name, address=address, accessibility_notes=access, map_url=map_url,
             language="en", translations=translations(f"venue:{slug}"))

    db.session.flush()

    def event(slug: str, **values) -> Event:
        found = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
        if found is None:
            found = Event(slug=slug, created_dt=now, updated_dt=now)
            db.session.add(found)
        values.setdefault("status", EventStatus.PUBLISHED)
        apply_changes(found, now, **values)
        return found

    # The March 7 Community Meeting and its four workshops in two slots.
    march7 = next_march_7(today)
    meeting = event(
        f"community-meeting-{march7.isoformat()}",
        kind=EventKind.COMMUNITY_MEETING,
        title="March 7 Community Meeting",
        summary="Four workshops acting on recommendations of the Health and Wellbeing and Employment Sub-councils. Lunch provided.",
        language="en",
        translations=translations("event:community-meeting"),
        description=(
            "The partnership’s community meeting brings residents, newcomers and "
            "service providers together.\n\n"
            "* **Morning:** choose *Common Assessment Process* or *Journeys to Canada*.\n"
            "* **Afternoon:** choose *Breath – self-care in stressful times* or "
            "*Building Bridges: Anti-racism 101*.\n\n"
            "Lunch is served between the two workshop slots."
        ),
        start_dt=at(march7, 9, 30),
        end_dt=at(march7, 15, 0),
        venue=venues["central-library"],
        council=None,
        presenter=None,
        languages=["en", "fr", "ar"],
        accessibility_notes="Seating reserved near the front for people who are hard of hearing.",
        interpretation_notes="Arabic and French interpretation available on request when you register.",
        childcare_notes="Free on-site childcare for children aged 2 to 10; please tell us when you register.",
        capacity=120,
        themes=[themes["supports-and-services-for-immigrants"], themes["supports-for-service-providers"]],
        recommendations=[recs["EM-4"], recs["HW-1"], recs["HW-2"], recs["HW-3"]],
    )
    workshops = [
        ("common-assessment-process", 10, 0, 11, 30, "Common Assessment Process", None,
         "employment", ["EM-4", "EM-1"],
         "How the Employment Sector Council’s shared intake process works, and what it means for job seekers."),
        ("journeys-to-canada", 10, 0, 11, 30, "Journeys to Canada", None,
         "health-and-wellbeing", ["HW-3"],
         "Newcomers and refugees share the journeys that brought them to London and Middlesex."),
        ("breath-self-care", 13, 0, 14, 30, "Breath – self-care in stressful times",
         "Opening Doors Project",
         "health-and-wellbeing", ["HW-2"],
         "Breathing and grounding practices anyone can use when settling in feels overwhelming."),
        ("building-bridges-anti-racism-101", 13, 0, 14, 30, "Building Bridges: Anti-racism 101",
         "Opening Doors Project",
         "health-and-wellbeing", ["HW-1"],
         "What racism looks like in everyday services, and what each of us can do about it."),
    ]
    for slug, h1, m1, h2, m2, title, presenter, council, codes, summary in workshops:
        event(
            f"{slug}-{march7.isoformat()}",
            kind=EventKind.WORKSHOP,
            parent=meeting,
            title=title,
            summary=summary,
            language="en",
            translations=translations(f"event:{slug}"),
            start_dt=at(march7, h1, m1),
            end_dt=at(march7, h2, m2),
            venue=venues["central-library"],
            council=councils[council],
            presenter=presenter,
            languages=["en"],
            capacity=30,
            themes=[themes["supports-and-services-for-immigrants"]],
            recommendations=[recs[c] for c in codes],
        )

    # A monthly meeting of each Sub-council: last month's, then the next three.
    monthly = [
        ("education", 1, 2, "crouch-library", 18),           # second Tuesday
        ("employment", 2, 1, "cross-cultural-learner-centre", 9),  # first Wednesday
        ("health-and-wellbeing", 3, 2, "central-library", 13),     # second Thursday
        ("inclusion-and-civic-engagement", 0, 3, "east-lions", 18),  # third Monday
        ("justice-and-protection-services", 1, 3, "cross-cultural-learner-centre", 10),
        ("settlement", 4, 1, "cross-cultural-learner-centre", 10),  # first Friday
    ]
    council_meetings = []
    for council_slug, weekday, nth, venue, hour in monthly:
        council = councils[council_slug]
        for offset in range(-6 if history else -1, 4):
            year, month = add_months(today, offset)
            day = nth_weekday(year, month, weekday, nth)
            council_meetings.append(event(
                f"{council_slug}-sub-council-meeting-{year}-{month:02d}",
                kind=EventKind.COUNCIL_MEETING,
                title=f"{council.name} Sub-council meeting",
                summary="The Sub-council’s monthly meeting. Members of the public are welcome to observe.",
                language="en",
                translations=translations("event:council-meeting", council=council),
                start_dt=at(day, hour),
                end_dt=at(day, hour + 2),
                venue=venues[venue],
                council=council,
                languages=["en"],
                capacity=None,
                themes=[],
                recommendations=[],
            ))

    # Neighbourhood events across London and Middlesex, two of them past.
    neighbourhood = [
        ("welcome-potluck-east-london", 6, 17, 20, "east-lions", "Welcome Potluck in East London",
         "Bring a dish from home and meet your neighbours. Families welcome.", "inclusion-and-civic-engagement",
         ["IC-1"], ["host-community"], 80, ["en", "ar", "es"]),
        ("tenant-rights-info-session", 11, 18, 20, "carling-heights", "Know Your Rights as a Tenant",
         "Leases, rent increases and repairs explained by a community legal clinic.",
         "justice-and-protection-services", ["JP-1", "JP-2"], ["communication-and-access-to-information"], 40,
         ["en", "ar", "fr"]),
        ("strathroy-newcomer-coffee", 15, 10, 12, "strathroy-library", "Newcomer Coffee Morning in Strathroy",
         "Coffee, conversation practice and information on services in Middlesex County.", "settlement",
         ["SE-2", "IC-1"], ["host-community", "communication-and-access-to-information"], 25, ["en", "es"]),
        ("parenting-in-canada", 20, 18, 20, "crouch-library", "Parenting in Canada: a conversation",
         "Schools, discipline and child protection: questions answered by parents who have been there.",
         "justice-and-protection-services", ["JP-1", "ED-1"], ["supports-and-services-for-immigrants"], 30,
         ["en", "ar"]),
        ("esl-options-open-house", 27, 17, 19, "central-library", "ESL Options Open House",
         "Evening, weekend and online English classes in one room: find the one that fits your week.",
         "education", ["ED-2"], ["supports-and-services-for-immigrants"], None, ["en", "fr", "ar", "zh"]),
        ("job-seekers-peer-mentoring-kickoff", 34, 18, 20, "cross-cultural-learner-centre",
         "Peer Mentoring for Job Seekers: Kick-off", "Meet mentors who found work in their field.",
         "employment", ["EM-3", "EM-2"], ["supports-and-services-for-immigrants"], 50, ["en"]),
        ("fall-harvest-festival", -40, 12, 16, "carling-heights", "Fall Harvest Neighbourhood Festival",
         "Music, food and games for the whole family.", "inclusion-and-civic-engagement", ["IC-1"],
         ["host-community"], None, ["en"]),
        ("elder-abuse-awareness", -20, 14, 16, "east-lions", "Recognising Elder Abuse",
         "An information session for families and caregivers.", "justice-and-protection-services",
         ["JP-1"], ["communication-and-access-to-information"], 40, ["en", "ar"]),
    ]
    for slug, days, h1, h2, venue, title, summary, council, codes, theme_slugs, capacity, languages in neighbourhood:
        event(
            slug,
            kind=EventKind.NEIGHBOURHOOD_EVENT,
            title=title,
            summary=summary,
            language="en",
            translations=translations(f"event:{slug}"),
            start_dt=at(today + timedelta(days=days), h1),
            end_dt=at(today + timedelta(days=days), h2),
            venue=venues[venue],
            council=councils[council],
            languages=languages,
            capacity=capacity,
            themes=[themes[t] for t in theme_slugs],
            recommendations=[recs[c] for c in codes],
        )

    if history:
        seed_history(now, event, at, councils, themes, recs, venues, council_meetings)


# The past six months, for the report (/manage/reports) to show something
# real on a fresh install: (days before now, hours, venue, title, presenter,
# council, recommendations, themes, capacity, languages, checked in).
PAST_EVENTS = [
    (-171, (18, 20), "central-library", "Newcomer Health Fair", "Middlesex-London Health Unit",
     "health-and-wellbeing", ["HW-1", "HW-3"], ["supports-and-services-for-immigrants"], 120,
     ["en", "ar", "es"], True),
    (-158, (10, 12), "cross-cultural-learner-centre", "Resume Clinic for Internationally Trained Professionals",
     "WIL Employment Connections", "employment", ["EM-1", "EM-3"], ["supports-and-services-for-immigrants"],
     30, ["en"], True),
    (-140, (18, 20), "east-lions", "How London City Council Works", "City of London",
     "inclusion-and-civic-engagement", ["IC-1"], ["communication-and-access-to-information"], 60,
     ["en", "ar"], False),
    (-126, (13, 16), "carling-heights", "Summer Picnic with Our New Neighbours", None,
     "inclusion-and-civic-engagement", ["IC-1"], ["host-community"], 150, ["en", "ar", "es", "zh"], True),
    (-112, (18, 20), "crouch-library", "Back to School: Ontario Schools Explained",
     "Thames Valley District School Board", "education", ["ED-1"], ["supports-and-services-for-immigrants"],
     40, ["en", "ar", "fr"], True),
    (-98, (10, 12), "cross-cultural-learner-centre", "Cultural Competency for Service Providers",
     "Cross Cultural Learner Centre", "settlement", ["SE-2"], ["supports-for-service-providers"], 35,
     ["en"], True),
    (-84, (18, 20), "carling-heights", "Family Violence: Where to Find Help", "Anova",
     "justice-and-protection-services", ["JP-1", "JP-2"], ["communication-and-access-to-information"], 30,
     ["en", "ar", "es"], True),
    (-70, (10, 12), "strathroy-library", "Settlement Services in Middlesex County", None,
     "settlement", ["SE-2"], ["supports-and-services-for-immigrants"], 25, ["en", "es"], False),
    (-56, (18, 20), "central-library", "Mental Health in a New Country", "Canadian Mental Health Association",
     "health-and-wellbeing", ["HW-2"], ["supports-and-services-for-immigrants"], 40, ["en", "ar"], True),
    (-42, (17, 19), "cross-cultural-learner-centre", "Employers' Breakfast: Hiring Newcomers",
     "London Chamber of Commerce", "employment", ["EM-2", "EM-4"], ["host-community", "supports-for-service-providers"],
     50, ["en"], True),
    (-28, (18, 20), "central-library", "English Conversation Circle Showcase", "London Public Library",
     "education", ["ED-2"], ["supports-and-services-for-immigrants"], 45, ["en", "zh"], True),
]

# Interpretation asked for, as residents type it (some leave it empty).
INTERPRETATION = ["Arabic", "Arabic", "Arabic", "Spanish", "Spanish", "Mandarin", "Tigrinya",
                  "French", "Farsi", "Somali"]


def _demo_person(n: int) -> tuple[str, str]:
    """A made-up resident, plainly marked: nobody's real name or address."""
    return f"Demo Resident {n}", f"demo-resident-{n}@example.invalid"


def seed_history(now: datetime, event, at, councils, themes, recs, venues,
                 council_meetings: list[Event]) -> None:
    """Past events of the last six months with registrations and check-ins:
    made-up people (`_demo_person`), plausible numbers, the same every run.

    An event that already has registrations is left as it is, so seeding
    again adds nothing. The people are a pool of 400: some come back, which
    the report counts as returning participants.
    """
    import random
    import uuid

    from sqlalchemy import func, insert, select

    from .registrations.models import Registration

    today = local_today(now, site_zone())
    past = []
    for days, (h1, h2), venue, title, presenter, council, codes, theme_slugs, capacity, languages, checked \
            in PAST_EVENTS:
        day = today + timedelta(days=days)
        slug = "demo-past-" + "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
        slug = f"{slug[:80].rstrip('-')}-{day.isoformat()}"
        past.append((event(
            slug, kind=EventKind.NEIGHBOURHOOD_EVENT if capacity >= 60 else EventKind.WORKSHOP,
            title=title, summary="A past event of the demo content.", language="en",
            start_dt=at(day, h1), end_dt=at(day, h2), venue=venues[venue],
            council=councils[council], presenter=presenter, languages=languages,
            capacity=capacity, themes=[themes[t] for t in theme_slugs],
            recommendations=[recs[c] for c in codes]), capacity, checked))
    # The Sub-councils' monthly meetings of the months before: open to all
    # (no limit), a dozen or so people each, checked in at the door.
    past += [(meeting, None, True) for meeting in council_meetings if meeting.start_dt < now]
    db.session.flush()

    filled = set(db.session.scalars(
        select(Registration.event_id).where(Registration.event_id.in_([e.id for e, _c, _k in past]))
        .group_by(Registration.event_id).having(func.count() > 0)))
    for past_event, capacity, checked in past:
        if past_event.id in filled or past_event.start_dt >= now:
            continue
        chance = random.Random(past_event.slug)
        if capacity is None:
            wanted = chance.randint(8, 20)
        else:
            wanted = chance.randint(capacity * 6 // 10, capacity + capacity // 5)
        people = chance.sample(range(1, 401), wanted)
        rows, seated = [], 0
        for position, n in enumerate(people):
            name, email = _demo_person(n)
            registered = past_event.start_dt - timedelta(days=chance.randint(2, 30), hours=position)
            # Someone who cancels frees their seat for the next in line.
            if chance.random() < 0.08:
                status = "cancelled"
            elif capacity is None or seated < capacity:
                status, seated = "confirmed", seated + 1
            else:
                status = "waitlisted"
            rows.append({
                "event_id": past_event.id, "name": name, "email": email, "email_key": email,
                "preferred_language": chance.choice(["en", "en", "ar", "es", "fr", "zh_Hans"]),
                "interpretation_language": chance.choice(INTERPRETATION) if chance.random() < 0.2 else None,
                "childcare_needs": "Two children, 3 and 6" if chance.random() < 0.12 else None,
                "accessibility_needs": "Step-free access" if chance.random() < 0.07 else None,
                "status": status, "consent_dt": registered, "registered_dt": registered,
                "status_changed_dt": registered,
                "cancelled_dt": registered + timedelta(days=1) if status == "cancelled" else None,
                "attended_dt": (past_event.start_dt + timedelta(minutes=chance.randint(0, 40))
                                if checked and status == "confirmed" and chance.random() < 0.78 else None),
                "link_id": uuid.UUID(int=chance.getrandbits(128)).hex[:22],
            })
        db.session.execute(insert(Registration), rows)
    db.session.flush()


@click.group("seed")
def seed_cli():
    """Load content into the database."""


@seed_cli.command("demo")
@now_option
@click.option("--history/--no-history", default=True,
              help="Also the past six months' events with made-up registrations and check-ins.")
@with_appcontext
def seed_demo_command(now: datetime, history: bool):
    """Create or update the demo content; running it twice changes nothing."""
    seed_demo(now, history=history)
    db.session.commit()
    count = db.session.scalar(db.select(db.func.count()).select_from(Event))
    click.echo(f"Demo content is in place ({count} events).")
