"""An exchange's whole life in the browser: proposed, confirmed by the host, approved,
completed with the teacher's report."""

from datetime import date, timedelta

import pytest

from institute.accounts.services import create_user
from institute.database import transaction
from institute.exchanges import services as exchanges

from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser



def test_exchange_life(live_app, live_server, new_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with live_app.app_context(), transaction():
        create_user("teacher@ex.example", "Azamat Teacher", PASSWORD, ("partner",), "UCA")
        create_user("home@ex.example", "Home Staff", PASSWORD, ("partner",), "UCA")
        create_user("host@ex.example", "Host Staff", PASSWORD, ("partner",), "CICA")
        create_user("boss@ex.example", "Exchange Admin", PASSWORD, ("admin",))
    start = date.today() + timedelta(days=15)

    home = new_page()
    log_in(home, live_server, "home@ex.example")
    home.goto(live_server + "/exchanges/new")
    home.get_by_label("Teacher").select_option("teacher@ex.example")
    home.get_by_label("Host institution").select_option("CICA")
    home.get_by_label("Starts on").fill(str(start))
    home.get_by_label("Ends on").fill(str(start + timedelta(days=20)))
    home.get_by_label("Purpose").fill("Teach sand fixation and lead a field day on checkerboards.")
    home.get_by_role("button", name="Propose").click()
    assert home.get_by_text("The exchange is proposed").is_visible()
    url = home.url
    home.screenshot(path=str(SCREENSHOTS / "exchange-1-proposed.png"), full_page=True)

    host = new_page()
    log_in(host, live_server, "host@ex.example")
    host.goto(url)
    host.get_by_role("button", name="Confirm (host)").click()
    assert host.get_by_text("The exchange is now confirmed.").is_visible()

    admin = new_page()
    log_in(admin, live_server, "boss@ex.example")
    admin.goto(url)
    admin.get_by_role("button", name="Approve").click()
    assert admin.get_by_text("The exchange is now approved.").is_visible()
    admin.screenshot(path=str(SCREENSHOTS / "exchange-2-approved.png"), full_page=True)

    # The exchange has begun by the time the teacher reports: move its dates for the test.
    with live_app.app_context(), transaction():
        exchange = exchanges.get_exchange(int(url.rsplit("/", 1)[1]))
        exchange.starts_on = date.today() - timedelta(days=1)
    teacher = new_page()
    log_in(teacher, live_server, "teacher@ex.example")
    teacher.goto(url)
    teacher.get_by_label("The teacher's report").fill("Taught 14 fellows; 2 field days at the dunes.")
    teacher.get_by_role("button", name="Mark as completed").click()
    assert teacher.get_by_text("The exchange is now completed.").is_visible()
    assert teacher.get_by_text("Taught 14 fellows").is_visible()
    teacher.screenshot(path=str(SCREENSHOTS / "exchange-3-completed.png"), full_page=True)
