"""A session's own application questions: their shape, their one check, and the little
text format the session form edits them in.

A question is ``{id, label, kind: text | choice | file, required, choices?, types?,
max_megabytes?}``. The API sends that list; the session form sends the same questions as
text, one a line, fields separated by ``|``::

    cv | Your CV | file: pdf, docx | required | 5 MB
    work | Your current work on land restoration | text | required
    english | Your English | choice: basic; good; fluent | optional

that is: an id (lower-case letters, digits, ``-`` and ``_``), the question as applicants
read it, the kind (``text``; ``choice:`` and the choices separated by ``;``; ``file:``
and the kinds of file separated by ``,``), then ``required`` or ``optional`` (required
when left out), and for files the largest size in MB (5 when left out).

A question someone has already answered keeps its id and its kind: it cannot be removed
or turned into another kind (its answers would lose their meaning). Its label, choices and
whether it is required may change; answers given earlier stay as they were given, and are
shown as such even when their choice is gone.
"""

import re

from flask_babel import gettext as _

from ..errors import Invalid
from ..filetypes import DOCUMENTS, KINDS, kinds_text
from ..training.models import QuestionKind

KINDS_OF_QUESTION = tuple(k.value for k in QuestionKind)
MAX_QUESTIONS = 20
MAX_CHOICES = 30
DEFAULT_MEGABYTES = 5
MAX_MEGABYTES = 20
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_RESERVED = {"motivation", "answers", "passport_name", "nationality", "country", "institution", "csrf_token"}


def _problem(details: list[dict], field: str, message: str) -> None:
    details.append({"field": field, "message": message})


def _flag(value, where: str, details: list[dict]) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    _problem(details, where, _("Say true or false."))
    return True


def _question(raw, where: str, details: list[dict]) -> dict | None:
    if not isinstance(raw, dict):
        _problem(details, where, _("Each question is an object with an id, a label and a kind."))
        return None
    qid = str(raw.get("id") or "").strip()
    if not _ID.match(qid) or qid in _RESERVED:
        _problem(details, f"{where}.id", _(
            "The id of a question is a short name in lower-case letters, digits, - and _ "
            "(such as cv or current-work), other than the application's own fields."))
    label = str(raw.get("label") or "").strip()
    if not label:
        _problem(details, f"{where}.label", _("Each question needs its words (the label)."))
    elif len(label) > 500:
        _problem(details, f"{where}.label", _("A question's label has at most 500 characters."))
    kind = raw.get("kind")
    if kind not in KINDS_OF_QUESTION:
        _problem(details, f"{where}.kind", _("The kind of a question is text, choice or file."))
        return None
    question = {"id": qid, "label": label[:500], "kind": kind,
                "required": _flag(raw.get("required"), f"{where}.required", details)}
    if kind == "choice":
        choices = raw.get("choices")
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            choices = []
        choices = [c.strip()[:200] for c in choices if c.strip()]
        if len(choices) < 2 or len(set(choices)) != len(choices) or len(choices) > MAX_CHOICES:
            _problem(details, f"{where}.choices", _(
                "A choice question needs at least two different choices (at most %(n)s).", n=MAX_CHOICES))
        question["choices"] = choices
    elif raw.get("choices"):
        _problem(details, f"{where}.choices", _("Only a choice question has choices."))
    if kind == "file":
        types = raw.get("types", list(DOCUMENTS[:1]))
        if not isinstance(types, list) or not types or \
                not all(isinstance(t, str) and t.lower() in KINDS for t in types):
            _problem(details, f"{where}.types", _(
                "The kinds of file are among %(kinds)s.", kinds=kinds_text(list(KINDS))))
            types = []
        question["types"] = list(dict.fromkeys(t.lower() for t in types))
        megabytes = raw.get("max_megabytes", DEFAULT_MEGABYTES)
        if isinstance(megabytes, bool) or not isinstance(megabytes, int) or \
                not 1 <= megabytes <= MAX_MEGABYTES:
            _problem(details, f"{where}.max_megabytes", _(
                "The largest file is a whole number of MB between 1 and %(n)s.", n=MAX_MEGABYTES))
        question["max_megabytes"] = megabytes
    else:
        for key in ("types", "max_megabytes"):
            if raw.get(key) is not None:
                _problem(details, f"{where}.{key}", _("Only a file question has kinds of file and a size."))
    return question


