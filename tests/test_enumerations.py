"""Each closed set of values is one StrEnum; the database's CHECK constraints and the
API's JSON Schemas are derived from it, and the migrations hold the same values."""

import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from institute import create_app
from institute.accounts.models import Partner, PartnerKind, Role, UserRole
from institute.accounts.services import partner_by_code
from institute.certificates.models import CertificateKind
from institute.database import utcnow
from institute.discussion.models import Delivery
from institute.evaluation.models import EvaluationKind
from institute.exchanges.models import Exchange, ExchangeDecision, ExchangeEvent, ExchangeStatus
from institute.extensions import NAMING_CONVENTION, db
from institute.schedule.models import EventKind, Presence
from institute.training.models import Application, ApplicationDecision, ApplicationStatus, QuestionKind

from .builders import create_session, create_user

STORED = {Role, PartnerKind, ApplicationStatus, ExchangeStatus, CertificateKind, EventKind, Presence, Delivery,
          EvaluationKind}
IN_THE_API = STORED | {ApplicationDecision, ExchangeDecision, QuestionKind}


def _quoted(sql: str) -> list[str]:
    """The string literals of a constraint's SQL, as either database gives it back."""
    return [value.replace("''", "'") for value in re.findall(r"'((?:[^']|'')*)'", sql)]


def _enum_checks():
    """(table, constraint name, enumeration) for each CHECK the models derive from an
    enumeration; the metadata's naming convention has named it already."""
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint) and "enum" in constraint.info:
                yield table.name, str(constraint.name), constraint.info["enum"]


def test_each_enumeration_is_checked_by_the_migrated_database(ctx):
    inspector = sa.inspect(db.session.connection())
    found = {}
    for table, name, values in _enum_checks():
        migrated = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        assert name in migrated, f"{name} is not in the migrated schema"
        # Order aside: PostgreSQL gives the list back as written, but the set is what counts.
        assert sorted(_quoted(migrated[name])) == sorted(member.value for member in values), name
        found[name] = values
    assert set(found.values()) == STORED
    # Named by the convention (ck_<table>_<name>), so later migrations can drop them by name.
    assert NAMING_CONVENTION["ck"] == "ck_%(table_name)s_%(constraint_name)s"
    assert set(found) == {"ck_user_roles_known_role", "ck_partners_known_kind", "ck_applications_known_status",
                          "ck_exchanges_known_status", "ck_exchange_events_known_from_status",
                          "ck_exchange_events_known_to_status", "ck_certificates_known_kind",
                          "ck_events_known_kind", "ck_attendance_known_presence",
                          "ck_discussion_subscriptions_known_delivery", "ck_evaluation_questions_known_kind"}


def _string_enums(node):
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            yield values
        for child in node.values():
            yield from _string_enums(child)
    elif isinstance(node, list):
        for child in node:
            yield from _string_enums(child)


def test_the_api_documents_each_enumeration_as_the_code_has_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    seen = set()
    for values in _string_enums(document):
        related = [e for e in IN_THE_API if set(values) & {m.value for m in e}]
        matching = [e for e in related if values == [m.value for m in e]]
        assert not related or matching, f"{values} is written by hand, not one of {related}"
        seen.update(matching)
    assert seen == IN_THE_API


def _refused(row, constraint: str) -> None:
    with pytest.raises(sa.exc.IntegrityError) as caught, db.session.begin_nested():
        db.session.add(row)
        db.session.flush()
    assert constraint in str(caught.value)


def test_the_database_refuses_a_value_it_does_not_know(ctx):
    fellow = create_user()
    session = create_session()
    home, host = partner_by_code("UCA"), partner_by_code("GDI")

    def exchange(**status):
        return Exchange(teacher_id=fellow.id, home_partner_id=home.id, host_partner_id=host.id,
                        starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 20), purpose="Teach a field course.",
                        **status)

    known = exchange()
    db.session.add_all([known, Application(session_id=session.id, user_id=fellow.id)])
    db.session.flush()
    db.session.add(ExchangeEvent(exchange_id=known.id, at=utcnow(), from_status=None,
                                 to_status=ExchangeStatus.PROPOSED))
    db.session.flush()  # the known values, and no status before the first, pass

    _refused(Application(session_id=create_session(sequence=2).id, user_id=fellow.id, status="pending"),
             "ck_applications_known_status")
    _refused(exchange(status="pending"), "ck_exchanges_known_status")
    _refused(ExchangeEvent(exchange_id=known.id, at=utcnow(), from_status="pending",
                           to_status=ExchangeStatus.CONFIRMED), "ck_exchange_events_known_from_status")
    _refused(ExchangeEvent(exchange_id=known.id, at=utcnow(), from_status=ExchangeStatus.PROPOSED,
                           to_status="pending"), "ck_exchange_events_known_to_status")
    _refused(UserRole(user_id=fellow.id, role="emperor"), "ck_user_roles_known_role")
    _refused(Partner(code="UZ-TSU", name="Tashkent State University", country="UZ", kind="castle"),
             "ck_partners_known_kind")
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(Application).where(Application.id.is_not(None)).values(status="pending"))


def test_checking_partner_kinds_on_sqlite_keeps_what_refers_to_partners(tmp_path):
    """SQLite adds a CHECK by rebuilding the table; the rows that refer to a partner must
    keep their reference (with foreign keys enforced, dropping the old table would set
    users' partner to NULL and refuse because of the courses), and enforcement is back on."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.sqlite'}"},
                     instance_path=str(tmp_path))
    before = "7c3e5a9d1f02"  # the revision before partner kinds were checked
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as connection:
            uca = connection.execute(sa.text("SELECT id FROM partners WHERE code = 'UCA'")).scalar()
            connection.execute(sa.text(
                "INSERT INTO users (email, name, partner_id, password_hash, active, session_version, created_at)"
                " VALUES ('staff@uca.example', 'Staff', :uca, 'x', 1, 1, CURRENT_TIMESTAMP)"), {"uca": uca})
            connection.execute(sa.text("INSERT INTO courses (slug, partner_id, created_at)"
                                       " VALUES ('dunes', :uca, CURRENT_TIMESTAMP)"), {"uca": uca})
        upgrade()
        downgrade(revision=before)
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT partner_id FROM users")).scalar() == uca
            assert connection.execute(sa.text("SELECT partner_id FROM courses")).scalar() == uca
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert "ck_partners_known_kind" in {c["name"] for c in sa.inspect(db.engine).get_check_constraints("partners")}
        db.engine.dispose()
