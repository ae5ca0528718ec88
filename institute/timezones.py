"""Each person's time zone: the one they chose, else their country's, else UTC.

Times are stored in UTC; pages and emails show them in the reader's zone, named
(``templating``'s ``datetime`` filter). A country with several zones gives the
first of the tz database's ``zone.tab`` (its most populous, mostly), or the
capital's where that is not so; the person can choose another on the profile.
"""

from functools import cache
from zoneinfo import available_timezones

import pytz

UTC = "UTC"
# Where zone.tab's first zone of a country is not where most of its people live.
CAPITAL_ZONES = {"RU": "Europe/Moscow", "BR": "America/Sao_Paulo", "AU": "Australia/Sydney",
                 "CA": "America/Toronto", "UZ": "Asia/Tashkent", "UA": "Europe/Kyiv"}


@cache
def all_timezones() -> frozenset[str]:
    # Only the canonical Area/City names people pick from, not aliases like "US/Pacific".
    return frozenset(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")))


def is_timezone(name: str | None) -> bool:
    return name == UTC or name in all_timezones()


def country_timezone(country: str | None) -> str:
    code = (country or "").upper()
    zones = [CAPITAL_ZONES[code]] if code in CAPITAL_ZONES else pytz.country_timezones.get(code, [])
    return next((zone for zone in zones if is_timezone(zone)), UTC)


def timezone_of(user) -> str:
    """The zone ``user``'s times are shown in (a visitor, or nobody, reads UTC)."""
    chosen = getattr(user, "timezone", None)
    if chosen and is_timezone(chosen):
        return chosen
    return country_timezone(getattr(user, "country", None))


def timezone_choices() -> list[tuple[str, str]]:
    return [(UTC, UTC)] + [(zone, zone.replace("_", " ")) for zone in sorted(all_timezones())]
