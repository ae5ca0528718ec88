"""Language of each request: the profile's choice, else the visitor's, else the browser's;
and its time zone: the profile's, else the country's, else UTC."""

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_login import current_user

from .timezones import UTC, timezone_of

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "zh": "中文", "ar": "العربية"}


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    if session.get("locale") in supported:
        return session["locale"]
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The reader's time zone (a visitor reads UTC, labelled as such)."""
    if has_request_context() and current_user.is_authenticated:
        return timezone_of(current_user)
    return UTC


def text_direction(locale: str) -> str:
    """'rtl' for scripts written right to left (Arabic, Persian, Urdu…), else 'ltr'."""
    return Locale.parse(locale).text_direction


def direction_of(language: str | None) -> str:
    """The direction of a text in ``language`` as a course or a bundle names it ("ar",
    "en-GB", "zh_Hans"…): 'rtl' or 'ltr', and 'auto' (the browser decides from the
    text itself) for a language Babel does not know or none."""
    try:
        return Locale.parse((language or "").replace("-", "_")).text_direction
    except (ValueError, TypeError, LookupError):
        return "auto"


def language_choices() -> list[tuple[str, str]]:
    """The supported languages, each named in itself."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]
