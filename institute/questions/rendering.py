"""Question texts to sanitised HTML, once, when a course revision is imported.

GIFT texts come in four formats: ``moodle`` and ``plain`` are shown as text
(line breaks kept), ``markdown`` is rendered, ``html`` is sanitised.
"""

from markupsafe import escape

from ..markdown import render_inline, sanitise


def text_html(text: str, text_format: str) -> str:
    if text_format == "markdown":
        return render_inline(text)
    if text_format == "html":
        return sanitise(text)
    return str(escape(text)).replace("\n", "<br>")


def render_question(question: dict) -> dict:
    """The parsed question with ``*_html`` fields beside its texts."""
    fmt = question.get("text_format", "moodle")
    question["text_html"] = text_html(question["text"], fmt)
    question["general_feedback_html"] = text_html(question.get("general_feedback", ""), fmt)
    for answer in question.get("answers", []):
        answer["text_html"] = text_html(answer.get("text", ""), fmt)
        answer["feedback_html"] = text_html(answer.get("feedback", ""), fmt)
    return question
