"""Reading offline in the browser: the manifest, the service worker's address and headers, the
offline page, the mark queued offline and sent again with its token; and pages that are the
same for those who run no script."""

import json
import re

from institute.courses.models import ModuleCompletion
from institute.extensions import db
from institute.web import CONTENT_SECURITY_POLICY

from ..builders import PASSWORD
from ..conftest import login
from ..courses.test_views import publish_course

MODULE = "/courses/test-course/modules/module-1"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _marked(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(ModuleCompletion.module_slug)))


def test_the_manifest_is_ours_in_the_readers_language(client, make_user):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert "no-cache" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Global Desert Institute" and manifest["scope"] == "/"
    assert manifest["start_url"] == "/dashboard" and manifest["lang"] == "en" and manifest["dir"] == "ltr"
    [icon] = manifest["icons"]
    assert re.fullmatch(r"/static/favicon\.svg\?v=[0-9a-f]{12}", icon["src"])  # on our host
    assert client.get(icon["src"]).status_code == 200

    make_user(email="ar@example.org")
    login(client, "ar@example.org")
    client.post("/language", data={"locale": "ar", "next": "/"})
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    assert (manifest["lang"], manifest["dir"]) == ("ar", "rtl") and manifest["name"] != "Global Desert Institute"


def test_the_service_worker_is_served_from_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    body = response.get_data(as_text=True)
    assert "addEventListener(\"fetch\"" in body and "://" not in body  # names no other host
    assert len(response.get_data()) < 8000  # small


def test_the_offline_page_names_its_language(client):
    response = client.get("/offline", headers={"Accept-Language": "fr"})
    assert response.status_code == 200 and response.headers["Content-Language"] == "fr"
    assert response.mimetype == "text/html"


def test_only_signed_in_readers_get_the_script_and_the_manifest(app, client, make_user):
    publish_course(app)
    for path in ("/", "/login", "/courses", "/courses/test-course"):
        page = client.get(path).get_data(as_text=True)
        assert "<script" not in page and 'rel="manifest"' not in page, path
    make_user(email="f@example.org")
    login(client, "f@example.org")
    page = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'<script src="/static/offline\.js\?v=[0-9a-f]{12}" defer data-worker="/sw\.js"', page)
    assert 'data-said-queued="Saved; it will be sent when you are back online."' in page
    assert '<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">' in page


def test_without_a_script_the_mark_is_the_same_form_posted_as_before(app, client, make_user):
    publish_course(app)
    make_user(email="f@example.org")
    login(client, "f@example.org")
    page = client.get(MODULE).get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" data-queue-offline>\s*'
                     r'<input type="hidden" name="csrf_token" value="[^"]*">\s*<button type="submit">', page)
    assert form and form.group(1) == MODULE + "/complete"
    response = client.post(MODULE + "/complete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/modules/module-2")
    assert _marked(app) == {"module-1"}


def test_a_queued_mark_is_accepted_with_its_token_while_its_login_lasts(app, client, make_user, monkeypatch):
    publish_course(app)
    make_user(email="f@example.org")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "f@example.org", "password": PASSWORD,
                                "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                                        login_page).group(1)})
    token = _token(client.get(MODULE).get_data(as_text=True))
    json_asked = {"Accept": "application/json"}

    sent = client.post(MODULE + "/complete", data={"csrf_token": token}, headers=json_asked)
    assert sent.status_code == 200
    assert sent.get_json() == {"course": "test-course", "module": "module-1", "done": True}
    assert _marked(app) == {"module-1"}
    again = client.post(MODULE + "/complete", data={"csrf_token": token}, headers=json_asked)
    assert again.status_code == 200  # sent twice (two tabs): still one mark

    forged = client.post("/courses/test-course/modules/module-2/complete", data={"csrf_token": "x"},
                         headers=json_asked)
    assert forged.status_code == 400 and forged.get_json()["error"]["code"]
    assert _marked(app) == {"module-1"}


def test_a_mark_queued_in_an_ended_login_is_refused(app, client, make_user, monkeypatch):
    """The token names the login session: once it has ended, nobody else's login sends it."""
    publish_course(app)
    make_user(email="a@example.org")
    make_user(email="b@example.org")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    def log_in(email):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token})

    log_in("a@example.org")
    queued = _token(client.get(MODULE).get_data(as_text=True))
    out = client.post("/logout", data={"csrf_token": queued})
    assert out.headers["Clear-Site-Data"] == '"storage"'  # the kept pages and marks go too
    assert log_in("b@example.org").headers["Clear-Site-Data"] == '"storage"'
    refused = client.post(MODULE + "/complete", data={"csrf_token": queued},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert _marked(app) == set()
