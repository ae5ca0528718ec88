"""Every page of the journey on a 375 px phone: nothing scrolls sideways.

Each role logs in on a live server holding a course with a quiz (its matching question
with long options), a session with a cohort, attempts in progress and submitted, an
exchange and a certificate; long names, emails and URLs stress the layout. Every page
is opened at 375×800 and must be no wider than the screen; each is screenshotted as
test-output/screenshots/phone-<page>.png. A module's text starts on the first screen:
its outline is folded.
"""

import pytest

from institute.database import transaction

from .. import builders
from .conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 375, 800

LONG_URL = "https://www.unccd.int/land-and-life/desertification/land-degradation-neutrality/knowledge-hub"
MODULE = f"""---
minutes: 20
---
# Fixing moving sand with straw checkerboards and shelterbelt plantations

Straw checkerboards are one-metre squares of wheat straw pressed into the sand. The
programme's handbook is at {LONG_URL}; the Kubuqi cooperative's coordinator is
coordinator.of.the.kubuqi.sand.control.cooperative@restoration-institute.example.org.

## Choosing the straw

Wheat or rice straw, half a metre long, pressed twenty centimetres deep.

## Laying out the squares

### On the windward slope

Begin at the foot of the dune. Photosynthetically-active-radiation-measurements need a
sensor, and so do Bodenfeuchtigkeitsmessungsinstrumentenkalibrierungsprotokolle.

### On the crest

Leave the crest bare for the first year.

## Planting inside the squares

Saxaul and Caragana seedlings in spring.
"""
QUIZ = """::Kinds::Which method fixes moving sand? {=Straw checkerboards ~Ploughing ~Burning the scrub}

::Uses::Match each plant with its use in the restoration of degraded drylands. {
=Salix psammophila -> windbreak shelterbelts planted perpendicular to the prevailing wind
=Caragana korshinskii -> fodder for livestock during the long dry season when grazing is closed
=Haloxylon ammodendron -> firewood and charcoal collected sustainably by the herding households
}

::Essay::Describe one restoration method you have seen in your own district. {}
"""
FRONT = ("quizzes:\n  - file: quiz.gift\n    title: Check your understanding of sand fixation\n"
         "    pass_mark: 60\n    max_attempts: 3\n    shuffle: false\n")
FELLOW = "phone.fellow.with.a.rather.long.address@restoration-institute.example.org"
HOLDER = "phone.holder.of.a.certificate@restoration-institute.example.org"
INSTRUCTOR = "phone.instructor@gdi.example.org"
ADMIN = "phone.admin@gdi.example.org"
PARTNER = "phone.staff.of.the.partner.university@uca.example"


@pytest.fixture(scope="module")
def world(live_app):
    """The pages' objects, built once through the builders; their ids and codes."""
    with live_app.app_context(), transaction():
        builders.create_user(email=ADMIN, name="Phone Admin", roles="admin")
        instructor = builders.create_user(email=INSTRUCTOR, name="Phone Instructor", roles="instructor")
        partner = builders.create_staff("UCA", email=PARTNER,
                                        name="Maximilian Alexander Bartholomew-Featherstonehaugh")
        fellow = builders.create_user(email=FELLOW, name="Nurlanbek Abdyrakhmanovich Zhumabekov-Toktogulov")

        files = builders.course_files("Sand fixation in the drylands of Central and East Asia",
                                      quiz=False, extra_front=FRONT)
        files["01-module-1.md"] = MODULE.encode()
        files["quiz.gift"] = QUIZ.encode()
        revision = builders.create_course("phone-sand-fixation", files=files).revision
        quiz = revision.quizzes[0]
        session = builders.create_session(
            title="Training session on sand fixation and rangeland restoration 2041", year=2041,
            courses=[revision.course], instructors=[instructor], seats=20,
            place="Kubuqi Desert Ecological Restoration Centre, Ordos, Inner Mongolia")
        builders.enrol(session, fellow)
        builders.enrol_cohort(session, size=2)
        builders.create_application(session, status="applied")
        builders.create_application(session, status="waitlisted")
        answers = {"0": 0, "1": {"0": "windbreak shelterbelts planted perpendicular to the prevailing wind"}}
        submitted = builders.create_attempt(quiz, fellow, "submitted", answers=answers)
        started = builders.create_attempt(quiz, fellow, "started", answers={"0": 0})

        exchange = builders.create_exchange("approved", teacher=partner, home="UCA", host="CICA",
                                            courses=[revision.course])

        certified = builders.create_course("phone-certified", quiz=False).course
        certified_session = builders.create_session(title="Certified phone training", year=2042,
                                                    courses=[certified])
        holder = builders.enrol(certified_session, email=HOLDER, name="Phone Certificate Holder")
        builders.complete_modules(holder, certified)
        [certificate] = builders.issue_certificates(certified_session).issued
        return {"quiz": quiz.id, "session": session.id, "started": started.id, "submitted": submitted.id,
                "exchange": exchange.id, "code": certificate.code, "course": "phone-sand-fixation",
                "module": "module-1"}


