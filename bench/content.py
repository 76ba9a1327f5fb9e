"""The benchmark database's content: migrations, the demo, and bulk-loaded events.

Shared by `pages.py`, `feeds.py` and `profile_pages.py`. The app's modules are
imported inside the functions: the scripts import `common` first, which puts
the project on `sys.path`.
"""
from __future__ import annotations

import random
import re
import secrets
from datetime import date, datetime, time as dtime, timedelta

# Bulk-loaded events on top of the demo when no total is asked for (pages.py).
EXTRA_EVENTS = 1000


def build_database(app, now: datetime, extra_events: int | None = None,
                   total_events: int | None = None, past_years: int = 0) -> dict:
    """Migrate, seed the demo, then bulk-load published events.

    `extra_events` of them (default EXTRA_EVENTS), or, with `total_events`,
    as many as make that many events in all; spread over the year ahead and,
    with `past_years`, over that many years before (a calendar with its
    history: most events are then past). Returns the counts (`demo`,
    `added`, `events`) and the March 7 meeting's slug.
    """
    import logging

    from flask_migrate import upgrade

    from events_app.demo import seed_demo
    from events_app.events.models import Event
    from events_app.extensions import db

    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        seed_demo(now)
        db.session.commit()
        demo = db.session.scalar(db.select(db.func.count()).select_from(Event))
        if total_events is not None:
            extra_events = total_events - demo
        elif extra_events is None:
            extra_events = EXTRA_EVENTS
        added = load_events(db.session, now, extra_events, past_years=past_years)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        info = {
            "demo": demo,
            "added": added,
            "events": db.session.scalar(db.select(db.func.count()).select_from(Event)),
            "meeting_slug": march_7_slug(db.session),
        }
        db.session.remove()
        db.engine.dispose()
    return info


def march_7_slug(session) -> str:
    """The demo's March 7 community meeting (its slug is community-meeting-YYYY-03-07)."""
    from sqlalchemy import select

    from events_app.events.models import Event

    slugs = session.scalars(
        select(Event.slug)
        .where(Event.slug.like("community-meeting-%"), Event.parent_id.is_(None))
        .order_by(Event.start_dt)
    ).all()
    if not slugs:
        raise RuntimeError("no community-meeting-… event in the database: did seed_demo change?")
    march = [s for s in slugs if s.endswith("-03-07")]
    return (march or slugs)[0]


# Realistic content for the bulk load ------------------------------------

TOPICS = [
    # (title, French title or None, kind, council slug or None, summary)
    ("ESL Conversation Circle", "Cercle de conversation en anglais", "workshop", "education",
     "Practise everyday English with volunteers in a relaxed group. All levels welcome."),
    ("Homework Club for Newcomer Families", "Club de devoirs pour les familles nouvellement arrivées",
     "workshop", "education", "Help with homework and a chat with settlement workers in schools."),
    ("Navigating Ontario Schools", "S’y retrouver dans les écoles de l’Ontario", "workshop", "education",
     "Report cards, parent-teacher meetings and who to call when something goes wrong."),
    ("Résumé Clinic", "Atelier de CV", "workshop", "employment",
     "Bring your résumé: employment counsellors help you adapt it for Canadian employers."),
    ("Credential Recognition Info Session", "Séance d’information sur la reconnaissance des diplômes",
     "workshop", "employment", "How to get your education and licences recognised in Ontario."),
    ("Meet the Employers", "Rencontre avec des employeurs", "neighbourhood-event", "employment",
     "Local employers who are hiring, in one room. Bring copies of your résumé."),
    ("Mental Health First Aid for Newcomers", None, "workshop", "health-and-wellbeing",
     "Recognise the signs of stress and find culturally safe support."),
    ("Finding a Family Doctor", "Trouver un médecin de famille", "workshop", "health-and-wellbeing",
     "Health Care Connect, walk-in clinics and community health centres explained."),
    ("Walking Group", "Groupe de marche", "neighbourhood-event", "health-and-wellbeing",
     "An easy walk through the neighbourhood and a chance to meet people."),
    ("Community Potluck", "Repas-partage communautaire", "neighbourhood-event",
     "inclusion-and-civic-engagement", "Bring a dish from home and meet your neighbours."),
    ("How Municipal Government Works", None, "workshop", "inclusion-and-civic-engagement",
     "City council, committees and how to have your say."),
    ("Volunteer Fair", "Salon du bénévolat", "neighbourhood-event", "inclusion-and-civic-engagement",
     "Organisations looking for volunteers, and what volunteering can open up."),
    ("Know Your Rights at Work", "Connaître ses droits au travail", "workshop",
     "justice-and-protection-services", "Minimum wage, overtime, breaks and what to do when they are denied."),
    ("Meet Your Community Police Officers", None, "neighbourhood-event",
     "justice-and-protection-services", "Questions and answers with officers from your area."),
    ("Family Law Basics", "Notions de droit de la famille", "workshop", "justice-and-protection-services",
     "Separation, custody and support explained by a community legal clinic."),
    ("Settlement Services Drop-in", "Accueil sans rendez-vous des services d’établissement",
     "neighbourhood-event", "settlement", "Settlement workers answer questions on housing, forms and services."),
    ("Citizenship Test Study Group", "Groupe d’étude pour l’examen de citoyenneté", "workshop",
     "settlement", "Study Discover Canada together and practise with sample questions."),
    ("Tax Clinic for Newcomers", "Clinique d’impôt pour les nouveaux arrivants", "workshop", "settlement",
     "Free help filing your return and applying for benefits."),
    ("Anti-racism Dialogue", None, "workshop", None,
     "A facilitated conversation on racism in everyday services and what we can do about it."),
    ("Partnership Open House", "Portes ouvertes du partenariat", "neighbourhood-event", None,
     "Meet the Sub-councils and learn how the partnership’s recommendations are put into practice."),
]

