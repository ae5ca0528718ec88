"""Stored HTML of older revisions is rendered again by ``flask courses rerender``; the
shipped courses read the same with today's renderer as with the one before issue 15."""

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from institute.courses.front_matter import read_front_matter
from institute.courses.models import Course, CourseRevision, Module, Quiz
from institute.extensions import db
from institute.markdown import render

from ..legacy_markdown import render as render_before
from ..markdown_spec import normalise

COURSES = Path(__file__).resolve().parents[2] / "courses"
SHIPPED = sorted(str(p.relative_to(COURSES)) for p in COURSES.glob("*/*.md"))

# The shipped Markdown whose HTML changes, reviewed, and why.
CHANGES = {
    "sand-fixation-revegetation/03-drought-tolerant-species-and-planting.md":
        "***Caragana korshinskii*** is <em><strong> in CommonMark, was <strong><em>: it looks the same",
}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1


def tags(fragment: str) -> Counter:
    parser = _Tags()
    parser.feed(fragment)
    return parser.tags


def test_the_shipped_courses_are_all_compared():
    assert len(SHIPPED) == 22 and set(CHANGES) <= set(SHIPPED)  # 5 of them dldd-101-fr's, 1 an assignment's


@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_courses_render_as_before_where_they_rendered_right(path):
    body = read_front_matter((COURSES / path).read_text(encoding="utf-8")).body
    before, now = render_before(body), render(body)
    assert now.text == before.text  # the same words, footnotes, search text
    assert now.toc_html == before.toc_html  # the same outline and heading ids
    # Tables now sit in their scrolling box; the rest is the same HTML, or the reviewed change.
    tables = now.html.count('<div class="table-wrap" tabindex="0">')
    assert tables == before.html.count("<table>")
    same = normalise(now.html) == normalise(before.html)
    assert same == (path not in CHANGES), CHANGES.get(path, "changed without review")
    assert tags(now.html) - Counter({"div": tables}) == tags(before.html)


def _stored_as_before(app, slug: str) -> int:
    """Make the course's revision hold what the renderer before issue 15 stored."""
    with app.app_context():
        revision = db.session.scalar(sa.select(CourseRevision).join(Course, Course.id == CourseRevision.course_id)
                                     .where(Course.slug == slug))
        for module in revision.modules:
            body = read_front_matter((COURSES / slug / module.path).read_text(encoding="utf-8")).body
            lines = body.split("\n")
            old = render_before("\n".join(lines[1:]) if lines[0].startswith("# ") else body)
            module.html, module.toc_html = old.html, old.toc_html
        quiz = revision.quizzes[0]
        quiz.questions = [{**q, "text_html": "stale"} for q in quiz.questions]
        db.session.commit()
        return revision.id


def test_rerender_renders_stored_revisions_again_once(app, runner):
    assert runner.invoke(args=["courses", "import", str(COURSES)]).exit_code == 0
    revision_id = _stored_as_before(app, "remote-sensing-monitoring")

    first = runner.invoke(args=["courses", "rerender"])
    assert first.exit_code == 0, first.output
    assert "remote-sensing-monitoring: revision 1 re-rendered" in first.output
    assert "dldd-101: revision 1 unchanged" in first.output
    assert "1 revision(s) re-rendered, 3 unchanged." in first.output
    with app.app_context():
        modules = db.session.scalars(sa.select(Module).where(Module.revision_id == revision_id)).all()
        assert any('<div class="table-wrap" tabindex="0">' in m.html for m in modules)
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.revision_id == revision_id))
        assert all(q["text_html"] != "stale" for q in quiz.questions)

    again = runner.invoke(args=["courses", "rerender", "remote-sensing-monitoring"])
    assert again.exit_code == 0 and again.output.strip().splitlines() == [
        "remote-sensing-monitoring: revision 1 unchanged", "0 revision(s) re-rendered, 1 unchanged."]


def test_rerender_refuses_an_unknown_course(app, runner):
    result = runner.invoke(args=["courses", "rerender", "no-such-course"])
    assert result.exit_code == 1 and "No such course. no-such-course" in result.output
