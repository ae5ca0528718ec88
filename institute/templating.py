"""Template globals and filters shared by every page."""

from datetime import date

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .accounts.countries import country_name
from .i18n import language_choices, text_direction


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
        }

    app.jinja_env.filters["country_name"] = lambda code: country_name(code, str(get_locale()))
    app.jinja_env.filters["date"] = lambda value: format_date(value) if value else ""
    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value) if value else ""
