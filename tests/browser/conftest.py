"""A live server on a fresh database, and Debian's Chromium driven by Playwright."""

import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from institute import create_app
from institute.extensions import db

from ..conftest import start_smtp_server

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("TEST_OUTPUT", "test-output")) / "screenshots"
PASSWORD = "a long enough password"  # of the people the journeys create


def log_in(page, server: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would."""
    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture(scope="session")
def live_mail():
    """A real SMTP server the live app sends its notifications to."""
    inbox, controller = start_smtp_server()
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, live_mail):
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite'}",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": live_mail.port,
        },
        instance_path=str(folder),
    )
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app served on a free local port, CSRF on, on its own SQLite database."""
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    address = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = address  # the links in its emails and certificates lead here
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield address
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's Chromium is missing: run `make test`, it installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Pages in separate browser contexts: one person each, with their own cookies."""
    contexts = []

    def make():
        context = browser.new_context(locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shoot(page, request):
    """Save a screenshot of the current page under test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
