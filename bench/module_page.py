"""Benchmark: server time of a long module page, as a ratio to a bare Flask floor.

Imports and publishes the real courses of ``courses/`` into a fresh database,
logs a fellow in with Flask's test client and times
``GET /courses/<slug>/modules/<module>``. The floor, in the issue's words, is
"a bare Flask page that renders the same HTML": a bare Flask app, built in
this script, whose one route renders the module page's template with the
context the real view gave it (the same templates, translations and URLs; no
database, login, session or hooks) and must return the very same bytes. A
lower floor, one route returning those bytes without rendering, is printed
too. All are timed the same way, in alternating blocks, in this run. Also
prints the page weight and the SQL statements one request runs.

    .venv/bin/python bench/module_page.py [--postgres URL] [--show-queries]

Prints figures; never asserts a timing.
"""

import difflib
import gzip
import re
import time
from html.parser import HTMLParser

from _common import (
    ROOT,
    RenderedPage,
    arguments,
    backend_label,
    bench_app,
    count_statements,
    floor_app,
    kb,
    machine_label,
    median_ms,
    render_floor_app,
    spread_ms,
    timed,
    verdict,
)
from flask import Response

from institute.access import login_required, public
from institute.accounts.services import create_user
from institute.courses.bundle import find_bundles, read_path
from institute.courses.importing import import_bundle
from institute.database import transaction

COURSES = ROOT / "courses"
EMAIL, PASSWORD = "fellow@bench.example", "bench-fellow-password"
RULE = "/courses/<slug>/modules/<module>"
RATIO_TARGET = 1.5
WEIGHT_TARGET_KB = 60
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def options(parser):
    parser.add_argument("--slug", default="remote-sensing-monitoring", help="course slug")
    parser.add_argument("--module", default="remote-sensing-basics", help="module slug")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds (default 10)")
    parser.add_argument("--per-round", type=int, default=30,
                        help="requests per app per round (default 30)")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up requests per app")
    parser.add_argument("--show-queries", action="store_true",
                        help="print the SQL statements of one module page request")


def same_bytes_routes(app) -> dict:
    """Two routes of this very app that return the module page's bytes without doing
    anything else: what the app's own request handling costs before any page work,
    for an anonymous visitor and for the logged-in fellow (Flask-Login loads the user)."""
    served = {"html": b""}

    @public
    def same_bytes_public():
        return Response(served["html"], mimetype="text/html")

    @login_required
    def same_bytes_fellow():
        return Response(served["html"], mimetype="text/html")

    app.add_url_rule("/bench/same-bytes/public", view_func=same_bytes_public)
    app.add_url_rule("/bench/same-bytes/fellow", view_func=same_bytes_fellow)
    return served


def load_courses_and_fellow(app) -> list[str]:
    with app.app_context(), transaction():
        slugs = [import_bundle(read_path(path), None, publish=True).course.slug
                 for path in find_bundles(COURSES)]
        create_user(EMAIL, "Bench Fellow", PASSWORD, roles=("trainee",), country="KG")
    return slugs


