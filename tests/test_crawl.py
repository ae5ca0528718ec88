"""Every GET route of the URL map, with the demo data, as a visitor and as each role:
no answer is a server error, whatever real or hostile value fills the URL; and every
form those pages hold, posted back with a hostile value in each field in turn."""

import re
from html.parser import HTMLParser

import pytest

from .conftest import login
from .demo_data import demo_values, load_demo, logged_in_clients

_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

# Values no route should choke on: the edges of integers, NUL, a lone surrogate, a long
# text, a path out of its folder.
HOSTILE = ["0", str(2**31), str(2**64), "9" * 400, "%00", "%ED%A0%80", "x" * 3000, "..%2F..%2Fetc%2Fpasswd"]
REAL_PER_RULE = 4  # a few rows each (fellows at different stages, each course), to keep it quick


def get_rules(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


def fill(rule, values: dict) -> str:
    return _ARGUMENT.sub(lambda m: str(values[m.group(2)]), rule.rule)


def urls_of(rule, contexts: list[dict]) -> list[str]:
    """The rule's URL with real values that belong together, then with each hostile value
    in each argument in turn (the others real)."""
    names = [name for _converter, name in _ARGUMENT.findall(rule.rule)]
    if not names:
        return [rule.rule]
    matching = [c for c in contexts if all(n in c for n in names)]
    merged = {}
    for context in reversed(contexts):
        merged.update(context)  # the first real value of each name
    missing = [n for n in names if n not in merged]
    assert not missing, f"{rule.rule}: no demo value for {missing}; add one in tests/demo_data.py"
    step = max(len(matching) // REAL_PER_RULE, 1)
    real = matching[::step][:REAL_PER_RULE] or [merged]
    urls = [fill(rule, values) for values in real]
    for name in names:
        urls += [fill(rule, {**real[0], name: value}) for value in HOSTILE]
    return urls


# WTForms' own deprecation warning, once per form built: thousands of lines saying nothing new.
quiet = pytest.mark.filterwarnings("ignore::DeprecationWarning:wtforms")


@quiet
def test_no_get_route_answers_a_server_error(app):
    token = load_demo(app)
    contexts = demo_values(app, token)
    clients = logged_in_clients(app, login)
    failures, requests = [], 0
    for rule in get_rules(app):
        for url in urls_of(rule, contexts):
            for who, client in clients.items():
                requests += 1
                try:  # TESTING propagates a view's exception instead of answering 500
                    status = client.get(url).status_code
                except Exception as exc:  # noqa: BLE001 - every failure is reported at the end
                    status = f"{type(exc).__name__}: {str(exc)[:80]}"
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{who} GET {url[:100]}: {status}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
    assert requests > 1000  # the crawl did reach the routes


# Too long for any column, too large for any integer, not a date, a bidi override, NUL.
HOSTILE_FIELDS = ["x" * 20_000, "9" * 40, "-1", "2026-99-99", "\u202e", "a\x00b"]


class _Forms(HTMLParser):
    """The POST forms of a page: their action and fields with the values the page gave."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action"), "fields": {}}
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None and attrs.get("name"):
            self._current["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


@quiet
def test_no_form_answers_a_server_error(app):
    token = load_demo(app)
    contexts = demo_values(app, token)
    clients = logged_in_clients(app, login)
    failures, posted = [], set()
    for rule in get_rules(app):
        if rule.rule.startswith("/api/"):
            continue
        for url in urls_of(rule, contexts)[:2]:  # the real values
            for who, client in clients.items():
                page = client.get(url)
                if page.status_code != 200 or page.mimetype != "text/html":
                    continue
                parser = _Forms()
                parser.feed(page.get_data(as_text=True))
                for form in parser.forms:
                    action = form["action"] or url
                    if action == "/logout" or (who, action) in posted:
                        continue  # the client stays logged in; each form once per role
                    posted.add((who, action))
                    for name in set(form["fields"]) - {"csrf_token"}:
                        for value in HOSTILE_FIELDS:
                            try:
                                status = client.post(action, data={**form["fields"], name: value}).status_code
                            except Exception as exc:  # noqa: BLE001 - every failure is reported at the end
                                status = f"{type(exc).__name__}: {str(exc)[:80]}"
                            if not isinstance(status, int) or status >= 500:
                                failures.append(f"{who} POST {action} {name}={value[:12]!r}: {status}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
    assert len({action for _who, action in posted}) > 25  # the forms were found
