"""What the Markdown renderer can be asked to do: sizes and depths it renders in time.

Python-Markdown recurses once per level of nested lists and quotes (a few hundred
levels raise RecursionError) and slows with the length of a file; a bundle is
untrusted, so such files are problems of validation, with their line, before any
rendering is tried.
"""

import re

from .bundle import Problem

MAX_MARKDOWN_BYTES = 1024 * 1024  # one module or overview; real modules are tens of KB
MAX_MARKDOWN_TOTAL = 8 * 1024 * 1024  # all the Markdown of one bundle
MAX_INDENT = 64  # columns of leading space outside code fences: 16 levels of 4
MAX_QUOTE_DEPTH = 16

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTES = re.compile(r"^(?:[ \t]*>)+")


def markdown_problems(path: str, text: str, first_line: int = 1) -> list[Problem]:
    """The limits one Markdown text breaks, each once, on its first line that breaks it."""
    if len(text.encode()) > MAX_MARKDOWN_BYTES:
        return [Problem(path, None, f"the Markdown is larger than {MAX_MARKDOWN_BYTES // 1024} KB: "
                                    "split it into several modules")]
    problems = []
    fence = None
    deep = quoted = False
    for number, line in enumerate(text.split("\n"), start=first_line):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent > MAX_INDENT and not deep and line.strip():
            deep = True
            problems.append(Problem(path, number, f"indented more than {MAX_INDENT} columns: lists nest "
                                                  f"at most {MAX_INDENT // 4} levels deep"))
        quotes = _QUOTES.match(line)
        if quotes and quotes.group(0).count(">") > MAX_QUOTE_DEPTH and not quoted:
            quoted = True
            problems.append(Problem(path, number, f"quotes ('>') nest at most {MAX_QUOTE_DEPTH} levels deep"))
    return problems