class _Assets(HTMLParser):
    """Same-host stylesheets, icons, images and scripts a page makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = None
        if tag == "link" and {"stylesheet", "icon"} & set((attrs.get("rel") or "").split()):
            url = attrs.get("href")
        elif tag in ("img", "script"):
            url = attrs.get("src")
        if url and url.startswith("/") and not url.startswith("//") and url not in self.urls:
            self.urls.append(url)


def page_weight(client, html: bytes) -> tuple[int, list[tuple[str, int]]]:
    parser = _Assets()
    parser.feed(html.decode("utf-8"))
    assets = []
    for url in parser.urls:
        response = client.get(url)
        assets.append((url, len(response.get_data()) if response.status_code == 200 else 0))
        response.close()
    return len(html), assets


def over_the_wire(client, url: str, asset_urls: list[str]) -> dict:
    """(bytes, Content-Encoding[, Cache-Control]) of the page and its assets as the app sends
    them to a browser that accepts brotli and gzip (the app compresses: static_files.py)."""
    accept = {"Accept-Encoding": "br, gzip"}
    page = client.get(url, headers=accept)
    assets = []
    for asset in asset_urls:
        response = client.get(asset, headers=accept)
        assets.append((len(response.get_data()), response.headers.get("Content-Encoding", ""),
                       response.headers.get("Cache-Control", "")))
        response.close()
    return {"html": (len(page.get_data()), page.headers.get("Content-Encoding", "")), "assets": assets}


def without_token(html: bytes) -> bytes:
    """The page with its CSRF tokens blanked: they are signed anew each second."""
    return re.sub(rb'name="csrf_token" value="[^"]+"', b'name="csrf_token" value=""', html)


def same_as_page(body: bytes, html: bytes, what: str) -> None:
    if body != html:
        lines = difflib.unified_diff(html.decode().splitlines(), body.decode().splitlines(),
                                     "module page", what, lineterm="", n=1)
        raise SystemExit(f"{what} does not return the module page's bytes:\n"
                         + "\n".join(list(lines)[:30]))


def main() -> None:
    args = arguments("Server time of a long module page, as a ratio to a bare Flask floor.",
                     options)
    started = time.perf_counter()
    with bench_app(args.postgres) as app:
        served = same_bytes_routes(app)  # before the first request, as Flask wants
        t0 = time.perf_counter()
        slugs = load_courses_and_fellow(app)
        setup_s = time.perf_counter() - t0

        url = f"/courses/{args.slug}/modules/{args.module}"
        client = app.test_client()
        login = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        if login.status_code != 302:
            raise SystemExit(f"login failed: POST /login answered {login.status_code}")
        # The floor renders what the template is given when the page is rendered
        # in full, so catch that render, with the page's skeletons switched off.
        app.config["PAGE_SKELETONS"] = False
        with RenderedPage(app) as rendered:
            page = client.get(url)
        app.config["PAGE_SKELETONS"] = True
        same_as_page(without_token(client.get(url).get_data()), without_token(page.get_data()),
                     "the page from its skeleton")
        if page.status_code != 200:
            raise SystemExit(f"GET {url} answered {page.status_code}")
        html = page.get_data()
        token = re.search(rb'name="csrf_token" value="([^"]+)"', html)
        if rendered.template is None or token is None:
            raise SystemExit("the module page rendered no template, or carries no CSRF token")

        floor = render_floor_app(app, RULE, "courses.module", rendered,
                                 token.group(1).decode(), rendered.context["locale"])
        floor_client = floor.test_client()
        same_as_page(floor_client.get(url).get_data(), html, "the rendering floor")
        bytes_client = floor_app(RULE, html, page.content_type).test_client()
        same_as_page(bytes_client.get(url).get_data(), html, "the bytes floor")

        served["html"] = html
        anonymous = app.test_client()
        sides = {  # name: (client, url, times)
            "page": (client, url, []),
            "floor": (floor_client, url, []),
            "bytes": (bytes_client, url, []),
            "public": (anonymous, "/bench/same-bytes/public", []),
            "fellow": (client, "/bench/same-bytes/fellow", []),
        }
        for which, path, _times in sides.values():
            timed(which, path, args.warmup)
        for round_ in range(args.rounds):  # alternate the order, to be fair to all
            order = list(sides.values())
            for which, path, into in (order if round_ % 2 == 0 else order[::-1]):
                into += timed(which, path, args.per_round)
        app_times, floor_times = sides["page"][2], sides["floor"][2]
        public_ms, fellow_ms = median_ms(sides["public"][2]), median_ms(sides["fellow"][2])
        overhead = count_statements(app, client, "/bench/same-bytes/fellow")

        statements = count_statements(app, client, url)
        html_bytes, assets = page_weight(client, html)
        wire = over_the_wire(client, url, [u for u, _size in assets])
        label = backend_label(app)
    total_s = time.perf_counter() - started

    queries = [s for s in statements if not s.upper().startswith(TRANSACTION_CONTROL)]
    control = len(statements) - len(queries)
    app_ms, floor_ms = median_ms(app_times), median_ms(floor_times)
    bytes_ms = median_ms(sides["bytes"][2])
    ratio = app_ms / floor_ms
    assets_bytes = sum(size for _, size in assets)
    total_bytes = html_bytes + assets_bytes
    asset_list = ", ".join(f"{u.rsplit('/', 1)[-1]} {kb(s)}" for u, s in assets) or "none"
    n = args.rounds * args.per_round

    print(f"Module page: GET {url}")
    print(f"  database     {label}; imported {len(slugs)} courses ({', '.join(slugs)}) "
          f"in {setup_s:.1f} s")
    print(f"  machine      {machine_label()}")
    print(f"  method       Flask test client, time.perf_counter around client.get; "
          f"{n} requests each in {args.rounds} alternating rounds of {args.per_round}, "
          f"after {args.warmup} warm-up; logged in as a fellow")
    print(f"  module page  median {app_ms:7.3f} ms  ({spread_ms(app_times)})")
    print(f"  floor        median {floor_ms:7.3f} ms  ({spread_ms(floor_times)})  "
          f"bare Flask app rendering the same {kb(html_bytes)} from the same templates")
    print(f"  ratio        {ratio:.2f}   target ≤ {RATIO_TARGET}  -> {verdict(ratio, RATIO_TARGET)}")
    print(f"  bytes floor  median {bytes_ms:7.3f} ms  ({spread_ms(sides['bytes'][2])})  "
          f"bare Flask app returning those bytes without rendering: "
          f"the page is {app_ms / bytes_ms:.2f} × it")
    fellow_queries = len([q for q in overhead if not q.upper().startswith(TRANSACTION_CONTROL)])
    print(f"  app alone    the same bytes from a route of this app: anonymous {public_ms:.3f} ms "
          f"({public_ms / bytes_ms:.2f} × the bytes floor), logged-in fellow {fellow_ms:.3f} ms "
          f"({fellow_ms / bytes_ms:.2f} ×, {fellow_queries} SQL quer"
          f"{'y' if fellow_queries == 1 else 'ies'}: the session's user)")
    print(f"  page weight  {kb(total_bytes)} = HTML {kb(html_bytes)} + {asset_list} "
          f"(uncompressed; HTML gzipped {kb(len(gzip.compress(html)))})   "
          f"target ≤ {WEIGHT_TARGET_KB} KB  -> {verdict(total_bytes / 1024, WEIGHT_TARGET_KB)}")
    caching = "; ".join(f"{u.rsplit('/', 1)[-1].split('?')[0]}: {c or 'none'}"
                        for u, (_s, _e, c) in zip([u for u, _ in assets], wire["assets"], strict=True))
    print(f"  over the wire  as the app sends it to a browser that accepts brotli: HTML "
          f"{kb(wire['html'][0])} ({wire['html'][1] or 'identity'}), assets "
          f"{kb(sum(size for size, _e, _c in wire['assets']))}; caching {caching}")
    control_kinds = ", ".join(sorted({s.split()[0] for s in statements if s not in queries}))
    print(f"  SQL queries  {len(queries)} per request"
          + (f" (+{control} transaction control: {control_kinds})" if control else ""))
    if args.show_queries:
        for number, statement in enumerate(statements, 1):
            print(f"    {number:2}. {statement[:160]}{'…' if len(statement) > 160 else ''}")
    print(f"  run time     {total_s:.1f} s")


if __name__ == "__main__":
    main()
