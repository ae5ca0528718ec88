"""Reading offline in the browser: the web app manifest and the service worker's address.

The service worker (``static/sw.js``) is served from the site's root, so that its scope
covers every page; ``static/offline.js`` registers it on signed-in readers' pages only.
The pages work the same without either: these are an enhancement for browsers that run
scripts, never a condition for reading.
"""

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..i18n import text_direction

MANIFEST_TYPE = "application/manifest+json"
WORKER_FILE = "sw.js"
# The theme of style.css: its --accent and --sand.
THEME_COLOR = "#7a3e00"
BACKGROUND_COLOR = "#f6f1e7"


def manifest() -> dict:
    """The web app manifest, in the reader's language; everything on this host."""
    locale = str(get_locale())
    name = _("Global Desert Institute")
    return {
        "name": name,
        "short_name": name,
        "description": _("Kubuqi Global Desert Institute — training against desertification, land "
                         "degradation and drought."),
        "lang": locale,
        "dir": text_direction(locale),
        "id": "/",
        "start_url": url_for("home.dashboard"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any",
                   "type": "image/svg+xml", "purpose": "any"}],
    }


def worker_folder() -> str:
    return current_app.static_folder or ""