def _pages(world) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of the pages each person opens; None is the visitor."""
    course, module = world["course"], world["module"]
    session = world["session"]
    return {
        None: [("home", "/"), ("catalogue", "/courses"), ("course", f"/courses/{course}"),
               ("session-visitor", f"/sessions/{session}"), ("sessions", "/sessions"),
               ("verify", f"/verify/{world['code']}"), ("login", "/login"), ("register", "/register"),
               ("forgot-password", "/password/forgot")],
        FELLOW: [("dashboard-fellow", "/dashboard"), ("module", f"/courses/{course}/modules/{module}"),
                 ("quiz", f"/quizzes/{world['quiz']}"), ("attempt", f"/attempts/{world['started']}"),
                 ("review", f"/attempts/{world['started']}/review"),
                 ("result", f"/attempts/{world['submitted']}"),
                 ("session-fellow", f"/sessions/{session}"), ("profile", "/profile")],
        INSTRUCTOR: [("dashboard-instructor", "/dashboard"), ("cohort", f"/sessions/{session}/cohort"),
                     ("gradebook", f"/sessions/{session}/gradebook"), ("grading", "/grading")],
        ADMIN: [("dashboard-admin", "/dashboard"), ("applications", f"/admin/sessions/{session}/applications"),
                ("exchanges-admin", "/exchanges"), ("exchange-admin", f"/exchanges/{world['exchange']}")],
        PARTNER: [("dashboard-partner", "/dashboard"), ("exchanges-partner", "/exchanges"),
                  ("exchange-partner", f"/exchanges/{world['exchange']}")],
    }


# In English, in Arabic (the browser's language: every page right to left) and in
# Russian, whose words run longer than English ones (Посещаемость, Пользователи).
@pytest.mark.parametrize("language", ["en-GB", "ar", "ru-RU"])
def test_no_page_of_the_journey_scrolls_sideways_on_a_phone(world, live_server, browser, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    suffix = "" if language == "en-GB" else f"-{language[:2]}"
    for who, pages in _pages(world).items():
        context = browser.new_context(locale=language, viewport={"width": WIDTH, "height": HEIGHT},
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        try:
            if who:
                _log_in(page, live_server, who)
            for name, path in pages:
                response = page.goto(live_server + path)
                assert response is not None and response.status == 200, (name, path)
                if language == "ar":
                    assert page.evaluate("document.documentElement.dir") == "rtl", (name, path)
                page.screenshot(path=str(SCREENSHOTS / f"phone-{name}{suffix}.png"), full_page=True)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH + 1:
                    too_wide[name] = (path, width, page.evaluate(_WIDEST))
        finally:
            context.close()
    assert not too_wide, too_wide


def _log_in(page, server: str, email: str) -> None:
    """Log in through the form in whatever language it is written."""
    page.goto(server + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(builders.PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)


# The elements that stick out past either edge of the screen, to say what to fix.
_WIDEST = f"""() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > {WIDTH + 1} || e.getBoundingClientRect().left < -1)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                           + ' ' + Math.round(e.getBoundingClientRect().right))"""


def test_a_modules_text_starts_on_the_first_screen_of_a_phone(world, live_server, browser):
    context = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server, FELLOW, builders.PASSWORD)
        page.goto(f"{live_server}/courses/{world['course']}/modules/{world['module']}")
        outline = page.locator("details.toc-box")
        assert outline.count() == 1 and not outline.evaluate("e => e.open"), "the outline is folded"
        assert not page.locator(".toc-box a").first.is_visible()
        top = page.locator(".prose p").first.evaluate("e => e.getBoundingClientRect().top")
        assert top < HEIGHT, "the module's text starts below the first screen"
        page.locator("details.toc-box summary").click()
        assert page.locator(".toc-box a").first.is_visible()
    finally:
        context.close()


def test_on_a_wide_screen_the_outline_shows_without_a_click(world, live_server, browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        log_in(page, live_server, FELLOW, builders.PASSWORD)
        page.goto(f"{live_server}/courses/{world['course']}/modules/{world['module']}")
        assert page.locator(".toc-box a").first.is_visible()
    finally:
        context.close()


def test_long_options_of_a_matching_question_stay_inside_a_phone(world, live_server, browser):
    context = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server, FELLOW, builders.PASSWORD)
        page.goto(f"{live_server}/attempts/{world['started']}")
        selects = page.locator("select[name^='q-1-']")
        assert selects.count() == 3
        for index in range(3):
            box = selects.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
        # The options are readable in full beside the lists, not only cut short inside them.
        option = "fodder for livestock during the long dry season when grazing is closed"
        assert page.locator("ul.choices li", has_text=option).is_visible()
    finally:
        context.close()

