"""schemathesis over /api/v1/openapi.json, in-process, with the demo data and a token
for each role: no server error, and every answer is in its documented status, content
type and schema. Generated data is both valid (it reaches the services) and invalid
(it must be refused with a 4xx), with a fixed seed and a bounded number per operation."""

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from institute.demo import DEMO_PASSWORD

from .demo_data import LOGINS, demo_values, load_demo

EXAMPLES = 20  # per operation and generation mode: about 25 s a backend on two cores
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
# Our own bearer tokens stand in for the security scheme; query parameters the document does
# not name are ignored by design, so sending them proves nothing.
CONFIG = schemathesis.Config.from_dict({
    "seed": 2026, "generation": {"with-security-parameters": False, "allow-extra-parameters": False}})
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink],
    report_multiple_bugs=False,
)


def role_headers(app) -> dict[str, dict]:
    client = app.test_client()
    headers = {"visitor": {}}
    for role, email in LOGINS.items():
        response = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 201, response.get_json()
        headers[role] = {"Authorization": f"Bearer {response.get_json()['token']}"}
    return headers


def cases(operation, mode: GenerationMode, contexts: list[dict]):
    """Generated cases, half of them with the path holding real demo ids (a random id
    is almost never one), so that valid requests reach the services."""
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    real = [{n: c[n] for n in names} for c in contexts if names and all(n in c for n in names)]
    if not real or mode is GenerationMode.NEGATIVE and not operation.body and not operation.query:
        return generated  # nothing else to make invalid but the path
    return st.one_of(generated, st.sampled_from(real).flatmap(
        lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)))


def run_operation(operation, mode: GenerationMode, roles: dict, contexts: list[dict]) -> str | None:
    """Generate cases for one operation and send each as every role; the first failure, if any."""

    @SETTINGS
    @hypothesis.given(case=cases(operation, mode, contexts))
    def check(case):
        for headers in roles.values():
            # Schemathesis reads the WSGI answer as sent: ask for it uncompressed.
            case.call_and_validate(headers={**headers, "Accept-Encoding": "identity"}, checks=CHECKS)

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            return None  # only text in the query: nothing the document forbids to send
        raise
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is reported at the end
        return f"{operation.label} ({mode.value}): {type(exc).__name__}: {str(exc)[:1500]}"
    return None


def test_the_api_keeps_to_its_openapi_document(app):
    contexts = demo_values(app, load_demo(app))
    roles = role_headers(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = run_operation(operation, mode, roles, contexts)
            if failure:
                failures.append(failure)
    assert operations >= 30
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_every_answer_and_body_is_described(client):
    """Conformance means something only where the document states shapes and constraints."""
    document = client.get("/api/v1/openapi.json").get_json()
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                for media_type, content in response["content"].items():
                    if media_type == "application/json" and not content["schema"]:
                        vague.append(f"{method.upper()} {path} {status}")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and body["schema"].get("additionalProperties") is not False:
                vague.append(f"{method.upper()} {path}: its body may hold any field")
            for parameter in operation.get("parameters", []):
                if parameter["schema"].get("type") == "string" and "pattern" not in parameter["schema"]:
                    vague.append(f"{method.upper()} {path}: {parameter['name']} takes any text")
    assert vague == []


WRONG_VALUES = [{"an": "object"}, ["a", "list"], 12345, 1.5, "text", True, None]


def _wrong_value(schema: dict):
    """A value of a JSON type the field's schema does not allow, if there is one."""
    from jsonschema import Draft202012Validator

    check = Draft202012Validator(schema)
    return next((v for v in WRONG_VALUES if not check.is_valid(v)), Ellipsis)


def test_a_wrong_json_type_in_any_field_of_any_route_is_422(app, client, make_user):
    from institute.access import ANY_USER, PUBLIC
    from institute.api.openapi import openapi_path

    from .conftest import bearer

    headers = {}
    for role in ("trainee", "partner", "instructor", "admin"):
        make_user(email=f"types-{role}@example.org", roles=role, partner="GDI" if role == "partner" else None)
        headers[role] = bearer(client, f"types-{role}@example.org")
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if not meta or meta["body"] is None or meta["body_type"] != "application/json":
            continue
        access = view.access
        role = "admin" if access in (PUBLIC, ANY_USER) or "admin" in access else sorted(access)[0]
        url = openapi_path(rule.rule)[0].replace("{", "").replace("}", "")
        url = "/api/v1" + "/".join("1" if part.endswith("_id") or part == "number" else part
                                   for part in url.split("/"))
        method = next(iter(rule.methods - {"HEAD", "OPTIONS"}))
        for name, schema in meta["body"]["properties"].items():
            wrong = _wrong_value(schema)
            if wrong is Ellipsis:
                continue  # the field takes any JSON value
            response = client.open(url, method=method, headers=headers[role], json={name: wrong})
            checked += 1
            fields = [d.get("field") for d in response.get_json()["error"]["details"]] \
                if response.status_code == 422 else []
            if not any(field == name or str(field).startswith(name + ".") for field in fields):
                failures.append(f"{method} {url} {name}={wrong!r}: {response.status_code} {fields}")
        response = client.open(url, method=method, headers=headers[role], json=["not", "an", "object"])
        if response.status_code != 422:
            failures.append(f"{method} {url} with a list for a body: {response.status_code}")
    assert failures == []
    assert checked > 30
