"""ISO 3166-1 alpha-2 country codes and their names, from the CLDR data Babel ships."""

from collections.abc import Mapping

from babel import Locale
from flask_babel import get_locale

# Babel types the keys of its data loosely (str | int | None); territories are keyed by code.
_TERRITORIES: Mapping[str, str] = Locale("en").territories
# CLDR territories also hold regions ("001", "EU") and placeholders ("ZZ", "QO").
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}
COUNTRY_CODES = frozenset(
    code for code in _TERRITORIES if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def country_choices(blank: str | None = None, locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for a select, sorted by name in the page's language (or ``locale``),
    after a ``blank`` first choice when one is given."""
    names = Locale.parse(locale or str(get_locale())).territories
    choices = sorted(((c, names.get(c, c)) for c in COUNTRY_CODES), key=lambda pair: pair[1])
    return ([("", blank)] if blank is not None else []) + choices


def country_name(code: str | None, locale: str = "en") -> str:
    if not code:
        return ""
    return Locale.parse(locale).territories.get(code, code)
