"""Light on metered links, in Chromium: a warm module page costs one request (its
stylesheet and icon are named by their content and cached for a year), and the
pages come compressed."""

import pytest

from institute.database import transaction

from ..builders import create_course, create_user

pytestmark = pytest.mark.browser


class Hits:
    """Every request that reaches the live server, by path."""

    def __init__(self, app):
        self.paths: list[str] = []
        self.encodings: dict[str, str] = {}
        inner = app.wsgi_app

        def counting(environ, start_response):
            path = environ["PATH_INFO"]
            self.paths.append(path)

            def start(status, headers, exc_info=None):
                self.encodings[path] = dict(headers).get("Content-Encoding", "")
                return start_response(status, headers, exc_info)

            return inner(environ, start)

        self.inner, self.app = inner, app
        app.wsgi_app = counting

    def restore(self):
        self.app.wsgi_app = self.inner


def test_a_warm_module_page_costs_one_request_and_comes_compressed(live_app, live_server, new_page):
    with live_app.app_context(), transaction():
        create_user(email="reader@example.org", password="a long enough password")
        create_course("metered-reading", slug_title="Metered Reading")
    page = new_page()
    module = live_server + "/courses/metered-reading/modules/module-1"
    hits = Hits(live_app)
    try:
        page.goto(live_server + "/login")  # cold: the page, then its stylesheet and icon
        page.wait_for_load_state("networkidle")
        cold = list(hits.paths)
        page.get_by_label("Email").fill("reader@example.org")
        page.get_by_label("Password").fill("a long enough password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        page.goto(module)
        page.wait_for_load_state("networkidle")
        hits.paths.clear()
        page.goto(live_server + "/courses/metered-reading")
        page.get_by_role("link", name="Module 1").first.click()  # warm: as a reader comes back
        page.wait_for_load_state("networkidle")
        warm = list(hits.paths)
    finally:
        hits.restore()
    assert [p.split("?")[0] for p in cold] == ["/login", "/static/style.css", "/static/favicon.svg"], cold
    assert warm == ["/courses/metered-reading", "/courses/metered-reading/modules/module-1"], warm
    assert hits.encodings[warm[1]] in ("br", "gzip")  # Chromium asks for both
