"""JSON Schema pieces the API routes declare, and the check of a body against them.

A route's ``body=`` schema states what the server enforces (types, lengths, ranges,
formats); the route decorator checks every request body against it once, so a
wrong type never reaches a service (422, one ``{field, message}`` per problem).
The services still check the rules. The same schemas are the OpenAPI document's.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker

from ..door import DB_INT_MAX

# What the door lets through in a JSON string: no NUL and no C0 control but tab, CR, LF.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
LINE_PATTERN = "^[^\\u0000-\\u001f]*$"  # one line: not even tab, CR or LF


def text(max_length: int, min_length: int = 0, **extra) -> dict:
    """Text of several lines (a motivation, a report)."""
    return {"type": "string", "minLength": min_length, "maxLength": max_length, "pattern": TEXT_PATTERN,
            **extra}


def line(max_length: int, min_length: int = 0, **extra) -> dict:
    """Text of one line (a name, a title, a code)."""
    return {"type": "string", "minLength": min_length, "maxLength": max_length, "pattern": LINE_PATTERN,
            **extra}


def enum_of(values: type[StrEnum]) -> dict:
    """One of an enumeration's values: the same list the database's CHECK holds."""
    return {"enum": [member.value for member in values]}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, required=(), additional: bool = True) -> dict:
    """An object; answers may grow new properties, request bodies say ``additional=False``."""
    schema: dict = {"type": "object", "properties": properties, "required": list(required)}
    if not additional:
        schema["additionalProperties"] = False
    return schema


def array(items: dict, max_items: int | None = None, **extra) -> dict:
    schema = {"type": "array", "items": items, **extra}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


ID = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}
COUNT = {"type": "integer", "minimum": 0}
EMAIL = {"type": "string", "format": "email", "minLength": 3, "maxLength": 254, "pattern": LINE_PATTERN}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
STRING = {"type": "string"}
QUERY_TEXT = line(500)  # a query string's text: the door refuses control characters there


def query_number(low: int, high: int = DB_INT_MAX) -> dict:
    """A whole number in the query, as ``door.query_int`` reads it: empty means not given."""
    return {"anyOf": [{"type": "integer", "minimum": low, "maximum": high}, {"const": ""}]}
SLUG = line(100, 1)
COUNTRY = {"type": "string", "pattern": "^([A-Za-z]{2})?$"}  # ISO 3166 alpha-2; unknown codes are 422
PARTNER_CODE = {"type": "string", "maxLength": 20, "pattern": "^[A-Za-z0-9-]*$"}


# The keywords whose meaning fastjsonschema (draft 7) and jsonschema (draft 2020-12) share,
# word for word. A schema that uses another (a format: their checks differ) is checked
# by jsonschema alone.
SHARED_KEYWORDS = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "enum", "const",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "maxProperties", "propertyNames", "description", "title"})


@dataclass(frozen=True)
class BodyCheck:
    """A body schema's check. ``full`` (jsonschema) lists every problem; ``passes``, code
    fastjsonschema generated from the same schema, only says whether there is one, ten
    times faster: a body it passes is valid for ``full`` too (it is never laxer on the
    keywords of SHARED_KEYWORDS), so only a refused body pays for the full list."""

    full: Draft202012Validator
    passes: Callable[[object], bool] | None = None


def validator(schema: dict) -> BodyCheck:
    Draft202012Validator.check_schema(schema)
    full = Draft202012Validator(schema, format_checker=FormatChecker())
    if not keywords_of(schema) <= SHARED_KEYWORDS:
        return BodyCheck(full)
    fast = fastjsonschema.compile({**schema, "$schema": "http://json-schema.org/draft-07/schema#"})

    def passes(data) -> bool:
        try:
            fast(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return BodyCheck(full, passes)


def subschemas(schema) -> Iterator[dict]:
    """The schema and every schema inside it, at any depth (a ``properties`` map is a map of
    schemas by property name, not a schema)."""
    if isinstance(schema, list):
        for part in schema:
            yield from subschemas(part)
    elif isinstance(schema, dict):
        yield schema
        for key, value in schema.items():
            yield from subschemas(list(value.values()) if key == "properties" else value)


def keywords_of(schema) -> set[str]:
    """Every keyword a schema uses, at any depth."""
    return {key for part in subschemas(schema) for key in part}


def problems(check: BodyCheck, data) -> list[dict]:
    """Each way ``data`` breaks the schema, as ``{field, message}``, in a stable order."""
    if check.passes is not None and check.passes(data):
        return []
    found = []
    for error in check.full.iter_errors(data):
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            found += [(_join(where, name), "is required") for name in missing]
        elif error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            found += [(_join(where, name), "is not a field of this request")
                      for name in error.instance if name not in known]
        else:
            found.append((where or "body", _message(error)))
    return [{"field": field, "message": message} for field, message in sorted(set(found))]


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


_TYPES = {"string": "a text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "array": "a list", "object": "an object", "null": "null"}


def _message(error) -> str:
    value, kind = error.validator_value, error.validator
    if "propertyNames" in error.schema_path:  # the instance is the key, not its value
        return f"has a key that is not allowed here: {str(error.instance)[:100]!r}"
    if kind == "anyOf":  # jsonschema's own text prints the value as Python
        return "is not of any form this field takes"
    if kind == "type":
        kinds: list[str] = value if isinstance(value, list) else [value]
        return "must be " + " or ".join(_TYPES.get(k, k) for k in kinds)
    messages = {
        "maxLength": f"must have at most {value} characters",
        "minLength": f"must have at least {value} characters",
        "maximum": f"must be at most {value}",
        "minimum": f"must be at least {value}",
        "maxItems": f"must have at most {value} entries",
        "minItems": f"must have at least {value} entries",
        "enum": "must be one of: " + ", ".join(str(v) for v in value) if isinstance(value, list) else "",
        "const": f"must be {value}",
        "format": f"must be a valid {value}",
        "pattern": "holds characters that are not allowed here",
        "uniqueItems": "must not repeat an entry",
        "maxProperties": f"must have at most {value} entries",
    }
    return messages.get(kind) or error.message[:200]