SESSION_TOPICS = [
    ("Housing Search Basics", "employment"), ("Canadian Workplace Culture", "employment"),
    ("Parenting Across Cultures", "justice-and-protection-services"),
    ("Self-care for Caregivers", "health-and-wellbeing"), ("Library Services Tour", "education"),
    ("Banking and Credit in Canada", "settlement"), ("Volunteering as a Pathway", "inclusion-and-civic-engagement"),
    ("Understanding Tenancy Law", "justice-and-protection-services"),
]

PLACES = ["East London", "Old East Village", "Westmount", "Argyle", "Hamilton Road", "Strathroy",
          "Byron", "White Oaks", "Masonville", "Lucan", "Glencoe", "Downtown"]

DESCRIPTION = (
    "{summary}\n\n"
    "This event acts on the partnership’s Community Immigrant Strategic Plan. It is free and open "
    "to everyone; newcomers, long-time residents and service providers are all welcome.\n\n"
    "* **Bring:** nothing but your questions.\n"
    "* **Interpretation:** tell us which language you need when you register.\n"
    "* **Children:** welcome; a play corner is available.\n\n"
    "Questions? Ask the organising Sub-council through the partnership’s office."
)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_events(session, now: datetime, count: int, seed: int = 7, past_years: int = 0) -> int:
    """Insert `count` published events in bulk (Core executemany), spread over the year
    ahead (and `past_years` before it).

    Twelve of them are community meetings, each with four workshop sessions in
    two parallel slots (like the March 7 meeting); the rest are workshops,
    neighbourhood events and Sub-council meetings with a council (mostly), a
    venue (mostly; some are online), one or two themes and up to three
    recommendations.
    """
    from sqlalchemy import insert, select

    from events_app.councils.models import Recommendation, SubCouncil, Theme
    from events_app.events.models import Event, Venue, event_recommendations, event_themes
    from events_app.timeutil import local_to_utc, local_today, site_zone

    rng = random.Random(seed)
    zone = site_zone()
    today = local_today(now, zone)
    councils = dict(session.execute(select(SubCouncil.slug, SubCouncil.id)).all())
    theme_ids = list(session.scalars(select(Theme.id)))
    recs_by_council: dict[int, list[int]] = {}
    all_recs = []
    for rec_id, council_id in session.execute(select(Recommendation.id, Recommendation.council_id)):
        recs_by_council.setdefault(council_id, []).append(rec_id)
        all_recs.append(rec_id)
    venue_ids = list(session.scalars(select(Venue.id)))

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return local_to_utc(datetime.combine(day, dtime(hour, minute)), zone)

    def pick_recs(council_id: int | None, most: int = 3) -> list[int]:
        pool = recs_by_council.get(council_id) or all_recs
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(0, most)))
        if rng.random() < 0.2:  # now and then one of another council's
            chosen.append(rng.choice(all_recs))
        return sorted(set(chosen))

    def row(**values) -> dict:
        """An event row; a French title or summary goes into its translations
        (a JSON map per row, `i18n.Localized`)."""
        french = {field: values.pop(f"{field}_fr", None) for field in ("title", "summary")}
        french = {field: text for field, text in french.items() if text}
        base = {
            "language": "en", "translations": {"fr": french} if french else {},
            "online_url": None, "presenter": None,
            "parent_id": None, "capacity": None, "accessibility_notes": "",
            "interpretation_notes": "", "childcare_notes": "", "status": "published",
            "sequence": 0, "created_dt": now, "updated_dt": now, "uid": secrets.token_hex(16),
        }
        base.update(values)
        return base

    meetings = 12
    sessions_per_meeting = 4
    others = count - meetings * (1 + sessions_per_meeting)
    if others < 0:
        raise ValueError(f"need at least {meetings * 5} events")

    top_rows: list[dict] = []
    top_links: list[tuple[list[int], list[int]]] = []
    for n in range(others):
        title, title_fr, kind, council_slug, summary = rng.choice(TOPICS)
        if rng.random() < 0.08:
            kind, council_slug = "council-meeting", rng.choice(list(councils))
            title, title_fr = "Sub-council working group", "Groupe de travail du sous-conseil"
            summary = "A working group of the Sub-council. Members of the public may observe."
        place = rng.choice(PLACES)
        day = today + timedelta(days=rng.randint(1 - 365 * past_years, 365) or 1)
        start_hour = rng.choice([9, 10, 10, 13, 14, 17, 18, 18, 19])
        duration = rng.choice([60, 90, 90, 120, 120, 180])
        start = at(day, start_hour, rng.choice([0, 0, 30]))
        council_id = councils.get(council_slug) if council_slug else None
        online = rng.random() < 0.1
        top_rows.append(row(
            slug=f"{slugify(title)}-{slugify(place)}-{day.isoformat()}-{n}",
            kind=kind,
            title=f"{title} – {place}",
            title_fr=f"{title_fr} – {place}" if title_fr and rng.random() < 0.7 else None,
            summary=summary,
            description=DESCRIPTION.format(summary=summary),
            start_dt=start,
            end_dt=start + timedelta(minutes=duration),
            venue_id=None if online else rng.choice(venue_ids),
            online_url="https://meet.example.org/lmlip-" + secrets.token_hex(4) if online else None,
            council_id=council_id,
            presenter=rng.choice([None, None, "Opening Doors Project", "Community Legal Services",
                                  "Employment Sector Council", "Settlement Workers in Schools"]),
            languages=["en"] + rng.sample(["fr", "ar", "es", "zh", "fa", "ti", "uk"], k=rng.randint(0, 2)),
            accessibility_notes=rng.choice(["", "", "Seating near the front on request."]),
            interpretation_notes=rng.choice(["", "Interpretation on request when you register."]),
            childcare_notes=rng.choice(["", "", "Childcare available; tell us when you register."]),
            capacity=rng.choice([None, 20, 25, 30, 40, 50, 80, 120]),
        ))
        top_links.append((
            sorted(rng.sample(theme_ids, k=rng.randint(1, 2))),
            pick_recs(council_id),
        ))

    # A community meeting each month, each with two slots of two workshops.
    for m in range(meetings):
        day = today + timedelta(days=15 + 30 * m + rng.randint(0, 10))
        place = rng.choice(PLACES)
        start = at(day, 9, 30)
        top_rows.append(row(
            slug=f"{slugify(place)}-community-meeting-{day.isoformat()}",
            kind="community-meeting",
            title=f"{place} Community Meeting",
            title_fr=f"Rencontre communautaire – {place}",
            summary="Workshops acting on recommendations of several Sub-councils. Lunch provided.",
            description=DESCRIPTION.format(
                summary="The partnership’s community meeting brings residents, newcomers and "
                        "service providers together."),
            start_dt=start,
            end_dt=at(day, 15, 0),
            venue_id=rng.choice(venue_ids),
            council_id=None,
            languages=["en", "fr", "ar"],
            interpretation_notes="Arabic and French interpretation on request when you register.",
            childcare_notes="Free on-site childcare for children aged 2 to 10.",
            capacity=120,
        ))
        top_links.append((sorted(rng.sample(theme_ids, k=2)), pick_recs(None, most=4)))

    table = Event.__table__
    ids = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), top_rows
    ).scalars().all()

    session_rows: list[dict] = []
    session_links: list[tuple[list[int], list[int]]] = []
    for parent_row, parent_id in zip(top_rows, ids):
        if parent_row["kind"] != "community-meeting":
            continue
        day = parent_row["start_dt"].astimezone(zone).date()
        for index, (topic, council_slug) in enumerate(rng.sample(SESSION_TOPICS, k=sessions_per_meeting)):
            start = at(day, 10 if index < 2 else 13, 0)
            council_id = councils[council_slug]
            session_rows.append(row(
                slug=f"{slugify(topic)}-{parent_row['slug']}",
                kind="workshop",
                title=topic,
                summary=f"{topic}: a workshop of the community meeting.",
                description="",
                start_dt=start,
                end_dt=start + timedelta(minutes=90),
                venue_id=parent_row["venue_id"],
                council_id=council_id,
                presenter=rng.choice([None, "Opening Doors Project"]),
                languages=["en"],
                capacity=30,
                parent_id=parent_id,
            ))
            session_links.append((sorted(rng.sample(theme_ids, k=1)), pick_recs(council_id, most=2)))
    session_ids = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), session_rows
    ).scalars().all()

    theme_rows, rec_rows = [], []
    for event_id, (themes, recs) in zip(list(ids) + list(session_ids), top_links + session_links):
        theme_rows += [{"event_id": event_id, "theme_id": t} for t in themes]
        rec_rows += [{"event_id": event_id, "recommendation_id": r} for r in recs]
    session.execute(insert(event_themes), theme_rows)
    if rec_rows:
        session.execute(insert(event_recommendations), rec_rows)
    return len(ids) + len(session_ids)
