"""The quiz autosave in the browser: it saves while the fellow answers, and when the server
refuses it says why, read from the one JSON error envelope."""

import re

import pytest

from institute.database import transaction
from institute.extensions import db
from institute.quizzes import attempts
from institute.quizzes.models import Attempt
from institute.training import services as training

from .. import builders
from .conftest import log_in

pytestmark = pytest.mark.browser


def test_the_autosave_saves_and_says_why_it_could_not(live_app, live_server, new_page):
    from playwright.sync_api import expect

    with live_app.app_context(), transaction():
        quiz_id = builders.create_course(slug="autosaved").revision.quizzes[0].id
        admin = builders.create_user(email="autosave-admin@example.org", roles="admin")
        session = builders.create_session(year=2099, sequence=2, courses=["autosaved"])
        fellow = builders.create_user(email="autosave-fellow@example.org")
        training.decide(training.apply(session, fellow, builders.MOTIVATION), "accept", admin)

    page = new_page()
    log_in(page, live_server, "autosave-fellow@example.org", builders.PASSWORD)
    page.clock.install()  # the script saves every 20 s: run its timer on demand
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    page.get_by_role("button", name="Start an attempt").click()
    status = page.locator("#autosave-status")

    page.get_by_label("Ulaanbaatar").check()
    page.clock.run_for(21_000)
    expect(status).to_have_text(re.compile(r"^Saved "))

    # The attempt is submitted elsewhere (another tab); the next autosave is refused with 409.
    with live_app.app_context(), transaction():
        attempt = db.session.get(Attempt, int(page.url.rsplit("/", 1)[1]))
        attempts.submit(attempt, attempt.user)
    page.get_by_label("Darkhan").check()
    page.clock.run_for(21_000)
    expect(status).to_have_text("This attempt is already submitted.")
