"""Language of each request: the profile's choice, else the visitor's, else the browser's;
and its time zone: the profile's, else the country's, else UTC. How much of the interface
each language's catalogue translates (``flask translations coverage``)."""

from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request, session
from flask_login import current_user

from .timezones import UTC, timezone_of

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "zh": "中文", "ar": "العربية", "ru": "Русский"}


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


@dataclass(frozen=True)
class Coverage:
    """How much of the extracted messages (messages.pot) one language's catalogue says."""

    language: str
    total: int
    translated: int
    fuzzy: int
    empty: int  # untranslated, a plural form left blank, or missing from the catalogue

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def complete(self) -> bool:
        return self.translated == self.total and not self.fuzzy


def translations_dir() -> Path:
    return Path(current_app.root_path) / "translations"


def translation_coverage(directory: Path | None = None, languages=None) -> list[Coverage]:
    """Each language's coverage of ``messages.pot`` in ``directory`` (the app's translations):
    those offered (``LANGUAGES``, less the source language) and any other catalogue there.
    A fuzzy entry is not translated (gettext ignores it); nor is one with a blank form."""
    directory = directory or translations_dir()
    with (directory / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    keys = [(m.context, m.id) for m in template if m.id]
    source = current_app.config["BABEL_DEFAULT_LOCALE"]
    offered = [code for code in (languages or current_app.config["LANGUAGES"]) if code != source]
    on_disk = sorted(p.parent.parent.name for p in directory.glob("*/LC_MESSAGES/messages.po"))
    found = []
    for language in [*offered, *(code for code in on_disk if code not in offered)]:
        path = directory / language / "LC_MESSAGES" / "messages.po"
        catalog = None
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=language)
        translated = fuzzy = 0
        for context, msgid in keys:
            message = catalog.get(msgid, context=context) if catalog is not None else None
            if message is None:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                fuzzy += 1
            elif strings and all(strings):
                translated += 1
        found.append(Coverage(language, len(keys), translated, fuzzy, len(keys) - translated - fuzzy))
    return found
