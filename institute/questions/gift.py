"""Parser for Moodle's GIFT question format (the standard library and the question registry).

A GIFT file is a sequence of questions separated by one or more blank lines.
Lines whose first non-blank characters are ``//`` are comments, and a
``$CATEGORY: path`` line sets the category of the questions that follow::

    // Comments are whole lines.
    $CATEGORY: geography/capitals

    ::Optional title::[markdown]Question *text* {
        =right answer   # feedback for this answer
        ~wrong answer   # another feedback
        ~%50%half right
        #### general feedback, shown whatever was answered
    }

The answer block between ``{`` and ``}`` decides the kind of question:

* ``{=a ~b ~c}`` multiple choice; ``{~%50%a ~%50%b ~%-100%c}`` multiple answers;
* ``{T}`` / ``{FALSE#feedback if wrong#feedback if right}`` true/false;
* ``{=a =%50%b}`` short answer (a lone ``{answer}`` without ``=`` also works);
* ``{#2.5}``, ``{#3.14:0.01}``, ``{#1..5}``, ``{# =1984:0 =%50%1983:1}`` numerical;
* ``{=left -> right =left -> right}`` matching; ``{}`` essay;
* no braces at all: a description (text only, nothing to answer).

This module reads what every question shares (chunks, comments, titles,
formats, escapes, the block's place, answers' weights and feedback); which kind
a block is, and what its answers mean, each registered question type decides
(``claims_gift`` and ``read_gift``, tried in ``gift_order``).

If text follows the closing ``}`` the question is in "missing word" format:
the text before and after the block form the question text, and the
block's place is marked with :data:`BLANK`.  ``\\~ \\= \\# \\{ \\} \\:`` escape the
control characters, ``\\\\`` is a backslash and ``\\n`` a line break.

Text formats are kept per part, as Moodle keeps them: the question text, each
answer, each feedback, the general feedback and each matching sub-question may
start with ``[moodle]``, ``[html]``, ``[markdown]`` or ``[plain]``; a part
without one takes the question text's format (itself ``moodle`` by default).
Short-answer and numerical answers and matching right sides are compared or
listed as written, so they are ``plain`` (a tag in front is still taken off).
A ``[word]`` in front that is no format name (Moodle's names are lowercase:
``[HTML]`` is none) stays part of the text, as in Moodle, with a warning.

Moodle reads ``[id:…]`` and ``[tag:…]`` from the ``//`` comment lines of a
question (the lines of its chunk, so those just before it): the first
``[id:…]`` is its ID number, every ``[tag:…]`` a tag, ``\\]`` a ``]`` inside
either, and neither spans a line.

Semantics follow Moodle's importer (question/format/gift/format.php, whose
tests ``tests/questions/test_moodle_gift_reference.py`` reads as ours): a
blank line always ends a question, only whole lines are comments, every
unescaped ``~`` or ``=`` in an answer block starts a new answer (even inside
feedback), and a ``~`` block is multiple answers exactly when it has no ``=``.
Checks Moodle leaves to its edit forms are errors here: no right answer,
weights outside -100..100, multiple-answer weights not adding up to 100%,
fewer than 2 matching pairs, unclosed ``::title``, empty question text.
Further interpretations:

* ``$CATEGORY:`` may be directly followed (no blank line) by a question.
* Numerical "any other answer" (``~#feedback`` or ``=*``) is an :class:`Answer`
  whose ``text`` is ``"*"`` and ``value`` is ``None``.
* True/false questions have no ``answers``: see ``correct`` and the feedbacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .registry import gift_readers

TEXT_FORMATS = ("moodle", "markdown", "html", "plain")
BLANK = "_____"  # marks where the answer block sat in a missing-word question

# Escaped characters are swapped for private-use code points before parsing,
# so that splitting on '~', '=', '#' ... never sees them; they become plain
# characters again only when a piece of text is finally extracted.
_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDERS = {ch: chr(0xE000 + i) for i, ch in enumerate(_ESCAPABLE)}
_UNESCAPE = str.maketrans({ph: "\n" if ch == "n" else ch for ch, ph in _PLACEHOLDERS.items()})
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WEIGHT_RE = re.compile(r"%([^%\n]*)%")
_WORD_RE = re.compile(r"[A-Za-z]+")  # a '[word]' in front that is no format earns a warning
# Moodle's marks in a question's comments: the id may hold anything but control characters
# and ']', a tag neither '<', '>' nor '`' (its PARAM_TAG); '\]' is a ']' in either.
_ID_MARK = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_MARK = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
_CATEGORY = "$CATEGORY:"
EPS = 1e-6  # weights this close count as equal


@dataclass
class Answer:
    text: str = ""  # answer text, unescaped (for matching: the left side / sub-question)
    fraction: float = 0.0  # credit in [-1, 1]: '=' is 1.0, '~' is 0.0, '%50%' is 0.5
    feedback: str = ""  # per-answer feedback after '#', unescaped
    text_format: str = "moodle"  # of ``text``: its own [format], else the question text's
    feedback_format: str = "moodle"  # of ``feedback``, likewise
    value: float | None = None  # numerical: the target value (None: any other answer)
    tolerance: float = 0.0  # numerical: tolerance (for 'value:tol')
    low: float | None = None  # numerical range a..b: low bound (value = midpoint)
    high: float | None = None
    match: str = ""  # matching: the right side


@dataclass
class Question:
    kind: str  # a registered question type's kind (institute.questions.TYPES)
    text: str  # question text, unescaped; a missing word is marked by BLANK
    line: int  # 1-based line number where the question starts in the file
    title: str = ""
    text_format: str = "moodle"  # "moodle" | "markdown" | "html" | "plain"
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    category: str = ""  # the last $CATEGORY: seen before this question ("" if none)
    correct: bool | None = None  # truefalse only
    feedback_true: str = ""  # truefalse: feedback shown when the fellow answered true
    feedback_false: str = ""  # truefalse: feedback shown when the fellow answered false
    general_feedback_format: str = "moodle"  # each part's format: its own [format], else text_format
    feedback_true_format: str = "moodle"
    feedback_false_format: str = "moodle"
    id_number: str = ""  # Moodle's ID number: '[id:…]' in the question's comments
    tags: list[str] = field(default_factory=list)  # '[tag:…]' in its comments, in order


@dataclass
class GiftError:
    line: int  # 1-based line number in the file
    message: str


@dataclass
class ParseResult:
    questions: list[Question]
    errors: list[GiftError]
    # What Moodle reads without complaint but an author likely did not mean ('[Bonus] …').
    warnings: list[GiftError] = field(default_factory=list)


def parse_gift(source: str) -> ParseResult:
    """Parse a whole GIFT file; questions with errors are left out, every error is reported."""
    result = ParseResult(questions=[], errors=[])
    category = ""
    for lines, comments in _chunks(source):
        # Moodle wants $CATEGORY alone in its chunk; we also accept a question right after it.
        while lines and lines[0][1].strip().startswith(_CATEGORY):
            category = _unescape(lines[0][1].strip()[len(_CATEGORY) :])
            lines = lines[1:]
        if not lines:
            continue
        block = GiftBlock(lines)
        question = _parse_question(block, category)
        result.warnings.extend(block.warnings)
        if question is not None:
            question.id_number, question.tags = comment_marks(comments)
        if block.errors:
            result.errors.extend(block.errors)
        elif question is not None:
            result.questions.append(question)
    return result


def _chunks(source: str) -> Iterator[tuple[list[tuple[int, str]], str]]:
    """Yield the blank-line separated chunks: (line number, line) pairs, and their comments.

    A comment line does not separate questions (as in Moodle): only blank lines do. The
    comments of a chunk (its '//' lines, joined by newlines) are where Moodle finds
    '[id:…]' and '[tag:…]'; a chunk of comments alone is dropped with them.
    """
    source = source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    chunk: list[tuple[int, str]] = []
    comments: list[str] = []
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if chunk:
                yield chunk, "\n".join(comments)
            chunk, comments = [], []
        elif stripped.startswith("//"):
            comments.append(stripped)
        else:
            chunk.append((number, line))
    if chunk:
        yield chunk, "\n".join(comments)


def comment_marks(comments: str) -> tuple[str, list[str]]:
    """The ID number and the tags a question's comments declare (Moodle's rule: the first
    '[id:…]', every '[tag:…]', each trimmed, '\\]' standing for ']'; empty tags dropped)."""
    found = _ID_MARK.search(comments)
    id_number = found[1].strip().replace("\\]", "]") if found else ""
    tags = [raw.strip().replace("\\]", "]") for raw in _TAG_MARK.findall(comments)]
    return id_number, [tag for tag in tags if tag]


def _unescape(raw: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\n" if m[1] == "n" else m[1], raw).strip()


def _plain(text: str) -> str:
    return text.translate(_UNESCAPE).strip()


class GiftBlock:
    """One question's source: escaped text, a map back to file lines, and its errors.

    All parsing works on [start, end) spans of ``text`` so that any error can
    be reported with the line it comes from.
    """

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        joined = "\n".join(line for _, line in lines)
        self.text = _ESCAPE_RE.sub(lambda m: _PLACEHOLDERS[m[1]], joined)
        self._line_numbers = [number for number, _ in lines]
        self.errors: list[GiftError] = []
        self.warnings: list[GiftError] = []

    def line_at(self, pos: int) -> int:
        # Escapes never contain a real newline, so counting newlines stays exact.
        return self._line_numbers[self.text.count("\n", 0, pos)]

    def error(self, pos: int, message: str) -> None:
        self.errors.append(GiftError(self.line_at(pos), message))

    def warn(self, pos: int, message: str) -> None:
        self.warnings.append(GiftError(self.line_at(pos), message))

    def strip(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return start, end

    def plain(self, start: int, end: int) -> str:
        return _plain(self.text[start:end])


def _parse_question(block: GiftBlock, category: str) -> Question | None:
    start, end = block.strip(0, len(block.text))
    question = Question(kind="", text="", line=block.line_at(start), category=category)
    body = _parse_title(block, question, start)
    if body is None:
        return None
    braces = _find_answer_block(block, body, end)
    if braces is None:
        return None
    opening, closing = braces
    question.text_format, body = _format_tag(block, body, end if opening < 0 else opening, "moodle")
    # Feedbacks without a format of their own take the question text's (Moodle's default).
    question.general_feedback_format = question.feedback_true_format = question.feedback_false_format = \
        question.text_format
    if opening < 0:
        question.text = block.plain(body, end)
        _read_answers(block, question, None, -1, -1, -1)
    else:
        after = block.text[closing + 1 : end]
        # Text after the block means the answer is a missing word inside the sentence.
        missing_word = BLANK + after if after.strip() else ""
        question.text = _plain(block.text[body:opening] + missing_word)
        _parse_answer_block(block, question, opening, closing)
    if not question.text:
        block.error(start, "empty question text")
    return question


def _parse_title(block: GiftBlock, question: Question, start: int) -> int | None:
    """Read an optional '::title::'; return where the question text starts."""
    if not block.text.startswith("::", start):
        return start
    closing = block.text.find("::", start + 2)
    brace = block.text.find("{", start + 2)
    if closing < 0 or 0 <= brace < closing:
        block.error(start, "question title has no closing '::'")
        return None
    question.title = block.plain(start + 2, closing)
    return closing + 2


def _find_answer_block(block: GiftBlock, start: int, end: int) -> tuple[int, int] | None:
    """Locate the single '{...}'; (-1, -1) for a description, None after an error."""
    text = block.text
    opening, closing = text.find("{", start, end), text.find("}", start, end)
    if opening < 0 and closing < 0:
        return -1, -1
    if opening < 0 or 0 <= closing < opening:
        block.error(closing, "unexpected '}' (write \\} for a literal brace)")
        return None
    if closing < 0:
        block.error(opening, "unterminated answer block: missing '}'")
        return None
    nested = text.find("{", opening + 1, closing)
    if nested >= 0:
        block.error(nested, "'{' inside an answer block (missing '}'? write \\{ for a brace)")
        return None
    extra = [pos for pos in (text.find(c, closing + 1, end) for c in "{}") if pos >= 0]
    if extra:
        block.error(min(extra), "a second answer block (missing blank line between questions?)")
        return None
    return opening, closing


def _format_tag(block: GiftBlock, start: int, end: int, default: str) -> tuple[str, int]:
    """Read an optional leading '[format]'; return the format and where the text starts.

    Moodle's rule: a text starting with '[' names its format up to the first ']'; a name
    that is not one of the four (lowercase) leaves the text whole, in the default format.
    """
    start, end = block.strip(start, end)
    closing = block.text.find("]", start, end) if block.text.startswith("[", start) else -1
    if closing < 0:
        return default, start
    name = block.text[start + 1 : closing]
    if name in TEXT_FORMATS:
        return name, closing + 1
    if _WORD_RE.fullmatch(name):
        hint = (f"formats are lowercase: [{name.lower()}]" if name.lower() in TEXT_FORMATS
                else "the formats are [moodle], [html], [markdown] and [plain]")
        block.warn(start, f"'[{name}]' is not a text format, so it stays in the text as Moodle"
                          f" keeps it ({hint}; '[{default}][{name}]' says the brackets are meant)")
    return default, start


def formatted_part(block: GiftBlock, start: int, end: int, default: str) -> tuple[str, str]:
    """The unescaped text of a span without its format tag, and its format."""
    text_format, start = _format_tag(block, start, end, default)
    return block.plain(start, end), text_format


def formatted(block: GiftBlock, start: int, end: int, default: str) -> str:
    """The unescaped text of a span, without its format tag."""
    return formatted_part(block, start, end, default)[0]


def _parse_answer_block(block: GiftBlock, question: Question, opening: int, closing: int) -> None:
    """Fill in kind, answers and feedback from the span between '{' and '}'."""
    start, end = opening + 1, closing
    general = block.text.rfind("####", start, end)
    if general >= 0:
        question.general_feedback, question.general_feedback_format = formatted_part(
            block, general + 4, end, question.text_format)
        end = general
    start, end = block.strip(start, end)
    _read_answers(block, question, block.text[start:end], opening, start, end)


def _read_answers(block: GiftBlock, question: Question, body: str | None, opening: int,
                  start: int, end: int) -> None:
    """The first registered type that claims the block reads it (None: the question has none)."""
    for question_type in gift_readers():
        if question_type.claims_gift(body):
            question.kind = question_type.kind
            question_type.read_gift(block, question, opening, start, end)
            return
    block.error(max(opening, 0), "no question type reads this answer block")


def split_answers(block: GiftBlock, start: int, end: int, markers: str) -> list[tuple[str, int, int]]:
    """Cut a span before each marker: (marker, start, end) per answer.

    Text before the first marker is kept with marker '' unless it is blank
    (Moodle accepts e.g. '{answer}' for a one-answer short answer).
    """
    pieces: list[tuple[str, int, int]] = []
    marker, piece_start = "", start
    for pos in range(start, end):
        if block.text[pos] in markers:
            pieces.append((marker, piece_start, pos))
            marker, piece_start = block.text[pos], pos + 1
    pieces.append((marker, piece_start, end))
    if not block.text[pieces[0][1] : pieces[0][2]].strip():
        pieces.pop(0)
    return pieces


def _weight(block: GiftBlock, start: int, end: int) -> tuple[float | None, int]:
    """Read an optional '%n%' weight; return it as a fraction and where the text starts."""
    match = _WEIGHT_RE.match(block.text, start, end)
    if match is None:
        return None, start
    raw = match[1].strip()
    if not _NUMBER_RE.fullmatch(raw):
        if re.search(r"[^\d\s.+-]", raw):  # e.g. '%d%': ordinary answer text
            return None, start
        block.error(start, f"invalid answer weight '{_plain(match[0])}'")
        return None, match.end()
    percent = float(raw)
    if not -100 <= percent <= 100:
        block.error(start, f"answer weight {match[0]} is outside -100%..100%")
    return percent / 100, match.end()


def read_answer(block: GiftBlock, start: int, end: int, fraction: float, text_format: str) -> Answer:
    """Parse '[%weight%]text[#feedback]' (the leading '~' or '=' already removed)."""
    start, end = block.strip(start, end)
    weight, start = _weight(block, start, end)
    result = Answer(fraction=fraction if weight is None else weight, feedback_format=text_format)
    hash_pos = block.text.find("#", start, end)
    result.text, result.text_format = formatted_part(block, start, end if hash_pos < 0 else hash_pos,
                                                     text_format)
    if hash_pos >= 0:
        result.feedback, result.feedback_format = formatted_part(block, hash_pos + 1, end, text_format)
    return result


def parse_number(text: str) -> float:
    # Stricter than float(): no '1_000', 'nan', 'inf' or decimal commas.
    if not _NUMBER_RE.fullmatch(text.strip()):
        raise ValueError(text)
    return float(text)


def require_full_credit(block: GiftBlock, question: Question, opening: int) -> None:
    """Short-answer and numerical questions need an answer, and one worth 100% (as in Moodle)."""
    if not question.answers:
        block.error(opening, f"a {question.kind} question needs at least one answer")
    elif not any(abs(answer.fraction - 1) < EPS for answer in question.answers):
        block.error(opening, f"a {question.kind} question needs an answer worth 100%")
