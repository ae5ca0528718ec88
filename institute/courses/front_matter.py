"""YAML front matter, read so that it cannot hurt: the line of every key, and no surprises.

PyYAML's safe loader still expands aliases: 500 bytes of nested aliases become
billions of values the moment anything prints them. We refuse anchors and
aliases while composing, before anything expands; refuse nesting deep enough
to exhaust the stack; and refuse keys that are not names (``1:``, ``yes:``,
``[a]:``) or that are given twice, each on its own line.
"""

import datetime
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

MAX_BYTES = 64 * 1024  # a course's front matter is a few hundred bytes
MAX_DEPTH = 10  # course.md needs 3: quizzes, an entry, its values
ANCHORS = "YAML anchors and aliases (&, *) are not allowed in front matter"
_TEXT = "tag:yaml.org,2002:str"
_TAG_WORDS = {"timestamp": "a date", "int": "a whole number", "float": "a number",
              "bool": "true or false", "null": "empty"}


@dataclass
class FrontMatter:
    meta: dict | None  # None when it could not be read (the problem is recorded)
    body: str
    body_line: int  # line of the file where the body starts
    lines: dict[tuple, int] = field(default_factory=dict)  # ("quizzes", 0, "title") → line
    problems: list[tuple[int, str]] = field(default_factory=list)

    def line(self, *path) -> int:
        """The line of a key or list item, else of the nearest one holding it, else 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


class _Refused(yaml.MarkedYAMLError):
    problem: str  # always given where raised


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases and deep nesting as it composes."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(problem=ANCHORS, problem_mark=event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(problem=f"front matter is nested more than {MAX_DEPTH} levels deep",
                               problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError):  # e.g. 2024-02-30, !!int abc
            word = _TAG_WORDS.get(node.tag.rsplit(":", 1)[-1], node.tag)
            raise _Refused(problem=f"'{node.value}' cannot be read as {word} (put it in quotes)",
                           problem_mark=node.start_mark) from None


def kind(value) -> str:
    """What a value is, in the words of the problem that names it."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime.date):
        return "a date (put it in quotes)"
    if isinstance(value, list | tuple | set):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return type(value).__name__


def read_front_matter(text: str) -> FrontMatter:
    """Split ``text`` into its front matter and its body; every problem keeps its line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return FrontMatter({}, text, 1)
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return FrontMatter({}, text, 1, problems=[(1, "front matter is not closed with '---'")])
    front = FrontMatter(None, "\n".join(lines[end + 1:]), end + 2)
    source = "\n".join(lines[1:end])
    if len(source.encode()) > MAX_BYTES:
        front.problems.append((2, f"front matter is longer than {MAX_BYTES // 1024} KB"))
        return front
    try:
        front.meta = _load(source, front)
    except yaml.YAMLError as exc:
        front.problems.append((_line_of(exc, source), _message(exc)))
        return front
    if not isinstance(front.meta, dict):
        front.problems.append((2, "front matter must be a mapping of keys to values"))
        front.meta = {}
    return front


def _load(source: str, front: FrontMatter):
    loader = _Loader(source)  # refuses characters YAML forbids at once
    try:
        root = loader.get_single_node()
        if root is None:
            return {}
        _check_keys(root, (), source, front)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _check_keys(node: Node, path: tuple, source: str, front: FrontMatter) -> None:
    """Note the line of every key and item; drop (with a problem) keys that are not names."""
    if isinstance(node, MappingNode):
        kept = []
        for key, value in node.value:
            line = key.start_mark.line + 2  # the front matter starts on line 2
            if not (isinstance(key, ScalarNode) and key.tag == _TEXT):
                written = source[key.start_mark.index:key.end_mark.index].strip()[:40]
                front.problems.append((line, "keys must be names such as 'title', not "
                                             f"{written or 'an empty key'}"))
                continue
            if path + (key.value,) in front.lines:
                front.problems.append((line, f"'{key.value}' is given twice"))
                continue
            front.lines[path + (key.value,)] = line
            _check_keys(value, path + (key.value,), source, front)
            kept.append((key, value))
        node.value = kept
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            front.lines[path + (index,)] = item.start_mark.line + 2
            _check_keys(item, path + (index,), source, front)


def _line_of(exc: yaml.YAMLError, source: str) -> int:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return mark.line + 2
    position = getattr(exc, "position", None)  # a ReaderError: a character YAML forbids
    return source.count("\n", 0, position) + 2 if position is not None else 2


def _message(exc: yaml.YAMLError) -> str:
    if isinstance(exc, _Refused):
        return exc.problem
    if isinstance(exc, ReaderError):
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "\0")
        return f"front matter is not valid YAML: special characters are not allowed (#x{code:04x})"
    return f"front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}"
