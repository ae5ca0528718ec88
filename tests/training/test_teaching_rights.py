"""Teaching a session gives rights over that session only, for the exchange's period;
reviewing and publishing courses stays with the institute's instructors and admins."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from institute.accounts.services import user_by_email
from institute.courses.services import get_course
from institute.exchanges.models import Exchange
from institute.extensions import db
from institute.training import services as training
from institute.training.models import TrainingSession

from ..builders import committed, create_course
from ..conftest import bearer, login

GUEST = "mehmet.teacher@cica.example"  # the demo's CICA teacher on an approved exchange at the institute
DEMO_PASSWORD = "kubuqi-demo-2026"


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with committed(app):
        create_course(slug="uca-draft", partner="UCA", publish=False,
                      author=user_by_email("partner@uca.example"))
        sessions = {s.year: s.id for s in db.session.scalars(sa.select(TrainingSession))}
        exchange_id = db.session.scalar(sa.select(Exchange.id).join(Exchange.teacher).where(
            Exchange.status == "approved", Exchange.teacher.has(email=GUEST)))
    return {"sessions": sessions, "exchange": exchange_id}


def test_the_demo_guest_teacher_holds_no_global_role(app, demo):
    with app.app_context():
        guest = user_by_email(GUEST)
        assert guest.roles == {"partner"}
        session = db.session.get(TrainingSession, demo["sessions"][2026])
        assert GUEST in [u.email for u in session.instructors]
        assert training.teaches(guest, session)


def test_the_guest_teacher_teaches_their_session_and_nothing_else(app, client, demo):
    guest = bearer(client, GUEST, DEMO_PASSWORD)
    taught, other = demo["sessions"][2026], demo["sessions"][2027]
    assert client.get(f"/api/v1/sessions/{taught}/cohort", headers=guest).status_code == 200
    assert client.get(f"/api/v1/sessions/{taught}/gradebook", headers=guest).status_code == 200
    assert client.get(f"/api/v1/sessions/{other}/cohort", headers=guest).status_code == 403
    assert client.get(f"/api/v1/sessions/{other}/gradebook", headers=guest).status_code == 403
    # Another institution's draft: neither published nor downloaded by the guest.
    assert client.post("/api/v1/courses/uca-draft/publish", headers=guest).status_code == 403
    assert client.get("/api/v1/courses/uca-draft/bundle", headers=guest).status_code in (403, 404)
    with app.app_context():
        assert get_course("uca-draft").published_revision_id is None

    login(client, GUEST, DEMO_PASSWORD)
    assert client.get(f"/sessions/{taught}/cohort").status_code == 200
    assert client.get(f"/sessions/{taught}/gradebook").status_code == 200
    assert client.get("/grading").status_code == 200
    assert client.get(f"/sessions/{other}/cohort").status_code == 403
    assert client.get("/courses/review").status_code == 403
    assert client.post("/courses/uca-draft/publish").status_code == 403
    assert f"/sessions/{taught}/cohort" in client.get("/dashboard").get_data(as_text=True)


def test_the_guest_teachers_rights_end_with_the_exchange(app, client, demo):
    taught = demo["sessions"][2026]
    guest = bearer(client, GUEST, DEMO_PASSWORD)
    with app.app_context():
        exchange = db.session.get(Exchange, demo["exchange"])
        exchange.ends_on = date.today() - timedelta(days=1)  # the exchange is over
        db.session.commit()
    assert client.get(f"/api/v1/sessions/{taught}/cohort", headers=guest).status_code == 403
    with app.app_context():
        exchange = db.session.get(Exchange, demo["exchange"])
        exchange.ends_on = date.today() + timedelta(days=5)
        exchange.status = "cancelled"
        db.session.commit()
    assert client.get(f"/api/v1/sessions/{taught}/cohort", headers=guest).status_code == 403
    login(client, GUEST, DEMO_PASSWORD)
    assert client.get("/grading").status_code == 403


def test_the_institutes_instructors_keep_reviewing_and_a_fellow_sees_no_cohort(app, client, demo):
    instructor = bearer(client, "instructor@gdi.example", DEMO_PASSWORD)
    assert client.post("/api/v1/courses/uca-draft/publish", headers=instructor).status_code == 200
    fellow = bearer(client, "fellow@gdi.example", DEMO_PASSWORD)
    assert client.get(f"/api/v1/sessions/{demo['sessions'][2026]}/cohort", headers=fellow).status_code == 403
    assert client.get(f"/api/v1/sessions/{demo['sessions'][2026]}/cohort").status_code == 401


def test_admins_may_choose_guest_teachers_on_the_session_form(app, client, demo):
    login(client, "admin@gdi.example", DEMO_PASSWORD)
    page = client.get(f"/admin/sessions/{demo['sessions'][2026]}/edit").get_data(as_text=True)
    assert GUEST in page and "instructor@gdi.example" in page
    assert "guest teacher from CICA" in page  # with the exchange's dates
    assert "gulnara.teacher@uca.example" not in page  # only proposed: not a teacher yet
    later = client.get(f"/admin/sessions/{demo['sessions'][2027]}/edit").get_data(as_text=True)
    assert GUEST not in later  # the exchange is over before the 2027 session starts
