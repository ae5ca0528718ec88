"""Markdown is read as partners' tools write it: the CommonMark spec's examples and the
GFM spec's extension examples (tables, task lists, strikethrough, autolinks), rendered
by ``render()`` as modules are, pass at 90% or more.

Examples where we differ from the spec only as the sanitiser changes the spec's own
HTML (raw HTML, ``javascript:`` and other schemes) are counted apart. The examples we
fail are listed below with the reason; a new failure, or one that starts to pass,
changes the list on purpose. ``bench/markdown_conformance.py`` prints the figures
per section.
"""

import pytest

from institute.markdown import render, sanitise

from ..markdown_spec import COMMONMARK_SPEC, GFM_SUITE, MISSING, PASS, SANITISED, Tally, all_examples, outcome

# Where we knowingly read Markdown otherwise than the spec's example.
KNOWN_FAILURES = {
    # CommonMark leaves bare URLs and emails as text; GitHub's autolinks extension
    # (the design card's contract) links them.
    "CommonMark 608": "GFM autolinks: a bare URL is a link",
    "CommonMark 611": "GFM autolinks: a bare URL is a link",
    "CommonMark 612": "GFM autolinks: a bare email is a link",
    # GitHub's "disallowed raw HTML" shows these tags as text, where CommonMark passes them.
    "CommonMark 170": "GFM disallowed raw HTML: <script> shown as text",
    "CommonMark 171": "GFM disallowed raw HTML: <textarea> shown as text",
    "CommonMark 172": "GFM disallowed raw HTML: <style> shown as text",
    "CommonMark 173": "GFM disallowed raw HTML: <style> shown as text",
    "CommonMark 176": "GFM disallowed raw HTML: <style> shown as text",
    "CommonMark 178": "GFM disallowed raw HTML: <script> shown as text",
    # mdit-py-plugins' GFM autolinks stop an email's local part at "_".
    "GFM 632": "an email whose local part holds '_' is linked from after the '_'",
}


def _module_html(text: str) -> str:
    return render(text).html


@pytest.fixture(scope="module")
def outcomes():
    assert COMMONMARK_SPEC.exists() and GFM_SUITE.exists(), MISSING
    return {example.name.split(" (")[0]: (example, outcome(example, _module_html, sanitise))
            for example in all_examples()}


def test_the_spec_examples_pass_at_ninety_percent_or_more(outcomes):
    tallies: dict[str, Tally] = {}
    for example, result in outcomes.values():
        for key in (example.suite, "all"):
            tallies.setdefault(key, Tally()).add(result)
    every = {key: tally.counted + tally.sanitised for key, tally in tallies.items()}
    assert every["CommonMark"] == 652 and every["GFM"] == 28  # commonmark-spec 0.31.2, GFM 0.29
    for key, tally in tallies.items():
        assert tally.rate >= 0.9, f"{key}: {tally.passed}/{tally.counted}"


def test_the_failing_examples_are_the_known_ones(outcomes):
    failing = {name: example.markdown for name, (example, result) in outcomes.items()
               if result not in (PASS, SANITISED)}
    assert set(failing) == set(KNOWN_FAILURES), (
        "new failures: " + repr({n: failing[n] for n in set(failing) - set(KNOWN_FAILURES)})
        + "; now passing: " + repr(sorted(set(KNOWN_FAILURES) - set(failing))))


@pytest.mark.parametrize("source, expected", [
    ("- one\n  - nested by two spaces\n", "<ul>\n<li>one\n<ul>\n<li>nested by two spaces</li>"),
    ("A paragraph\n- a list right after\n", "<p>A paragraph</p>\n<ul>\n<li>a list right after</li>"),
    ("A paragraph\n| a | b |\n|---|---|\n| 1 | 2 |\n", "<p>A paragraph</p>\n<div class=\"table-wrap\""),
    ("- item\n\n  ```\n  code\n  ```\n", "<li>\n<p>item</p>\n<pre><code>code\n</code></pre>"),
    ("1) first\n2) second\n", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
    ("foo\\\nbar\n", "<p>foo<br>\nbar</p>"),
    ("~~strike~~\n", "<p><del>strike</del></p>"),
    ("- [ ] todo\n- [x] done\n", '<input class="task-list-item-checkbox" type="checkbox" disabled> todo'),
    ("- [x] done\n", '<input class="task-list-item-checkbox" type="checkbox" disabled checked> done'),
    ("See https://www.unccd.int/ now\n", '<a href="https://www.unccd.int/" rel="noopener noreferrer">'
                                         "https://www.unccd.int/</a> now"),
    ("See www.unccd.int.\n", '<a href="http://www.unccd.int" rel="noopener noreferrer">www.unccd.int</a>.'),
    ("```\n\tindented\tby tabs\n```\n", "<pre><code>\tindented\tby tabs\n</code></pre>"),
])
def test_what_partners_write_in_github_obsidian_or_typora(source, expected):
    assert expected in render(source).html
