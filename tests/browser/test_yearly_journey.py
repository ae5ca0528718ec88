"""One training year through the browser, each step by the role that does it.

A partner uploads a course; an instructor reviews the diff and publishes; an
admin creates a session; fellows apply; the admin accepts up to the seat
limit and waitlists the rest; a fellow withdraws and the next is promoted;
fellows study and take the quiz; the instructor grades the essays; a partner
proposes a teacher exchange that the host confirms and an admin approves; the
admin issues certificates; an anonymous visitor opens the verification URL
read from the PDF's QR code. Every page is checked with axe-core (no serious
or critical violation) and screenshotted; pages are walked by keyboard.
"""

import io
import re
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from institute.accounts.services import create_user
from institute.database import transaction

from ..builders import course_files
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TODAY = date.today()


class Journey:
    """Browser pages for each person, with an accessibility audit of every page they see."""

    def __init__(self, browser, server):
        assert AXE.exists(), "axe-core is missing: `make test` installs it from the npm registry"
        self.browser, self.server = browser, server
        self.contexts, self.step, self.violations, self.audited = [], 0, [], set()

    def person(self, email=None):
        context = self.browser.new_context(locale="en-GB", accept_downloads=True)
        context.add_init_script(path=str(AXE))  # injected by the browser, not subject to the CSP
        self.contexts.append(context)
        page = context.new_page()
        page.on("load", lambda _page: None)
        if email:
            log_in(page, self.server, email)
        return page

    def check(self, page, name: str):
        """Audit the page with axe-core and keep a screenshot of the step."""
        self.step += 1
        page.screenshot(path=str(SCREENSHOTS / f"journey-{self.step:02d}-{name}.png"), full_page=True)
        found = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                 nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
        }""")
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        self.violations += [(name, page.url, v) for v in serious]
        self.audited.add(page.url.split("?")[0])

    def close(self):
        for context in self.contexts:
            context.close()


FOCUSABLE = ("a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea")


def keyboard_walk(page) -> None:
    """Tab through the page: the skip link comes first, and every visible control is reached."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    # Visible controls, but not the content of a closed <details> (its <summary> opens it).
    controls = (f"[...document.querySelectorAll('{FOCUSABLE}')].filter(e => e.offsetParent !== null"
                " && !(e.closest('details') && !e.closest('details').open))")
    focusable = page.evaluate(f"() => {controls}.length")
    reached = set()
    for _ in range(3 * focusable + 10):  # other tab stops (a <summary>) come on top of these
        reached.add(page.evaluate(f"() => {controls}.indexOf(document.activeElement)"))
        page.keyboard.press("Tab")
    reached.discard(-1)
    # A radio group is one tab stop (arrow keys move inside it): reached when one of its radios is.
    missing = page.evaluate(f"""(seen) => {{
        const all = {controls};
        const groups = new Set(seen.map(i => all[i]).filter(e => e.type === 'radio').map(e => e.name));
        return all.filter((e, i) => !seen.includes(i) && !(e.type === 'radio' && groups.has(e.name)))
                  .map(e => e.outerHTML);
    }}""", sorted(reached))
    assert not missing, (page.url, missing)


