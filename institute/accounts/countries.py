"""ISO 3166-1 alpha-2 country codes and their names, from the CLDR data Babel ships."""

from collections.abc import Mapping
from functools import lru_cache

from babel import Locale
from flask_babel import get_locale

# Babel types the keys of its data loosely (str | int | None); territories are keyed by code.
_TERRITORIES: Mapping[str, str] = Locale("en").territories
# CLDR territories also hold regions ("001", "EU") and placeholders ("ZZ", "QO").
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}
COUNTRY_CODES = frozenset(
    code for code in _TERRITORIES if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


@lru_cache(maxsize=64)
def _names(locale: str) -> Mapping[str, str]:
    """The territories' names in ``locale``: parsing a locale costs more than a cohort
    page's every other word, and the pages of a language ask for the same names."""
    return Locale.parse(locale).territories


def country_choices(blank: str | None = None, locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for a select, sorted by name in the page's language (or ``locale``),
    after a ``blank`` first choice when one is given."""
    names = _names(locale or str(get_locale()))
    choices = sorted(((c, names.get(c, c)) for c in COUNTRY_CODES), key=lambda pair: pair[1])
    return ([("", blank)] if blank is not None else []) + choices


def country_name(code: str | None, locale: str = "en") -> str:
    if not code:
        return ""
    return _names(locale).get(code, code)
