"""Benchmark: importing 100 course bundles, then re-importing them unchanged.

Generates synthetic bundles in memory (10 modules of about 700 words each,
with headings, a table, a list and links; a course.md with front matter and
an overview; a 5-question GIFT quiz of mixed types), imports and publishes
them all into a fresh database, then imports the very same bundles again.
Re-importing unchanged content must create no revision, so it should cost a
small fraction of the first import: the first import is the floor.

Each course is imported in its own app context and its own ``transaction()``,
as one upload request would be (``--single-transaction`` puts all of a phase
in one, as ``flask courses import FOLDER`` does).

    .venv/bin/python bench/import.py [--postgres URL] [--courses 100] [--modules 10]

Prints figures; never asserts a timing. Exits 1 only if the re-import created
a revision (a correctness failure, not a timing).
"""

import random
import sys
import time

import sqlalchemy as sa
from _common import arguments, backend_label, bench_app, kb, machine_label, verdict

from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.courses.models import CourseRevision, Module
from institute.database import transaction
from institute.extensions import db

RATIO_TARGET = 0.1
SEED = 2026

WORDS = (
    "aridity drought dune sand wind erosion soil crust vegetation cover grazing pasture rangeland "
    "shrub grass saxaul tamarisk poplar seedling nursery irrigation salinity groundwater rainfall "
    "evapotranspiration runoff catchment terrace check dam straw grid shelterbelt windbreak oasis "
    "village herder farmer cooperative ministry policy indicator productivity carbon baseline "
    "monitoring satellite index field survey transect plot quadrat sample season year decade "
    "restoration rehabilitation degradation neutrality resilience livelihood income market "
    "community tenure water harvesting mulch compost fertility nitrogen root canopy height density "
    "survival rate cost hectare kilometre district province basin plateau steppe desert margin "
    "the a of and in on for with by to from that which is are was were be can should may often "
    "under over between across during after before within without along around near far high low"
).split()
TOPICS = ["land-restoration", "sand-control", "drought", "rangelands", "water-harvesting",
          "remote-sensing", "agroforestry", "policy", "soil-health", "livelihoods"]


def _sentence(rng: random.Random, low: int = 10, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random, words: int) -> str:
    sentences, count = [], 0
    while count < words:
        sentence = _sentence(rng)
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def _title(rng: random.Random, n: int = 4) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def module_markdown(rng: random.Random, course: int, position: int, title: str,
                    next_file: str | None) -> str:
    """About 700 words: a heading, three sections, a table, a list, a paragraph or two each."""
    parts = [
        "---", f"title: {title}", f"minutes: {rng.randint(30, 90)}", "---", "",
        f"# {title}", "",
        _paragraph(rng, 110), "",
        f"## {_title(rng, 3)}", "",
        _paragraph(rng, 120), "",
        _paragraph(rng, 90), "",
        "| Site | Rainfall (mm) | Cover (%) | Survival (%) |",
        "|---|---:|---:|---:|",
    ]
    for _ in range(6):
        parts.append(f"| {_title(rng, 2)} | {rng.randint(80, 450)} | {rng.randint(2, 60)} | "
                     f"{rng.randint(40, 98)} |")
    parts += [
        "", f"## {_title(rng, 3)}", "",
        _paragraph(rng, 120), "",
        *(f"- {_sentence(rng, 6, 12)}" for _ in range(4)), "",
        f"## {_title(rng, 2)}", "",
        _paragraph(rng, 110), "",
        f"> {_sentence(rng)} (course {course}, module {position})", "",
    ]
    if next_file:
        parts += [f"Continue with [the next module]({next_file}).", ""]
    return "\n".join(parts)


QUIZ = """\
// Synthetic quiz for {slug}: five questions of mixed types.

::Q1 Definition::Which statement best describes land degradation in drylands? {{
=A lasting loss of biological or economic productivity#Correct.
~Any dry season#No: a dry season is normal.
~The advance of a desert front#No: degradation occurs in patches.
~A year of low rainfall#No: that is a drought.
}}

::Q2 Straw grids::Straw checkerboards fix mobile sand by raising surface roughness. {{
T#Yes, they slow the wind near the ground.
}}

::Q3 Indicator::Name the SDG 15.3 indicator sub-indicator measured as soil organic carbon. {{
=carbon stocks
=carbon
=soil organic carbon
}}

::Q4 Aridity::A site receives {rain} mm of rain and 1200 mm of potential evapotranspiration.
What is its aridity index? {{#{ai}:0.005}}

::Q5 Match::Match each practice to what it mainly controls. {{
=Shelterbelt -> wind speed
=Check dam -> gully erosion
=Mulch -> soil evaporation
=Rotational grazing -> pasture pressure
}}
"""


