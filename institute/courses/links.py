"""Links between the files of a bundle: found in the Markdown outside code, resolved, checked."""

import posixpath
import re
from urllib.parse import unquote

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Every repeated class below stops at the character that could start the next
# match, so that scanning a line is one pass, whatever an author sends: text
# without unescaped brackets (or with one level of them, for an image inside a
# link, found by the second pattern), targets without parentheses.
_LABEL = r"(?:[^\[\]\\]|\\.)*"
_DESTINATION = r"\]\(\s*<?([^()\s<>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
_INLINE_LINKS = (re.compile(r"(?<!\\)!?\[" + _LABEL + _DESTINATION),
                 re.compile(r"(?<!\\)!?\[(?:[^\[\]\\]|\\.|\[" + _LABEL + r"\])*" + _DESTINATION))
_REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _targets(text: str, first_line: int = 1):
    """(line number, link target) of the Markdown links and images outside code."""
    fence = None
    for number, line in enumerate(text.split("\n"), start=1):
        if number < first_line:
            continue  # front matter, not Markdown
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)[0]
            if fence is None:
                fence = marker
                continue
            if marker == fence:
                fence = None
                continue
        if fence is not None:
            continue
        stripped = _CODE_SPAN.sub("", line)
        found = {(link.start(1), link.group(1)) for pattern in _INLINE_LINKS
                 for link in pattern.finditer(stripped)}
        for _start, target in sorted(found):
            yield number, target
        reference = _REFERENCE.match(stripped)
        if reference:
            yield number, reference.group(1)


def resolve(source_path: str, target: str) -> str | None:
    """The bundle path a relative link points to, or None for external and in-page links."""
    if not target or target.startswith(("#", "/", "?")) or _SCHEME.match(target):
        return None
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_path), target))


def link_problems(path: str, text: str, first_line: int, files) -> list[tuple[int, str]]:
    """(line, message) for each link of ``path`` that leaves the bundle or finds no file."""
    problems = []
    for line, target in _targets(text, first_line):
        resolved = resolve(path, target)
        if resolved is None:
            continue
        if resolved.startswith("../") or resolved == "..":
            problems.append((line, f"link leaves the bundle: {target}"))
        elif resolved not in files:
            problems.append((line, f"link to a missing file: {target}"))
    return problems
