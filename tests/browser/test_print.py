"""The March 7 meeting's page: what it is comes before the form, and on paper
it is a programme (issue 16, item 13): no navigation, no forms, the sessions."""
import io
import unicodedata

from pypdf import PdfReader


def test_the_event_page_reads_before_the_form_and_prints_as_a_programme(live_site, new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_site(f"/events/{live_site.meeting_slug}"))
    # What, when, where, description and programme first; a link to the form at the top.
    order = page.evaluate("""() => ['.facts', '.description', '.timetable', '#register']
        .map(selector => document.querySelector(selector).getBoundingClientRect().top)""")
    assert order == sorted(order), order
    top_link = page.locator("header a[href='#register']")
    assert top_link.is_visible()

    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in pdf.pages))
    for expected in ("March 7 Community Meeting", "Programme", "Common Assessment Process",
                     "Journeys to Canada", "Building Bridges", "Central Library"):
        assert expected in text, expected
    for absent in ("Skip to main content", "Your name", "Add to your calendar", "Sign in",
                   "Privacy notice"):
        assert absent not in text, absent
