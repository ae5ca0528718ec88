"""A bundle whose Markdown attacks the page: imported, but with nothing executable left."""

import re

from ..builders import course_files
from ..conftest import bearer, login
from .test_api import post_bundle

ATTACK = b"""
<script>document.cookie</script>
<img src="x" onerror="alert(1)">
[click me](javascript:alert(document.domain))
<iframe src="https://evil.example/"></iframe>
<div style="position:fixed;inset:0;z-index:9999">Log in again here</div>
<a href="#" onclick="steal()">link</a>
"""


def test_hostile_markdown_is_neutralised_on_page_and_api(app, client, make_user):
    make_user(email="a@example.org", roles="admin")
    make_user(email="f@example.org")
    files = course_files()
    files["01-module-1.md"] += ATTACK
    headers = bearer(client, "a@example.org")
    assert post_bundle(client, headers, files, slug="hostile").status_code == 201
    client.post("/api/v1/courses/hostile/publish", headers=headers)
    api_html = client.get("/api/v1/courses/hostile/modules/module-1",
                          headers=bearer(client, "f@example.org")).get_json()["html"]
    login(client, "f@example.org")
    page = client.get("/courses/hostile/modules/module-1").get_data(as_text=True)
    # The page's own scripts, served from our static folder, are not the bundle's.
    own = re.compile(r'<script src="/static/[\w.-]+\?v=\w+"[^>]*></script>')
    for html in (api_html, own.sub("", page)):
        lowered = html.lower()
        for needle in ("<script", "onerror", "onclick", "<iframe", "position:fixed"):
            assert needle not in lowered
        # After a line of raw HTML the rest is raw HTML too (CommonMark), so the link is
        # shown as the text it is; no attribute leads to javascript:.
        assert not re.search(r"=\s*[\"']?\s*javascript:", lowered)
    assert "Log in again here" in page  # the text stays, harmless