def bundle_zip(slug: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in course_files(slug_title="Restoring Drylands", partner="UCA").items():
            archive.writestr(f"{slug}/{name}", data)
    return buffer.getvalue()


def test_a_training_year(live_app, live_server, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with live_app.app_context(), transaction():
        create_user("partner@year.example", "Nurlan Partner", PASSWORD, ("partner",), "UCA")
        create_user("host@year.example", "Merve Host", PASSWORD, ("partner",), "CICA")
        create_user("teacher@year.example", "Aibek Teacher", PASSWORD, ("partner",), "UCA")
        create_user("instructor@year.example", "Li Instructor", PASSWORD, ("instructor",), "GDI")
        create_user("admin@year.example", "Bolor Admin", PASSWORD, ("admin",), "GDI")
    journey = Journey(browser, live_server)
    try:
        # 1. A partner uploads a course bundle.
        partner = journey.person("partner@year.example")
        partner.goto(live_server + "/courses/upload")
        journey.check(partner, "upload-form")
        keyboard_walk(partner)
        partner.get_by_label("Course bundle (.zip)").set_input_files({
            "name": "restoring-drylands.zip", "mimeType": "application/zip",
            "buffer": bundle_zip("restoring-drylands")})
        partner.get_by_label("What changed").fill("First version")
        partner.get_by_role("button", name="Upload").click()
        assert partner.get_by_text("uploaded as a draft").is_visible()
        journey.check(partner, "uploaded-draft")

        # 2. An instructor reviews the diff and publishes.
        instructor = journey.person("instructor@year.example")
        instructor.goto(live_server + "/courses/review")
        journey.check(instructor, "review-queue")
        instructor.get_by_role("link", name="Restoring Drylands").click()
        assert instructor.get_by_text("01-module-1.md").first.is_visible()
        journey.check(instructor, "diff")
        instructor.get_by_role("button", name="Publish revision 1").click()
        assert instructor.get_by_text("is published").is_visible()

        # 3. An admin creates a session with two seats.
        admin = journey.person("admin@year.example")
        admin.goto(live_server + "/admin/sessions/new")
        admin.get_by_label("Title", exact=True).fill("Drylands 2032")
        admin.get_by_label("Year", exact=True).fill("2032")
        admin.get_by_label("Starts on").fill(str(TODAY + timedelta(days=30)))
        admin.get_by_label("Ends on").fill(str(TODAY + timedelta(days=60)))
        admin.get_by_label("Seats", exact=True).fill("2")
        admin.get_by_label("Applications open").fill(str(TODAY - timedelta(days=1)))
        admin.get_by_label("Restoring Drylands").check()
        admin.get_by_label("Li Instructor (instructor@year.example)").check()
        journey.check(admin, "session-form")
        admin.get_by_role("button", name="Save session").click()
        assert admin.get_by_text("2 of 2 seats left.").is_visible()
        applications_url = admin.url
        session_url = applications_url.replace("/admin/sessions/", "/sessions/").replace("/applications", "")

        # 4. Three fellows register and apply.
        fellows = {}
        for name in ("Ana Quispe", "José Ñúñez", "王小明"):
            page = journey.person()
            email = f"{abs(hash(name)) % 10**8}@fellows.example"
            page.goto(live_server + "/register")
            page.get_by_label("Full name").fill(name)
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Create account").click()
            page.goto(session_url)
            if not fellows:
                journey.check(page, "session-page")
                keyboard_walk(page)
            page.get_by_label("Why do you apply?").fill("I restore degraded rangeland and want to learn more.")
            page.get_by_label("Name as in your passport").fill(name)
            page.get_by_role("button", name="Apply").click()
            fellows[name] = (page, email)

        # 5. The admin accepts up to the limit and waitlists the rest; a withdrawal promotes.
        admin.goto(applications_url)
        journey.check(admin, "applications")
        keyboard_walk(admin)
        for name, (_page, email) in fellows.items():
            admin.locator("tr", has_text=email).get_by_role("checkbox").set_checked(name != "王小明")
        admin.get_by_role("button", name="Decide").click()
        admin.locator("tr", has_text=fellows["王小明"][1]).get_by_role("checkbox").check()
        admin.get_by_label("Decision for the selected").select_option("waitlist")
        admin.get_by_role("button", name="Decide").click()
        assert admin.get_by_text("0 of 2 seats left.").is_visible()
        leaving = fellows["José Ñúñez"][0]
        leaving.goto(session_url)
        leaving.get_by_role("link", name="Withdraw my application…").click()
        journey.check(leaving, "withdraw-confirm")
        leaving.get_by_role("button", name="Withdraw the application").click()
        promoted = fellows["王小明"][0]
        promoted.goto(session_url)
        assert promoted.get_by_text("Your application: accepted.").is_visible()

        # 6. The fellows in the cohort study the modules and take the quiz.
        for name in ("Ana Quispe", "王小明"):
            page = fellows[name][0]
            page.goto(live_server + "/dashboard")
            if name == "Ana Quispe":
                journey.check(page, "fellow-dashboard")
            page.get_by_role("link", name="Module 1").first.click()
            if name == "Ana Quispe":
                journey.check(page, "module")
                keyboard_walk(page)
            page.get_by_role("button", name="Mark as done and continue").click()
            page.get_by_role("button", name="Mark as done").click()
            page.goto(live_server + "/dashboard")
            page.get_by_role("link", name="Check").click()
            page.get_by_role("button", name="Start an attempt").click()
            if name == "Ana Quispe":
                journey.check(page, "attempt")
                keyboard_walk(page)
            page.get_by_label("Ulaanbaatar").check()
            page.get_by_label("True").check()
            page.get_by_label("Your answer").fill("Straw checkerboards first, then Salix cuttings planted inside.")
            page.get_by_role("button", name="Save answers").click()
            page.get_by_role("button", name="Review and submit…").click()
            assert page.get_by_text("Every question has an answer.").is_visible()
            if name == "Ana Quispe":
                journey.check(page, "attempt-summary")
            page.get_by_role("button", name="Submit the attempt").click()
            assert page.get_by_text("an instructor has still to grade an essay; the score counts it").is_visible()
            if name == "Ana Quispe":
                journey.check(page, "attempt-result")

        # 7. The instructor grades the essays.
        instructor.goto(live_server + "/grading")
        journey.check(instructor, "grading-queue")
        for _ in range(2):
            instructor.goto(live_server + "/grading")
            instructor.get_by_role("link", name="Grade").first.click()
            if _ == 0:
                journey.check(instructor, "grade-form")
            instructor.get_by_label("Points").fill("1")
            instructor.get_by_label("Feedback for the fellow").fill("Practical and well ordered.")
            instructor.get_by_role("button", name="Save grade").click()
        # A plain save stays on the essay ("save and next" moves on); the queue is empty now.
        instructor.goto(live_server + "/grading")
        assert instructor.get_by_text("No essay is waiting for a grade.").is_visible()

        # 8. A partner proposes a teacher exchange; the host confirms; an admin approves.
        partner.goto(live_server + "/exchanges/new")
        journey.check(partner, "exchange-form")
        partner.get_by_label("Teacher").select_option("teacher@year.example")
        partner.get_by_label("Host institution").select_option("CICA")
        partner.get_by_label("Starts on").fill(str(TODAY + timedelta(days=20)))
        partner.get_by_label("Ends on").fill(str(TODAY + timedelta(days=40)))
        partner.get_by_label("Restoring Drylands").check()
        partner.get_by_label("Purpose").fill("Teach the drylands course at CICA with a field practical.")
        partner.get_by_role("button", name="Propose").click()
        exchange_url = partner.url
        host = journey.person("host@year.example")
        host.goto(exchange_url)
        journey.check(host, "exchange")
        host.get_by_role("button", name="Confirm (host)").click()
        admin.goto(exchange_url)
        admin.get_by_role("button", name="Approve").click()
        assert admin.get_by_text("The exchange is now approved.").is_visible()

        # 9. The admin issues the certificates.
        admin.goto(applications_url.replace("/applications", "/certificates"))
        admin.get_by_role("link", name="Issue certificates…").click()
        journey.check(admin, "issue-preview")
        admin.get_by_role("button", name=re.compile(r"^Issue \d+ certificates?$")).click()
        assert admin.get_by_text("2 certificates issued").is_visible()
        journey.check(admin, "certificates")

        # 10. An anonymous visitor opens the URL read from the PDF's QR code.
        fellow = fellows["Ana Quispe"][0]
        fellow.goto(live_server + "/dashboard")
        with fellow.expect_download() as download:
            fellow.get_by_role("link", name="PDF").click()
        pdf = Path(download.value.path()).read_bytes()
        (SCREENSHOTS / "journey-certificate.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(SCREENSHOTS / "journey-certificate.pdf"),  # noqa: S603,S607
                        str(SCREENSHOTS / "journey-certificate")], check=True)
        qr = subprocess.run(["zbarimg", "-q", "--raw", str(SCREENSHOTS / "journey-certificate.png")],  # noqa: S603,S607
                            capture_output=True, text=True, check=True).stdout.strip()
        assert qr.startswith(live_server + "/verify/")
        visitor = journey.person()
        visitor.goto(qr)
        assert visitor.get_by_text("Valid.").is_visible()
        assert visitor.get_by_text("Ana Quispe").is_visible()
        journey.check(visitor, "verification")
    finally:
        journey.close()
    assert journey.violations == [], journey.violations
    assert len(journey.audited) >= 15