def check_questions(raw, answered: dict[str, str] | None = None) -> list[dict]:
    """The clean list of questions, or Invalid naming each problem's place
    (``questions[2].choices``). ``raw`` is the API's list or the session form's text;
    ``answered`` maps the ids of questions someone answered to their kind: those stay."""
    details: list[dict] = []
    if raw is None or raw == "":
        raw = []
    if isinstance(raw, str):
        raw = parse_text(raw, details)
    if not isinstance(raw, list):
        raise Invalid(details=[{"field": "questions", "message": _("The questions are a list.")}])
    if len(raw) > MAX_QUESTIONS:
        _problem(details, "questions", _("A session asks at most %(n)s questions.", n=MAX_QUESTIONS))
    questions: list[dict] = []
    for i, item in enumerate(raw[:MAX_QUESTIONS]):
        question = _question(item, f"questions[{i}]", details)
        if question is None:
            continue
        if any(q["id"] == question["id"] for q in questions):
            _problem(details, f"questions[{i}].id", _("Two questions have the id %(id)s.", id=question["id"]))
        questions.append(question)
    kinds = {q["id"]: q["kind"] for q in questions}
    for qid, kind in sorted((answered or {}).items()):
        if qid not in kinds:
            _problem(details, "questions", _(
                "Applicants have answered the question %(id)s: it cannot be removed.", id=qid))
        elif kinds[qid] != kind:
            _problem(details, "questions", _(
                "Applicants have answered the question %(id)s: it stays a question of its kind (%(kind)s).",
                id=qid, kind=kind))
    if details:
        raise Invalid(details=details)
    return questions


def parse_text(text: str, details: list[dict]) -> list[dict]:
    """The session form's text, one question a line, as the API's list (see the module's
    docstring); a line that cannot be read is a problem named by its line number."""
    questions: list[dict] = []
    lines = [line for line in text.replace("\r\n", "\n").split("\n")]
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            _problem(details, "questions", _(
                "Line %(n)s: write id | question | kind, such as: work | Your current work | text", n=number))
            continue
        qid, label, kind_text, *rest = parts
        kind, _colon, options = kind_text.partition(":")
        question: dict = {"id": qid.lower(), "label": label, "kind": kind.strip().lower()}
        if question["kind"] == "choice":
            question["choices"] = [c.strip() for c in options.split(";") if c.strip()]
        elif question["kind"] == "file":
            question["types"] = [t.strip().lower() for t in re.split(r"[,\s]+", options) if t.strip()] \
                or list(DOCUMENTS[:1])
        for extra in rest:
            word = extra.lower().replace(" ", "")
            if word in ("required", "optional"):
                question["required"] = word == "required"
            elif question["kind"] == "file" and re.fullmatch(r"\d{1,3}mb", word):
                question["max_megabytes"] = int(word[:-2])
            elif word:
                _problem(details, "questions", _(
                    "Line %(n)s: %(word)s is not understood (required, optional, or a size such as 5 MB "
                    "for a file).", n=number, word=extra))
        question["required"] = question.get("required", True)
        questions.append(question)
    return questions


def as_text(questions: list[dict]) -> str:
    """The questions in the session form's text format: ``parse_text`` reads it back."""
    lines = []
    for q in questions or []:
        kind = q["kind"]
        if kind == "choice":
            kind += ": " + "; ".join(q.get("choices") or [])
        elif kind == "file":
            kind += ": " + ", ".join(q.get("types") or [])
        parts = [q["id"], q["label"], kind, "required" if q.get("required", True) else "optional"]
        if q["kind"] == "file":
            parts.append(f"{q.get('max_megabytes', DEFAULT_MEGABYTES)} MB")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def file_questions(questions: list[dict]) -> list[dict]:
    return [q for q in questions or [] if q["kind"] == "file"]
