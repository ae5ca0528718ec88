"""Template globals and filters shared by every page, and page skeletons."""

import re
import secrets
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from threading import Lock

from flask import Flask, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from .accounts.countries import country_name
from .i18n import direction_of, language_choices, text_direction


def navigation(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the main navigation for the user's roles."""
    items = [("home.index", _("Home"))]
    if user.is_authenticated:
        items.append(("home.dashboard", _("Dashboard")))
    items.append(("courses.catalogue", _("Courses")))
    items.append(("training.sessions", _("Sessions")))
    if user.is_authenticated and user.has_role("partner", "instructor", "admin"):
        items.append(("exchanges.index", _("Exchanges")))
    items.append(("accounts_admin.partners", _("Partners")))
    if user.has_role("admin"):
        items.append(("accounts_admin.users", _("Users")))
    return items


def init_templating(app: Flask) -> None:
    @app.context_processor
    def page_globals():
        locale = str(get_locale())
        # The user object itself: templates read it often, and each read of the
        # current_user proxy costs a context lookup.
        user = current_user._get_current_object()
        return {
            "user": user,
            "locale": locale,
            "text_direction": text_direction(locale),
            "navigation": navigation(user),
            "languages": language_choices(),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "today_year": date.today().year,
            "zone_name": lambda: str(get_timezone()),
        }

    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.filters["direction_of"] = direction_of
    app.jinja_env.filters["country_name"] = lambda code: country_name(code, str(get_locale()))
    app.jinja_env.filters["date"] = day
    app.jinja_env.filters["datetime"] = moment
    # A schedule's words: a day in full, its month and weekday, a time without seconds.
    app.jinja_env.filters["date_full"] = lambda value: format_date(value, "full")
    app.jinja_env.filters["month_name"] = lambda value: format_date(value, "LLLL y")
    app.jinja_env.filters["weekday"] = lambda value: format_date(value, "EEEE")
    app.jinja_env.filters["weekday_short"] = lambda value: format_date(value, "EEE")
    app.jinja_env.filters["time"] = lambda value: format_time(value, "short")
    app.jinja_env.filters["datetime_short"] = lambda value: \
        f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
    app.jinja_env.filters["local_date"] = lambda value: to_user_timezone(value).date()


# A page skeleton is a page rendered once with holes where it differs from one
# request to the next (the CSRF token, the reader's name, per-reader marks), kept
# per worker and filled by joining strings: the hot reading pages then cost no
# template rendering at all. A hole is a mark no content can contain: it carries a
# secret drawn when the process starts, and private-use characters that escaping
# leaves alone.
_MARK = secrets.token_hex(8)
_NAME = re.compile(r"[\w-]+")
_HOLE = re.compile("\ue000" + _MARK + r":([\w-]+)\ue001")


# Letters of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def bdi(value) -> Markup:
    """The network's own words — a person's name, a title, an email, a code — isolated
    from the sentence they are put in (``_("Welcome, %(name)s.", name=user.name|bdi)``):
    a Latin name keeps its order in an Arabic sentence, an Arabic one in an English
    sentence, and neither moves the punctuation around it. Where the two directions
    cannot meet (a left-to-right page, a value without a right-to-left letter) the value
    is only escaped, so those pages are as they were. Escaped like any value."""
    locale = get_locale()
    if _RIGHT_TO_LEFT.search(str(value)) or (locale is not None and locale.text_direction == "rtl"):
        return Markup("<bdi>{}</bdi>").format(value)
    return escape(value)


def day(value) -> str:
    """A date in the reader's locale; an ISO date string too (as JSON-shaped results carry)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value)


def moment(value) -> str:
    """A date and time in the reader's time zone, named: "2 Dec 2026, 14:05:00 (Asia/Shanghai)"."""
    if not value:
        return ""
    return f"{format_datetime(value)} ({get_timezone()})"


def hole(name: str) -> Markup:
    """The mark of a hole named ``name`` (letters, digits, ``_`` and ``-``)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a hole name: {name!r}")
    return Markup("\ue000{}:{}\ue001").format(_MARK, name)


class NamedByHole:
    """The user, as a skeleton sees them: everything but the name, which is a hole."""

    name = hole("name")

    def __init__(self, user):
        self._user = user

    def __getattr__(self, attribute):
        return getattr(self._user, attribute)


class Skeletons:
    """Rendered skeletons by key, the least recently used dropped past ``size``.

    The key must hold everything the render reads other than its holes."""

    def __init__(self, size: int = 256):
        self._size = size
        self._parts: OrderedDict = OrderedDict()
        self._lock = Lock()

    def page(self, key, render: Callable[[], str], values: dict[str, str]) -> str:
        with self._lock:
            parts = self._parts.get(key)
            if parts is not None:
                self._parts.move_to_end(key)
        if parts is None:
            parts = tuple(_HOLE.split(render()))  # text, hole name, text, …, text
            with self._lock:
                self._parts[key] = parts
                while len(self._parts) > self._size:
                    self._parts.popitem(last=False)
        filled = list(parts)
        filled[1::2] = [values[name] for name in parts[1::2]]
        return "".join(filled)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()


def skeletons_apply(app: Flask) -> bool:
    """Whether this request may be served from a skeleton: not when flashed messages
    wait to be shown (the base template shows them once), nor when switched off."""
    return app.config["PAGE_SKELETONS"] and "_flashes" not in session
