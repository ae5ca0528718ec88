"""A fellow who reads Arabic, in Chromium at 375 and 1280 px: the dashboard, a module of
an English course, a quiz and its attempt, and the certificate page are right to left,
never scroll sideways, pass axe-core (nothing serious or critical), and are kept as
screenshots (test-output/screenshots/arabic-*.png) to look at."""

import shutil
from pathlib import Path

import pytest

from institute.database import transaction

from ..builders import (
    complete_modules,
    create_certificate,
    create_quiz,
    create_session,
    create_user,
    enrol,
    free_year_and_sequence,
)
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (375, 1280)
COPY_TO = Path("/work/notes/shots-arabic")  # where the lead looks, when it exists
QUESTIONS = """::MC::What is the capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::TF::Straw checkerboards fix moving sand.{T}

::Essay::Describe a sand-fixing method you have seen (Kubuqi, 2026). {}
"""


def _audit(page) -> list[dict]:
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_an_arabic_fellows_pages_read_right_to_left_on_a_phone_and_a_desk(live_app, live_server, browser):
    assert AXE.exists(), "axe-core is missing: `make test` installs it from the npm registry"
    with live_app.app_context(), transaction():
        quiz = create_quiz(gift=QUESTIONS, slug="ar-dunes", title="Dune check (part 1)", pass_mark=60,
                           slug_title="Dune stabilisation, methods and results (2026)", max_attempts=3)
        course = quiz.revision.course
        teacher = create_user(email="ar-teacher@example.org", name="Omar Khalil", roles="instructor",
                              password=PASSWORD)
        teacher.locale = "ar"
        session = create_session(title="Kubuqi 2026 — Session 1", courses=[course], instructors=[teacher],
                                 **free_year_and_sequence())
        fellow = enrol(session, email="ar-fellow@example.org", name="فاطمة الزهراء بن علي", password=PASSWORD)
        fellow.locale = "ar"
        complete_modules(fellow, course, ["module-1"])
        for index, name in enumerate(("John Smith", "علي حسن", "Chen Jie")):
            other = enrol(session, email=f"ar-other{index}@example.org", name=name)
            complete_modules(other, course, ["module-1", "module-2"][:index + 1])
        certificate = create_certificate(fellow=fellow)
        quiz_id, serial, session_id = quiz.id, certificate.serial, session.id

    context = browser.new_context(locale="en-GB")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    try:
        log_in(page, live_server, "ar-fellow@example.org")  # the log-in form is English; the profile says Arabic
        page.goto(f"{live_server}/quizzes/{quiz_id}")
        page.locator("form[action$='/start'] button").click()  # an attempt, to see the questions
        attempt = page.url
        pages = {"dashboard": f"{live_server}/dashboard",
                 "module": f"{live_server}/courses/ar-dunes/modules/module-2",
                 "quiz": f"{live_server}/quizzes/{quiz_id}",
                 "attempt": attempt,
                 "certificate": f"{live_server}/certificates/{serial}"}
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        problems = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, url in pages.items():
                page.goto(url)
                assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
                assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems.append((name, width, f"scrolls sideways: {scroll} px"))
                problems += [(name, width, v) for v in _audit(page)]
                shot = SCREENSHOTS / f"arabic-{name}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                if COPY_TO.is_dir():
                    shutil.copy(shot, COPY_TO / shot.name)
            # Mirrored: the main navigation starts at the right, the account links sit at the left.
            page.goto(pages["dashboard"])
            brand = page.locator("header.site .brand").bounding_box()
            assert brand["x"] + brand["width"] > width - 40, brand
        assert problems == []

        # The Latin words of the network keep their order inside Arabic text.
        page.goto(pages["dashboard"])
        assert page.locator("main bdi", has_text="Dune stabilisation, methods and results (2026)").count() >= 1
        page.goto(pages["module"])
        prose = page.locator(".prose").first
        assert prose.get_attribute("dir") == "ltr" and prose.evaluate("e => getComputedStyle(e).direction") == "ltr"
        arrow = page.locator("a[rel=prev] .flip")
        assert "matrix(-1" in arrow.evaluate("e => getComputedStyle(e).transform")  # ← turned to point right
        page.goto(pages["certificate"])
        assert page.get_by_text("شهادة إتمام").is_visible()

        # An instructor's cohort page: its chart keeps its left-to-right drawing, so every
        # name stands left of its bar and every percentage right of it.
        teaching = browser.new_context(locale="en-GB")
        teaching.add_init_script(path=str(AXE))
        try:
            staff = teaching.new_page()
            log_in(staff, live_server, "ar-teacher@example.org")
            for width in WIDTHS:
                staff.set_viewport_size({"width": width, "height": 900})
                staff.goto(f"{live_server}/sessions/{session_id}/cohort")
                assert staff.evaluate("document.documentElement.dir") == "rtl"
                assert staff.evaluate("document.documentElement.scrollWidth") <= width
                assert _audit(staff) == []
                chart = staff.locator("svg.chart")
                assert chart.evaluate("e => getComputedStyle(e).direction") == "ltr"
                names = chart.locator("text[text-anchor=end]")
                bars = chart.locator("rect")
                assert names.count() == 4
                assert names.first.bounding_box()["x"] + names.first.bounding_box()["width"] \
                    <= bars.first.bounding_box()["x"] + 1
                shot = SCREENSHOTS / f"arabic-cohort-{width}.png"
                staff.screenshot(path=str(shot), full_page=True)
                if COPY_TO.is_dir():
                    shutil.copy(shot, COPY_TO / shot.name)
        finally:
            teaching.close()
    finally:
        context.close()
