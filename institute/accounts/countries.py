"""ISO 3166-1 alpha-2 country codes and their names, from the CLDR data Babel ships."""

from babel import Locale

_TERRITORIES = Locale("en").territories
# CLDR territories also hold regions ("001", "EU") and placeholders ("ZZ", "QO").
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}
COUNTRY_CODES = frozenset(
    code for code in _TERRITORIES if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def country_choices(locale: str = "en") -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the given language."""
    names = Locale.parse(locale).territories
    return sorted(((c, names.get(c, c)) for c in COUNTRY_CODES), key=lambda pair: pair[1])


def country_name(code: str | None, locale: str = "en") -> str:
    if not code:
        return ""
    return Locale.parse(locale).territories.get(code, code)
