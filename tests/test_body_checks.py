"""The API's body check (api/schemas.py): fastjsonschema's fast answer "valid" is trusted
only where it can never be laxer than jsonschema's full check, whose problems a refused
body gets, word for word as before."""

import hypothesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from institute.api.schemas import BodyCheck, keywords_of, obj, problems, subschemas, validator
from institute.quizzes.api import ANSWER

ANSWERS = obj({"answers": {"type": "object", "maxProperties": 1000, "propertyNames": {"pattern": "^[0-9]{1,4}$"},
                           "additionalProperties": ANSWER}}, required=["answers"], additional=False)


def full_problems(schema: dict, data) -> list[dict]:
    """What the check said before the fast path: jsonschema alone."""
    return problems(BodyCheck(Draft202012Validator(schema, format_checker=FormatChecker())), data)


def body_schemas(client) -> dict[str, dict]:
    document = client.get("/api/v1/openapi.json").get_json()
    found = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                found[f"{method.upper()} {path}"] = body["schema"]
    return found


def test_the_answers_body_takes_the_fast_path_and_a_format_does_not():
    assert validator(ANSWERS).passes is not None
    assert validator(obj({"on": {"type": "string", "format": "date"}})).passes is None
    assert keywords_of(obj({"format": {"type": "string"}})) == {"type", "properties", "required"}


def test_a_valid_body_has_no_problem_and_a_refused_one_the_same_problems_as_before():
    check = validator(ANSWERS)
    good = {"answers": {"0": 2, "1": "dunes", "2": [0, 3], "3": True, "4": {"0": "a"}, "5": None, "6": 2.5}}
    assert problems(check, good) == [] == full_problems(ANSWERS, good)
    for bad in ({}, {"answers": []}, {"answers": {"x": 1}}, {"answers": {"1": "a\x00b"}}, {"answers": {}, "more": 1},
                {"answers": {"1": "x" * 50_001}}, {"answers": {"1": {"a": "b"}}}, {"answers": {"1": [[1]]}}):
        assert problems(check, bad) == full_problems(ANSWERS, bad) != []


def json_values(names: list[str]):
    """Any JSON value, with objects keyed mostly by the schema's own property names (so
    that many bodies come near to valid) and text with control characters and digits."""
    keys = st.sampled_from(names + ["0", "1", "12", "x"]) if names else st.text(max_size=5)
    leaves = (st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.sampled_from([0, 1, -1, 2**31])
              | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
              | st.sampled_from(["", "a\x00", "a\tb", "2026-12-08", "x@y.org", "a" * 300]))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                        max_leaves=12)


def property_names(schema) -> list[str]:
    return sorted({name for part in subschemas(schema) for name in part.get("properties", {})})


def test_the_fast_check_never_passes_what_the_full_check_refuses(client):
    schemas = body_schemas(client)
    assert len(schemas) >= 15
    fast = 0
    for route, schema in schemas.items():
        check = validator(schema)
        if check.passes is None:
            continue
        fast += 1
        agrees(route, check, property_names(schema))
    assert fast >= 5


def agrees(route: str, check: BodyCheck, names: list[str]) -> None:
    @hypothesis.settings(max_examples=150, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(json_values(names))
    def never_laxer(value):
        if check.passes(value):
            assert check.full.is_valid(value), f"{route}: the fast check passed {value!r}"

    never_laxer()


def test_a_refused_key_and_a_value_of_no_allowed_form_are_said_in_words():
    check = validator(ANSWERS)
    assert problems(check, {"answers": {"x": 1}}) == [
        {"field": "answers", "message": "has a key that is not allowed here: 'x'"}]
    assert problems(check, {"answers": {"0": {"a": [1, {"b": 2}]}}}) == [
        {"field": "answers.0", "message": "is not of any form this field takes"}]