def course_bundle(index: int, modules: int) -> Bundle:
    rng = random.Random(SEED * 1000 + index)
    slug = f"bench-{index:03d}"
    titles = [_title(rng, 4) for _ in range(modules)]
    names = [f"{n + 1:02d}-{'-'.join(t.lower().split()[:3])}-{n + 1}.md"
             for n, t in enumerate(titles)]
    files: dict[str, bytes] = {}
    for n, (name, title) in enumerate(zip(names, titles, strict=True)):
        next_file = names[n + 1] if n + 1 < len(names) else None
        files[name] = module_markdown(rng, index, n + 1, title, next_file).encode()
    rain = rng.randint(60, 600)
    files[f"quiz-{slug}.gift"] = QUIZ.format(slug=slug, rain=rain,
                                             ai=round(rain / 1200, 3)).encode()
    topics = rng.sample(TOPICS, 2)
    course_md = "\n".join([
        "---",
        f"title: Synthetic course {index:03d} on {_title(rng, 3).lower()}",
        "partner: GDI",
        "language: en",
        "license: CC-BY-4.0",
        f"authors: [{_title(rng, 2)}, {_title(rng, 2)}]",
        "version: 1.0.0",
        f"summary: {_paragraph(rng, 50)}",
        f"topics: [{', '.join(topics)}]",
        f"hours: {modules}",
        "quizzes:",
        f"  - file: quiz-{slug}.gift",
        "    title: Check your understanding",
        f"    after: {names[-1][:-3]}",
        "    pass_mark: 70",
        "    max_attempts: 2",
        "    shuffle: true",
        "---", "",
        f"# Synthetic course {index:03d}", "",
        _paragraph(rng, 80), "",
        "## Modules", "",
        *(f"{n + 1}. [{title}]({name})" for n, (name, title) in enumerate(zip(names, titles, strict=True))),
        "",
    ])
    files["course.md"] = course_md.encode()
    return Bundle(slug=slug, files=files)


def import_all(app, bundles: list[Bundle], single_transaction: bool) -> tuple[float, int]:
    """Seconds to import every bundle (published), and how many made a new revision."""
    created = 0
    start = time.perf_counter()
    if single_transaction:
        with app.app_context(), transaction():
            for bundle in bundles:
                created += import_bundle(bundle, None, publish=True).created
    else:
        for bundle in bundles:
            with app.app_context(), transaction():
                created += import_bundle(bundle, None, publish=True).created
    return time.perf_counter() - start, created


def count(app, column) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(column)))


def options(parser):
    parser.add_argument("--courses", type=int, default=100, help="bundles to generate (100)")
    parser.add_argument("--modules", type=int, default=10, help="modules per bundle (10)")
    parser.add_argument("--single-transaction", action="store_true",
                        help="one transaction per phase instead of one per course")


def main() -> None:
    args = arguments("Import N synthetic bundles, then re-import them unchanged.", options)
    started = time.perf_counter()
    t0 = time.perf_counter()
    bundles = [course_bundle(i, args.modules) for i in range(1, args.courses + 1)]
    generate_s = time.perf_counter() - t0
    warmup = course_bundle(0, args.modules)
    warmup.slug = "bench-warmup"
    n = len(bundles)
    files = sum(len(b.files) for b in bundles)
    size = sum(len(data) for b in bundles for data in b.files.values())

    with bench_app(args.postgres) as app:
        label = backend_label(app)
        import_all(app, [warmup], args.single_transaction)  # first-use costs, untimed
        first_s, first_created = import_all(app, bundles, args.single_transaction)
        before = count(app, CourseRevision.id)
        again_s, again_created = import_all(app, bundles, args.single_transaction)
        after = count(app, CourseRevision.id)
        with app.app_context():
            words = db.session.scalar(sa.select(sa.func.avg(Module.words)))
    total_s = time.perf_counter() - started

    ratio = again_s / first_s
    unchanged_ok = after == before and again_created == 0
    scope = "one transaction per phase" if args.single_transaction else \
        "one app context and transaction() per course"
    print(f"Course import: {n} synthetic bundles × {args.modules} modules, then again unchanged")
    print(f"  database     {label}")
    print(f"  machine      {machine_label()}")
    print(f"  bundles      {files} files, {kb(size)} of text ({kb(size // n)} per course; "
          f"modules average {words:.0f} rendered words), generated in memory in "
          f"{generate_s:.1f} s (untimed)")
    print(f"  method       import_bundle(bundle, None, publish=True), {scope}; "
          f"one warm-up course imported first (untimed)")
    print(f"  first import {first_s:7.2f} s   {first_s / n * 1000:7.1f} ms per course   "
          f"({first_created} new revisions)")
    print(f"  re-import    {again_s:7.2f} s   {again_s / n * 1000:7.1f} ms per course   "
          f"({again_created} new revisions)")
    print(f"  ratio        {ratio:.3f}   target ≤ {RATIO_TARGET}  -> {verdict(ratio, RATIO_TARGET)}")
    print(f"  unchanged    course revisions before re-import {before}, after {after}: "
          + ("OK, no revision created" if unchanged_ok else "FAILED, the re-import created revisions"))
    print(f"  run time     {total_s:.1f} s")
    if not unchanged_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
