"""Question texts to sanitised HTML, once, when a course revision is imported.

Each part of a question (its text, each answer, each feedback, the general
feedback, each matching sub-question) is rendered in its own GIFT format, as
Moodle shows it: ``html`` is sanitised, ``markdown`` rendered, ``plain``
escaped, and ``moodle`` (Moodle's default "auto-format") keeps the author's
HTML, makes line breaks ``<br>`` and is sanitised like the rest.

Questions are stored rendered (``*_html`` beside each text); questions stored
before parts had formats of their own keep the HTML they were stored with, and
read here, a part without a format takes the question text's.
"""

import re

from markupsafe import escape

from ..markdown import plain_text, render_inline, sanitise

_TAG = re.compile(r"(<[^<>]*>)")
_AFTER_TAG = re.compile(r"^[ \t]*\n")
_BEFORE_TAG = re.compile(r"\n[ \t]*$")
_ONE_PARAGRAPH = re.compile(r"^<p>((?:(?!<p[ >]).)*)</p>$", re.DOTALL)


def _moodle_auto(text: str) -> str:
    """Moodle's auto-format: HTML stays; a line break is a ``<br>``, except one that touches
    a tag, which only lays the HTML out (Moodle's text_to_html makes it a space)."""
    pieces = _TAG.split(text)
    for i in range(0, len(pieces), 2):  # the text between tags (odd places hold the tags)
        piece = pieces[i]
        if i > 0:
            piece = _AFTER_TAG.sub(" ", piece)
        if i < len(pieces) - 1:
            piece = _BEFORE_TAG.sub(" ", piece)
        pieces[i] = piece.replace("\n", "<br>\n")
    return sanitise("".join(pieces))


def text_html(text: str, text_format: str, inline: bool = False) -> str:
    """One part's text as sanitised HTML; ``inline`` parts (a choice, a sub-question) lose the
    paragraph Markdown wraps one line in."""
    if not text:
        return ""
    if text_format == "markdown":
        html = render_inline(text).strip()
        one = _ONE_PARAGRAPH.match(html) if inline else None
        return one[1] if one else html
    if text_format == "html":
        return sanitise(text)
    if text_format == "moodle":
        return _moodle_auto(text)
    return str(escape(text)).replace("\n", "<br>")  # plain


def render_question(question: dict) -> dict:
    """The parsed question with ``*_html`` fields beside its texts, each in its own format."""
    fmt = question.get("text_format", "moodle")
    question["text_html"] = text_html(question["text"], fmt)
    for part in ("general_feedback", "feedback_true", "feedback_false"):
        question[f"{part}_html"] = text_html(question.get(part, ""), question.get(f"{part}_format", fmt))
    for answer in question.get("answers", []):
        answer["text_html"] = text_html(answer.get("text", ""), answer.get("text_format", fmt), inline=True)
        answer["feedback_html"] = text_html(answer.get("feedback", ""), answer.get("feedback_format", fmt))
    return question


def feedback_html(part: dict, key: str = "feedback") -> str:
    """A feedback as HTML: as rendered at import, or, for a question never rendered, its text escaped."""
    rendered = part.get(f"{key}_html")
    return rendered if rendered is not None else str(escape(part.get(key, "")))


def words(answer: dict) -> str:
    """An answer (or sub-question) as plain words, for the right answer and the statistics."""
    rendered = answer.get("text_html")
    return plain_text(rendered) if rendered is not None else answer.get("text", "")
