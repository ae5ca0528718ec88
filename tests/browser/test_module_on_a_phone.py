"""A module with a wide table on a 375 px screen: the table scrolls in its own box, the
page itself never scrolls sideways."""

import pytest

from institute.database import transaction

from .. import builders
from .conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

WIDE_TABLE = ("| " + " | ".join(f"Indicator {n}" for n in range(1, 11)) + " |\n"
              + "|" + "---|" * 10 + "\n"
              + "| " + " | ".join(f"Value{n}-in-a-long-unbreakable-word" for n in range(1, 11)) + " |\n")


def test_a_wide_table_scrolls_inside_its_box_on_a_phone(live_app, live_server, browser):
    files = builders.course_files(quiz=False)
    files["01-module-1.md"] = (b"---\nminutes: 10\n---\n# Module 1\n\nMonitoring figures:\n"
                               + WIDE_TABLE.encode() + b"\n- [x] read the table\n- [ ] compare with your district\n")
    with live_app.app_context(), transaction():
        builders.create_course(slug="wide-table", files=files)
        builders.create_user(email="phone-fellow@example.org")

    context = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "phone-fellow@example.org", builders.PASSWORD)
        page.goto(f"{live_server}/courses/wide-table/modules/module-1")
        box = page.locator(".prose .table-wrap")
        assert box.count() == 1
        page_width, viewport, box_scroll, box_width = page.evaluate("""() => {
            const box = document.querySelector('.prose .table-wrap');
            return [document.documentElement.scrollWidth, window.innerWidth, box.scrollWidth, box.clientWidth];
        }""")
        assert viewport == 375
        assert page_width <= viewport, "the page scrolls sideways"
        assert box_scroll > box_width, "the table should be wider than its box, and scroll in it"
        assert page.locator("input.task-list-item-checkbox[disabled]").count() == 2
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "module-on-a-phone-375px.png"), full_page=True)
    finally:
        context.close()
