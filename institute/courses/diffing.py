"""What changed between two sets of course files: the one diff computation, for the review
page (a draft against the published revision) and for adapted courses (a copy against its
source). It knows files only, as ``{path: bytes}``; no database, no request.

Each text file gives its unified-diff lines (``FileDiff.lines``, as ``diff -u`` prints them)
and rows to show (``FileDiff.rows``): a changed line that pairs with the line it replaced
carries its words split into kept, removed and added runs, so a page can mark the words
that changed inside the line.
"""

import difflib
import re
from dataclasses import dataclass, field

TEXT_SUFFIXES = (".md", ".gift", ".txt", ".csv", ".svg")
CONTEXT = 2  # unchanged lines kept around each change
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "del" or "ins"
    text: str


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "ctx", "del", "add" or "hunk"
    text: str
    old_number: int | None = None
    new_number: int | None = None
    segments: tuple[Segment, ...] = ()  # the words, for a changed line paired with its other half


@dataclass
class FileDiff:
    path: str
    status: str  # added, removed, changed
    lines: list[str]  # unified diff lines for text files, without the file header
    old_size: int = 0
    new_size: int = 0
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.path.endswith(TEXT_SUFFIXES)


def word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The words of a replaced line and of its replacement: (old's kept and removed runs,
    new's kept and added runs)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    before: list[Segment] = []
    after: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            before.append(Segment("same", "".join(a[i1:i2])))
            after.append(Segment("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            before.append(Segment("del", "".join(a[i1:i2])))
        if j2 > j1:
            after.append(Segment("ins", "".join(b[j1:j2])))
    return _joined(before, "del"), _joined(after, "ins")


def _joined(segments: list[Segment], changed: str) -> tuple[Segment, ...]:
    """Runs of changed words with only spaces between them read as one change."""
    out: list[Segment] = []
    for seg in segments:
        if out and seg.kind == changed and len(out) >= 2 and out[-1].kind == "same" \
                and not out[-1].text.strip() and out[-2].kind == changed:
            space = out.pop()
            out[-1] = Segment(changed, out[-1].text + space.text + seg.text)
        elif out and seg.kind == changed and out[-1].kind == changed:
            out[-1] = Segment(changed, out[-1].text + seg.text)
        else:
            out.append(seg)
    return tuple(out)


def text_rows(old: list[str], new: list[str], context: int = CONTEXT) -> list[DiffRow]:
    """The rows of a line diff, in hunks with ``context`` lines around each change; a block
    of removed lines replaced by added ones is paired line by line for word highlights."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        rows.append(DiffRow("hunk", f"@@ -{first[1] + 1},{last[2] - first[1]} "
                                    f"+{first[3] + 1},{last[4] - first[3]} @@"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                rows.extend(DiffRow("ctx", old[i], i + 1, j1 + k + 1)
                            for k, i in enumerate(range(i1, i2)))
                continue
            removed, added = list(range(i1, i2)), list(range(j1, j2))
            paired = min(len(removed), len(added)) if op == "replace" else 0
            words = [word_segments(old[removed[k]], new[added[k]]) for k in range(paired)]
            rows.extend(DiffRow("del", old[i], i + 1, None, words[k][0] if k < paired else ())
                        for k, i in enumerate(removed))
            rows.extend(DiffRow("add", new[j], None, j + 1, words[k][1] if k < paired else ())
                        for k, j in enumerate(added))
    return rows


def _lines(data: bytes | None) -> list[str]:
    return (data or b"").decode("utf-8", "replace").splitlines()


def diff_files(before: dict[str, bytes], after: dict[str, bytes]) -> list[FileDiff]:
    """Per-file differences from ``before`` to ``after`` (path → bytes), by path; files
    with the same bytes are left out."""
    diffs = []
    for path in sorted(set(before) | set(after)):
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        lines: list[str] = []
        rows: list[DiffRow] = []
        if path.endswith(TEXT_SUFFIXES):
            old, new = _lines(a), _lines(b)
            lines = list(difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}",
                                              lineterm="", n=CONTEXT))[2:]
            rows = text_rows(old, new)
        diffs.append(FileDiff(path, status, lines, len(a or b""), len(b or b""), rows))
    return diffs
