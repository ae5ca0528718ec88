"""The Global Desert Institute e-training platform: the application factory."""

import os
from pathlib import Path

from flask import Flask

from . import config as settings
from .door import init_door
from .extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def before_fork(app: Flask) -> None:
    """In the process that built the app, before it forks its workers (gunicorn's
    ``preload_app``): compile every template once, so the workers share the compiled code
    instead of each compiling its own, serve the pages most visits start with once
    (``warm_up``), then move every object made so far out of the garbage collector's
    reach (``gc.freeze``), so that collections in the workers do not write to, and so
    copy, the pages they share with the master."""
    import gc

    from babel import Locale
    from flask import g
    from flask_babel import get_translations

    for name in app.jinja_env.list_templates(extensions=("html", "txt", "xml", "svg", "ics")):
        app.jinja_env.get_template(name)
    for language in app.config.get("LANGUAGES", ()):  # each catalogue once (a bare floor app has none)
        with app.test_request_context():
            get_translations()  # makes g._flask_babel
            g._flask_babel.babel_locale = Locale.parse(language)
            get_translations()
    if "sqlalchemy" in app.extensions:  # the app itself, not a bare floor app
        warm_up(app)
    gc.freeze()


# Pages anyone may ask for, which between them reach most of what every request uses.
WARM_UP = ("/", "/courses", "/login", "/verify/0", "/api/v1/courses", "/api/v1/openapi.json")


def warm_up(app: Flask) -> None:
    """Serve WARM_UP once, in the master: what each worker's first requests would build
    and keep (the ORM's configured mappers, compiled SQL, locale data, the OpenAPI
    document) is then built once and shared by all. Nothing is written; a page that
    fails (no database yet) is only logged. The master's connections are closed after."""
    import sqlalchemy as sa

    from .page_cache import clear as forget_kept_pages

    sa.orm.configure_mappers()
    client = app.test_client()
    for path in WARM_UP:
        try:
            status = client.get(path).status_code
        except Exception as exc:  # noqa: BLE001 - a warm-up never stops the server
            app.logger.warning("warm-up: GET %s failed: %s", path, exc)
            continue
        if status >= 500:
            app.logger.warning("warm-up: GET %s answered %s", path, status)
    forget_kept_pages()
    with app.app_context():
        db.engine.dispose()
    after_fork()  # the limiter's Redis connections too


def after_fork() -> None:
    """What a worker forked from the process that built the app must open anew (gunicorn's
    ``post_fork`` with ``preload_app``): database connections and the limiter's Redis
    connections, which must never be shared between processes."""
    from .database import after_fork as forget_database_connections

    forget_database_connections()
    client = getattr(getattr(limiter, "_storage", None), "storage", None)  # limits' Redis storage
    pool = getattr(client, "connection_pool", None)
    if pool is not None:
        pool.reset()


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then the environment, then tests."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment())
    if test_config:
        app.config.update(test_config)
    _finish_config(app)
    _trust_proxies(app)

    register_extensions(app)
    init_door(app)  # before the blueprints: their <int:…> routes take its converter
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def _finish_config(app: Flask) -> None:
    config = app.config
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = settings.database_uri(
            config.get("DATABASE_URL"), app.instance_path
        )
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = settings.instance_secret(app.instance_path, "secret_key")
    if app.debug or config.get("TESTING"):
        config["SESSION_COOKIE_SECURE"] = False
        config["REMEMBER_COOKIE_SECURE"] = False
    else:
        config.setdefault("REMEMBER_COOKIE_SECURE", True)
    if not config.get("BASE_URL"):
        if not (app.debug or config.get("TESTING")):
            # Links are never made from a request's Host header, which a client chooses.
            raise RuntimeError("Set BASE_URL (e.g. https://training.gdi.example): every emailed link, "
                               "certificate and credential is made from it.")
        config["BASE_URL"] = settings.LOCAL_BASE_URL
    if config.get("REDIS_URL") and config["RATELIMIT_STORAGE_URI"] == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]


def _trust_proxies(app: Flask) -> None:
    """Read the client's address from X-Forwarded-For, as set by that many proxies."""
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to wrap its WSGI app, though wsgi_app is a method to mypy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from .database import init_database
    from .i18n import select_locale, select_timezone
    from .page_cache import init_page_cache

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    init_database(app)
    init_page_cache(app)
    _import_models()


def _import_models() -> None:
    """Every domain's models, so the metadata is whole for Alembic and the tests."""
    from .accounts import models  # noqa: F401
    from .admissions import models as admission_models  # noqa: F401
    from .announcements import models as announcement_models  # noqa: F401
    from .assignments import models as assignment_models  # noqa: F401
    from .certificates import models as certificate_models  # noqa: F401
    from .courses import models as course_models  # noqa: F401
    from .discussion import models as discussion_models  # noqa: F401
    from .evaluation import models as evaluation_models  # noqa: F401
    from .exchanges import models as exchange_models  # noqa: F401
    from .notifications import models as notification_models  # noqa: F401
    from .page_cache import PageGeneration  # noqa: F401
    from .quizzes import models as quiz_models  # noqa: F401
    from .schedule import models as schedule_models  # noqa: F401
    from .training import models as training_models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from .accounts.admin_views import accounts_admin
    from .accounts.api import accounts_api
    from .accounts.views import accounts
    from .admissions.api import admissions_api
    from .admissions.offer_api import offers_api
    from .admissions.offer_views import offer_pages
    from .admissions.views import admissions
    from .announcements.api import announcements_api
    from .announcements.views import announcements
    from .api.openapi import openapi_api
    from .assignments.api import assignments_api
    from .assignments.views import assignments
    from .certificates.api import certificates_api
    from .certificates.views import certificates
    from .courses.api import courses_api
    from .courses.views import courses
    from .discussion.api import discussion_api
    from .discussion.views import discussion
    from .evaluation.api import evaluation_api
    from .evaluation.views import evaluation
    from .exchanges.api import exchanges_api
    from .exchanges.views import exchanges
    from .home.views import home
    from .notifications.views import notifications
    from .quizzes.api import quizzes_api
    from .quizzes.views import quizzes
    from .schedule.api import schedule_api
    from .schedule.views import schedule
    from .training.api import training_api
    from .training.views import training

    api_blueprints = (accounts_api, courses_api, training_api, admissions_api, quizzes_api, exchanges_api,
                      certificates_api, schedule_api, announcements_api, discussion_api, evaluation_api, offers_api,
                      assignments_api, openapi_api)
    for blueprint in (home, accounts, accounts_admin, courses, training, admissions, quizzes, exchanges, certificates,
                      notifications, schedule, announcements, discussion, evaluation, offer_pages,
                      assignments, *api_blueprints):
        app.register_blueprint(blueprint)
    for blueprint in api_blueprints:
        csrf.exempt(blueprint)  # the API authenticates by token, never by cookie


def register_errorhandlers(app: Flask) -> None:
    from .web import register_error_handlers, register_security_headers

    register_error_handlers(app)
    register_security_headers(app)


def register_commands(app: Flask) -> None:
    from .accounts.cli import users_cli
    from .admissions.cli import admissions_cli
    from .certificates.cli import certificates_cli
    from .courses.cli import courses_cli
    from .demo import demo_command
    from .discussion.cli import discussion_cli
    from .i18n_cli import translations_cli
    from .notifications.cli import notifications_cli
    from .training.cli import training_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(training_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(discussion_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(admissions_cli)
    app.cli.add_command(demo_command)


def register_template_helpers(app: Flask) -> None:
    from .static_files import init_static_files
    from .templating import init_templating

    init_templating(app)
    init_static_files(app)
