"""Checks of single values that several services read from forms and JSON alike.

Each appends ``{field, message}`` to ``details`` and returns None when the value is
wrong, so a service reports every field at once and raises ``Invalid`` itself.
"""

from datetime import date

from flask_babel import gettext as _


def date_field(value, field: str, details: list[dict], required: bool = True) -> date | None:
    """A date (a ``date`` or ``YYYY-MM-DD``); empty is None, or an error when required."""
    if value in (None, ""):
        if required:
            details.append({"field": field, "message": _("A date is required.")})
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        details.append({"field": field, "message": _("Not a date (YYYY-MM-DD): %(v)s", v=value)})
        return None
