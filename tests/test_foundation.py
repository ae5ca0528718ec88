"""The app's foundation: configuration, migrations, CLI, demo."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from institute import create_app
from institute.accounts import services
from institute.config import database_uri
from institute.demo import DEMO_PASSWORD, DEMO_USERS
from institute.extensions import db


def test_models_and_migrations_agree(ctx):
    # The test's own connection: on SQLite another one would wait for its write lock.
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def test_migrations_downgrade_and_upgrade_again(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app({"SECRET_KEY": "x", "BASE_URL": "https://training.example", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/w.db"},
                     instance_path=str(tmp_path))
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with app.app_context():
        db.engine.dispose()


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"BASE_URL": "https://training.example"}, instance_path=str(tmp_path))
    second = create_app({"BASE_URL": "https://training.example"}, instance_path=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/institute.sqlite"


def test_configuration_from_instance_file_and_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("MAIL_SERVER = 'from-file'\nUSERS_PER_PAGE = 7\n")
    monkeypatch.setenv("MAIL_SERVER", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/gdi")
    app = create_app({"SECRET_KEY": "x", "BASE_URL": "https://training.example"}, instance_path=str(tmp_path))
    assert app.config["USERS_PER_PAGE"] == 7
    assert app.config["MAIL_SERVER"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/gdi"


def test_database_uri_defaults_to_sqlite_in_instance():
    assert database_uri(None, "/srv/i") == "sqlite:////srv/i/institute.sqlite"
    assert database_uri("postgresql://x/y", "") == "postgresql+psycopg://x/y"


def test_cli_users_create(app, runner):
    result = runner.invoke(args=["users", "create", "Cli@Example.org", "--name", "Cli User",
                                 "--password", "long enough pw", "--role", "instructor",
                                 "--role", "partner", "--partner", "IMAU", "--country", "CN"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = services.user_by_email("cli@example.org")
        assert user.roles == {"instructor", "partner"} and user.partner.code == "IMAU"


def test_cli_users_create_reports_every_error(app, runner):
    result = runner.invoke(args=["users", "create", "bad", "--name", "X", "--password", "short",
                                 "--partner", "NOPE"])
    assert result.exit_code == 1
    assert "email" in result.output and "password" in result.output and "partner" in result.output
    with app.app_context():
        assert services.user_by_email("bad") is None


def test_demo_loads_every_role_once(app, runner):
    from institute.accounts.models import User

    def users():
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(User))

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    after_first = users()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert users() == after_first  # running it again adds nobody
    for email, *_ in DEMO_USERS:
        assert email in second.output
    with app.app_context():
        roles = set()
        for email, *_ in DEMO_USERS:
            roles |= services.authenticate(email, DEMO_PASSWORD).roles
        assert roles == {"trainee", "partner", "instructor", "admin"}


def test_demo_has_a_2026_cohort_of_12_at_different_stages(app, runner):
    from institute.training import services as training
    from institute.training.progress import cohort_progress

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        session = next(s for s in training.list_sessions() if s.year == 2026)
        fellows = cohort_progress(session)
        assert len(fellows) == 12
        assert len({f.modules_done for f in fellows}) >= 10
        assert len({f.application.country for f in fellows}) >= 10
        assert any(a.status == "waitlisted" for a in training.applications_of(session))
        assert any(s.year == 2027 and training.is_open(s) for s in training.list_sessions())
        # Quiz attempts at every stage.
        from institute.quizzes.attempts import pending_essays
        from institute.quizzes.models import Attempt

        assert any(f.completed for f in fellows)
        assert pending_essays(None)
        states = {(a.submitted, a.passed) for a in db.session.scalars(sa.select(Attempt))}
        assert {(False, None), (True, True), (True, False), (True, None)} <= states
        # Exchanges in every state, across several partners; a guest teacher in the cohort's session.
        from institute.exchanges.models import Exchange, ExchangeStatus

        exchanges = list(db.session.scalars(sa.select(Exchange)))
        assert {e.status for e in exchanges} == set(ExchangeStatus)
        assert len({e.home.code for e in exchanges} | {e.host.code for e in exchanges}) >= 6
        assert "mehmet.teacher@cica.example" in [u.email for u in session.instructors]
