"""Each part of a question rendered in its own format, as Moodle shows it."""

import dataclasses

import pytest

from institute.questions import type_of
from institute.questions.gift import parse_gift
from institute.questions.rendering import feedback_html, render_question, text_html, words


def rendered(source: str) -> dict:
    result = parse_gift(source)
    assert result.errors == []
    return render_question(dataclasses.asdict(result.questions[0]))


@pytest.mark.parametrize(("text", "text_format", "html"), [
    # Moodle's auto-format: the author's HTML stays, line breaks are breaks, all sanitised.
    ("Is <i>Salix</i> a shrub?", "moodle", "Is <i>Salix</i> a shrub?"),
    ("line one\nline two", "moodle", "line one<br>\nline two"),
    ("<ul>\n<li>a</li>\n</ul>", "moodle", "<ul> <li>a</li> </ul>"),
    ("x <script>alert(1)</script><a href='javascript:alert(1)' onclick='y()'>z</a>", "moodle",
     'x <a rel="noopener noreferrer">z</a>'),
    ("3 < 5 & 7 > 6", "moodle", "3 &lt; 5 &amp; 7 &gt; 6"),
    # HTML: sanitised, line breaks left to HTML.
    ("<p>a</p>\n<p onmouseover='x()'>b</p>", "html", "<p>a</p>\n<p>b</p>"),
    # Markdown: rendered (then sanitised).
    ("*dry* land", "markdown", "<p><em>dry</em> land</p>"),
    # Plain: every character as written.
    ("<i>not</i> HTML\nnext", "plain", "&lt;i&gt;not&lt;/i&gt; HTML<br>next"),
    ("", "html", ""),
])
def test_text_html(text: str, text_format: str, html: str) -> None:
    assert text_html(text, text_format) == html


def test_an_inline_markdown_part_has_no_paragraph() -> None:
    assert text_html("*dry*", "markdown", inline=True) == "<em>dry</em>"
    assert text_html("one\n\ntwo", "markdown", inline=True) == "<p>one</p>\n<p>two</p>"


def test_every_part_in_its_own_format() -> None:
    q = rendered("::T::[html]<b>Pick</b> {\n"
                 "  =[markdown]*dry*#[plain]<kept>\n"
                 "  ~wet#[moodle]so <i>so</i>\n"
                 "  ####[markdown]**done**\n"
                 "}")
    assert q["text_html"] == "<b>Pick</b>"
    assert (q["answers"][0]["text_html"], q["answers"][0]["feedback_html"]) == ("<em>dry</em>", "&lt;kept&gt;")
    assert (q["answers"][1]["text_html"], q["answers"][1]["feedback_html"]) == ("wet", "so <i>so</i>")
    assert q["general_feedback_html"] == "<p><strong>done</strong></p>"


def test_true_false_feedbacks_and_matching_items_in_their_formats() -> None:
    q = rendered("[markdown]Sand *moves*? {T#*no*#[html]<b>yes</b>}")
    assert (q["feedback_false_html"], q["feedback_true_html"]) == ("<p><em>no</em></p>", "<b>yes</b>")
    assert type_of(q).score(q, True).feedback == "<b>yes</b>"
    q = rendered("Match {=[html]<i>Salix</i> -> windbreaks =[plain]<Caragana> -> fodder}")
    assert [a["text_html"] for a in q["answers"]] == ["<i>Salix</i>", "&lt;Caragana&gt;"]
    assert str(type_of(q).right_answer(q)) == "Salix → windbreaks; <Caragana> → fodder"
    assert type_of(q).payload(q, ["fodder", "windbreaks"])["items"][0]["text"] == "<i>Salix</i>"


def test_the_feedback_earned_is_its_html() -> None:
    q = rendered("Pick {=[html]<b>yes</b>#[markdown]*good* ~no#<i>sure?</i>}")
    kind = type_of(q)
    assert kind.score(q, 0).feedback == "<p><em>good</em></p>"
    assert kind.score(q, 1).feedback == "<i>sure?</i>"
    assert str(kind.right_answer(q)) == "yes"
    q = rendered("Pick {~%50%[html]<b>a</b>#[html]<i>1</i> ~%50%b#<u>2</u> ~%-100%c}")
    assert type_of(q).score(q, [0, 1]).feedback == "<i>1</i> <u>2</u>"
    assert str(type_of(q).right_answer(q)) == "a; b"


def test_a_question_never_rendered_gives_its_feedback_escaped() -> None:
    assert feedback_html({"feedback": "a <b>"}) == "a &lt;b&gt;"
    assert feedback_html({"feedback": "a <b>", "feedback_html": "a <b>b</b>"}) == "a <b>b</b>"
    assert feedback_html({"feedback_true": "<i>x</i>"}, "feedback_true") == "&lt;i&gt;x&lt;/i&gt;"
    assert words({"text": "<i>x</i>"}) == "<i>x</i>"
    assert words({"text": "<i>x</i>", "text_html": "<i>x</i>"}) == "x"
