"""An admin opens the partnership's report on the demo's past six months:
axe finds nothing serious, a phone does not scroll sideways, and printing to
PDF in Chromium gives a document with the cover, the themes and the figures."""
import io
import unicodedata

from pypdf import PdfReader

from test_accessibility import BLOCKING, describe, run_axe
from test_chair_workflow import _chair, sign_in


def test_an_admin_reads_and_prints_the_report(live_site, new_page, axe_js):
    password = "correct horse battery staple"
    email = _chair(live_site, password, role="admin")
    page = new_page()
    sign_in(page, live_site, email, password)

    page.get_by_role("link", name="Our Community's Achievements (report)").click()
    page.wait_for_url("**/manage/reports")
    assert page.locator("h1").inner_text() == "Our Community's Achievements"
    # The five themes, each with its intended outcome, and the events with none.
    assert page.locator("article.report-theme", has_text="Intended outcome").count() == 5
    assert page.locator("article.report-council").count() >= 6
    assert page.locator("figure.report-chart svg[role=img]").count() == 3
    results = run_axe(page, axe_js)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    # 360 px wide (the page's viewport): wide tables scroll in their box, the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    # NFKC: the PDF writes "fi" and "ff" as ligatures.
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in pdf.pages))
    assert len(pdf.pages) >= 5  # the cover, then a page per section at least
    cover = pdf.pages[0].extract_text()
    assert "Our Community's Achievements" in cover and "London & Middlesex" in cover
    assert cover.strip().startswith("1")  # page numbers, where Chromium prints them
    for expected in ("The period in figures", "Events held", "Health and Wellbeing",
                     "Intended outcome", "Recommendations"):
        assert expected in text, expected
    # The staff controls stay on screen.
    assert "Show the report" not in text and "Download this table" not in text


def test_the_public_summary_reads_on_a_phone_in_arabic(live_site, new_page):
    page = new_page(locale="ar-EG", extra_http_headers={"Accept-Language": "ar-EG,ar;q=0.9"},
                    java_script_enabled=False)
    response = page.goto(live_site("/achievements"))
    assert response.status == 200
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.locator("figure.report-chart svg[role=img]").count() >= 2
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= client_width, f"/achievements scrolls sideways: {scroll_width} > {client_width}"
    # Linked from the Sub-council pages.
    page.goto(live_site("/councils/health-and-wellbeing"))
    assert page.locator("a[href^='/achievements']").count() == 1
