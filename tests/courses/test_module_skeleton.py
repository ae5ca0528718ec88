"""The module page from its skeleton is byte for byte the page rendered in full."""

import re

import pytest
from markupsafe import escape

from institute.courses import reading
from institute.templating import Skeletons, hole

from ..conftest import login
from .test_views import publish_course

PAGE = "/courses/test-course/modules/module-{n}"


def tokenless(html: str) -> str:
    """CSRF tokens are signed anew each second: blank them before comparing."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


@pytest.fixture
def skeletons(app):
    reading._skeletons.clear()
    yield reading._skeletons
    app.config["PAGE_SKELETONS"] = True
    reading._skeletons.clear()


def both_ways(app, client, url: str) -> tuple[str, str]:
    app.config["PAGE_SKELETONS"] = False
    full = client.get(url)
    app.config["PAGE_SKELETONS"] = True
    served = client.get(url)
    assert full.status_code == served.status_code == 200
    return tokenless(full.get_data(as_text=True)), tokenless(served.get_data(as_text=True))


def test_skeleton_page_equals_the_full_render_for_each_reader(app, make_user, skeletons):
    publish_course(app, modules=4)
    make_user(email="f@example.org", name='Ana <b>"Bo"</b> & Co')
    make_user(email="i@example.org", name="Ines Instructor", roles="instructor")
    fellow, instructor = app.test_client(), app.test_client()
    login(fellow, "f@example.org")
    login(instructor, "i@example.org")
    fellow.post(PAGE.format(n=1) + "/complete")
    fellow.post(PAGE.format(n=3) + "/complete")
    for client in (fellow, instructor):
        for n in (1, 2, 3, 4):
            full, served = both_ways(app, client, PAGE.format(n=n))
            assert served == full
    full, _served = both_ways(app, fellow, PAGE.format(n=2))
    assert "Ana &lt;b&gt;&#34;Bo&#34;&lt;/b&gt; &amp; Co" in full  # escaped, as Jinja does
    assert full.count(" ✓") == 2 and "Mark as done" in full


def test_one_skeleton_serves_fellows_at_different_points(app, make_user, skeletons):
    publish_course(app, modules=3)
    make_user(email="a@example.org", name="Aigerim")
    make_user(email="b@example.org", name="Bat-Erdene")
    first, second = app.test_client(), app.test_client()
    login(first, "a@example.org")
    login(second, "b@example.org")
    first.post(PAGE.format(n=1) + "/complete")
    page_a = first.get(PAGE.format(n=2)).get_data(as_text=True)
    page_b = second.get(PAGE.format(n=2)).get_data(as_text=True)
    assert len(skeletons._parts) == 1
    assert "Aigerim" in page_a and "Bat-Erdene" not in page_a and page_a.count(" ✓") == 1
    assert "Bat-Erdene" in page_b and "Aigerim" not in page_b and page_b.count(" ✓") == 0
    second.post(PAGE.format(n=3) + "/complete")  # a tick appears at once
    assert second.get(PAGE.format(n=2)).get_data(as_text=True).count(" ✓") == 1
    # The CSRF token in the page is this session's own, and works.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page_b).group(1)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert second.post(PAGE.format(n=2) + "/complete",
                           data={"csrf_token": token}).status_code == 302
        assert second.post(PAGE.format(n=1) + "/complete",
                           data={"csrf_token": "forged"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_languages_and_flashes_are_never_mixed_up(app, client, make_user, skeletons):
    publish_course(app, modules=3)
    make_user(email="f@example.org")
    login(client, "f@example.org")
    english = client.get(PAGE.format(n=1)).get_data(as_text=True)
    client.post("/language", data={"locale": "fr", "next": "/"})
    french = client.get(PAGE.format(n=1)).get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="fr"' in french and "Marquer" in french
    full, served = both_ways(app, client, PAGE.format(n=1))
    assert served == full
    # Marking the last module done flashes a message: the next page shows it once.
    client.post(PAGE.format(n=3) + "/complete")
    with_flash = client.get(PAGE.format(n=1)).get_data(as_text=True)
    after = client.get(PAGE.format(n=1)).get_data(as_text=True)
    assert 'class="flashes"' in with_flash and 'class="flashes"' not in after


def test_skeletons_keep_the_most_recent_and_name_holes_strictly():
    kept = Skeletons(size=2)
    renders = []

    def render(text):
        return lambda: renders.append(text) or f"<p>{text} {hole('who')}</p>"

    assert kept.page("a", render("A"), {"who": "x"}) == "<p>A x</p>"
    assert kept.page("b", render("B"), {"who": "y"}) == "<p>B y</p>"
    assert kept.page("a", render("A"), {"who": "z"}) == "<p>A z</p>"  # kept: no render
    kept.page("c", render("C"), {"who": ""})  # drops b, the least recently used
    kept.page("b", render("B"), {"who": ""})
    assert renders == ["A", "B", "C", "B"]
    with pytest.raises(KeyError):
        kept.page("b", render("B"), {})  # b's hole needs its value
    with pytest.raises(ValueError):
        hole("no spaces")
    # Escaping leaves a hole's mark as it is, so a mark escaped by Jinja is still found.
    assert str(escape(str(hole("who")))) == str(hole("who"))
