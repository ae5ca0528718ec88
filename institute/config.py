"""Configuration: defaults here, then ``instance/config.py``, then environment variables.

The test suite passes its own mapping last (see ``create_app``).
"""

import json
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

LANGUAGES = ("en", "ar", "es", "fr", "ru", "zh")  # the six of the UN system
LOCAL_BASE_URL = "http://127.0.0.1:5000"  # BASE_URL in debug and tests: `make run` serves here


class Defaults:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Session cookie: never readable by scripts; sent on top-level navigation only.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # relaxed to False in debug by create_app
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # also how long a login session is kept
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: forms left open stay valid
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024  # course bundles up to 50 MB plus multipart overhead
    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # werkzeug's scrypt: slow on purpose. Tests lower it to keep the suite fast.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    PASSWORD_MIN_LENGTH = 10
    API_TOKEN_DAYS = 30
    # Failed logins allowed per minute for one account, and for one address: far more, since a
    # training room (or every user, behind a proxy that is not trusted) shares one address.
    LOGIN_FAILURES_PER_MINUTE = 10
    LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE = 100
    # Asking for a password link sends an email: a classroom may all forget, a script may not spam.
    PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 60
    # How many reverse proxies in front of the app set X-Forwarded-For; 0 trusts none.
    PROXY_FIX_X_FOR = 0
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = "training@gdi.example"
    # Delivery runs outside requests (notifications/delivery.py): each SMTP step may take
    # this long; a failed message is tried again after MAIL_RETRY_FIRST seconds, twice as
    # long each time up to MAIL_RETRY_MAX, and given up after MAIL_MAX_ATTEMPTS failures
    # (about a day with these values).
    MAIL_TIMEOUT = 10
    MAIL_RETRY_FIRST = 120
    MAIL_RETRY_MAX = 6 * 3600
    MAIL_MAX_ATTEMPTS = 12
    MAIL_BATCH = 20  # messages a sender claims at a time, over one SMTP connection
    REDIS_URL = None
    # Where the platform is reached from outside: every link in an email, a certificate or a
    # credential. Required outside debug and testing (create_app refuses to start without it).
    BASE_URL = None
    USERS_PER_PAGE = 50
    # Serve the module page from a skeleton rendered once per worker (templating.py).
    PAGE_SKELETONS = True
    # Keep rendered pages per worker until anything they show changes (page_cache.py).
    KEPT_PAGES = True
    # With REDIS_URL, sessions with more fellows than this to certify are issued by a worker.
    CERTIFICATE_BACKGROUND_OVER = 50
    # Who signs the certificates, printed on their PDFs: each {"name", "title", "signature"?},
    # the signature the path of a PNG, JPEG or SVG image of it (read only from the paths
    # configured here). Set them in instance/config.py, or as JSON in the environment
    # (CERTIFICATE_SIGNATORIES='[{"name": "…", "title": "…"}]'). These are the demo's.
    CERTIFICATE_SIGNATORIES: list[dict] = [
        {"name": "Wang Lina", "title": "Director, Kubuqi Global Desert Institute"},
        {"name": "Samuel Okafor", "title": "Head of Training"},
    ]
    # The logo printed on certificates: the path of an SVG, PNG or JPEG image; None for the
    # institute's mark shipped with the code (institute/certificates/assets/logo.svg).
    CERTIFICATE_LOGO: str | None = None
    # Offers of seats (institute.admissions.offers): ``flask admissions remind-offers``
    # reminds a fellow this many days before the deadline to confirm.
    OFFER_REMINDER_DAYS = 3
    # Who signs invitation letters ({"name", "title", "signature"?}); None: the first of
    # CERTIFICATE_SIGNATORIES.
    INVITATION_SIGNATORY: dict | None = None
    # Which costs the institute covers, as the letter says them: {"en": "…", "zh": "…"} or
    # one text for every language; None: international travel, accommodation, meals and
    # training fees (institute.admissions.invitations.DEFAULT_COSTS).
    INVITATION_COSTS: dict | str | None = None
    # Compress responses (static_files.py); set COMPRESS_REGISTER=0 where a proxy compresses.
    COMPRESS_REGISTER = True
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500


# Environment variables that override configuration, with the type each is read as.
ENVIRONMENT: dict[str, Callable[[str], object]] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda v: v.lower() in ("1", "true", "yes"),
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": int,
    "MAIL_MAX_ATTEMPTS": int,
    "REDIS_URL": str,
    "BASE_URL": str,
    "PASSWORD_HASH_METHOD": str,
    "PROXY_FIX_X_FOR": int,
    "COMPRESS_REGISTER": lambda v: v.lower() in ("1", "true", "yes"),
    "KEPT_PAGES": lambda v: v.lower() in ("1", "true", "yes"),
    "CERTIFICATE_SIGNATORIES": json.loads,
    "CERTIFICATE_LOGO": str,
    "OFFER_REMINDER_DAYS": int,
    "INVITATION_SIGNATORY": json.loads,
    "INVITATION_COSTS": json.loads,
}


def from_environment() -> dict:
    """The settings given by environment variables, typed."""
    found = {}
    for name, kind in ENVIRONMENT.items():
        value = os.environ.get(name)
        if value:
            found[name] = kind(value)
    return found


def database_uri(url: str | None, instance_path: str) -> str:
    """SQLAlchemy URI for ``url``; SQLite in the instance folder when none is given."""
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "institute.sqlite")
    # Hosting platforms hand out postgres:// URLs; we always talk psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(instance_path: str, name: str, nbytes: int = 32) -> str:
    """A random secret kept in ``instance/<name>``, made on first use and never committed."""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()
