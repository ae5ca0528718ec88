"""Every dashboard's queue reaches its item, in Chromium: each role logs in, opens the
first item of each queue that has one, and lands on the page where it is done."""

import pytest

from institute.database import transaction

from ..builders import (
    RIGHT,
    create_application,
    create_attempt,
    create_course,
    create_exchange,
    create_revision,
    create_session,
    create_staff,
    create_user,
    free_year_and_sequence,
    move_exchange,
)
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def test_each_roles_queue_items_lead_to_their_pages(live_app, live_server, new_page):
    with live_app.app_context(), transaction():
        create_user(email="q-admin@example.org", roles="admin", password=PASSWORD)
        create_user(email="q-instructor@example.org", roles="instructor", password=PASSWORD)
        create_staff("CICA", email="q-host@example.org", password=PASSWORD)
        session = create_session(title="Queue session", **free_year_and_sequence())  # the live app is shared
        create_application(session)
        create_exchange(host="CICA")
        move_exchange(create_exchange(host="UCA", home="CICA", starts_on=None), "confirmed")
        create_course("queue-course", slug_title="Queue Course", publish=True)
        create_revision("queue-course")
        create_attempt(state="submitted", answers={**RIGHT, "3": "Reed fences first."})
    expected = {  # queue → where its first item leads
        "q-admin@example.org": {"applications": "/applications", "exchanges": "/exchanges/",
                                "reviews": "/diff", "essays": "/attempts/"},
        "q-instructor@example.org": {"reviews": "/diff"},
        "q-host@example.org": {"exchanges": "/exchanges/"},
    }
    for email, queues in expected.items():
        page = new_page()
        log_in(page, live_server, email)
        for key, lands in queues.items():
            page.goto(live_server + "/dashboard")
            item = page.locator(f"#queue-{key} ul a").first
            item.click()
            assert lands in page.url, (email, key, page.url)
            assert page.locator("h1").first.is_visible()
            page.screenshot(path=str(SCREENSHOTS / f"queue-{email.split('@')[0]}-{key}.png"), full_page=True)
