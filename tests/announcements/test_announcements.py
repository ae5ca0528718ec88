"""Announcements (DESIGN §10 "Cohort life"): the session's staff post, its people read,
each fellow gets one email in their language; Markdown sanitised like modules."""

import pytest
import sqlalchemy as sa

from institute.accounts.services import user_by_email
from institute.announcements import services as announcements
from institute.announcements.models import Announcement
from institute.errors import Forbidden
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import committed, create_session, create_staff, create_user, enrol
from ..conftest import bearer, login
from ..courses.test_markdown import HOSTILE

BODY = {"title": "Field trip on Thursday", "body": "The bus leaves at **7:00**.\n\n- water\n- a hat"}


@pytest.fixture
def world(app):
    with committed(app):
        instructor = create_user(email="teacher@example.org", roles="instructor", name="Li Wei")
        session = create_session(title="Kubuqi 2026", instructors=[instructor])
        enrol(session, email="fellow@example.org", name="Aigerim")
        french = enrol(session, email="amina@example.org", name="Amina")
        french.locale = "fr"
        enrol(create_session(title="Another", sequence=2), email="outsider@example.org")
        create_user(email="admin@example.org", roles="admin")
        create_user(email="other-teacher@example.org", roles="instructor")
        create_staff("UCA", email="staff@uca.example")
        return {"session": session.id}


def _outbox(app, kind="announcement"):
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                       .order_by(OutboxMessage.recipient)))


def test_the_staff_announce_and_each_fellow_gets_one_email_in_their_language(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/announcements"
    response = client.post(url, headers=bearer(client, "teacher@example.org"), json=BODY)
    assert response.status_code == 201, response.get_json()
    posted = response.get_json()
    assert "<strong>7:00</strong>" in posted["html"] and posted["author"] == "Li Wei"
    letters = _outbox(app)
    assert [m.recipient for m in letters] == ["amina@example.org", "fellow@example.org"]  # not the staff
    french, english = letters
    assert french.body.startswith("Bonjour Amina") and english.body.startswith("Hello Aigerim")
    assert "Field trip on Thursday" in english.subject and "Kubuqi 2026" in english.subject
    assert "The bus leaves at **7:00**." in english.body
    assert f"{app.config['BASE_URL']}/sessions/{world['session']}/announcements#announcement-" in english.body
    assert client.post(url, headers=bearer(client, "admin@example.org"), json=BODY).status_code == 201


def test_who_may_post_and_read(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/announcements"
    for who in ("fellow@example.org", "outsider@example.org", "staff@uca.example", "other-teacher@example.org"):
        assert client.post(url, headers=bearer(client, who), json=BODY).status_code == 403, who
    assert client.post(url, json=BODY).status_code == 401
    assert _outbox(app) == []
    client.post(url, headers=bearer(client, "teacher@example.org"), json=BODY)
    for who in ("fellow@example.org", "teacher@example.org", "admin@example.org"):
        listed = client.get(url, headers=bearer(client, who))
        assert listed.status_code == 200 and [a["title"] for a in listed.get_json()["announcements"]] == [BODY["title"]]
    for who in ("outsider@example.org", "staff@uca.example", "other-teacher@example.org"):
        assert client.get(url, headers=bearer(client, who)).status_code == 403, who
    assert client.get("/api/v1/sessions/999999/announcements",
                      headers=bearer(client, "admin@example.org")).status_code == 404


def test_an_empty_announcement_is_refused_and_nothing_is_sent(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/announcements"
    teacher = bearer(client, "teacher@example.org")
    for body in ({"title": "", "body": "x"}, {"title": "x", "body": ""}, {"title": "x"}):
        assert client.post(url, headers=teacher, json=body).status_code == 422, body
    with app.app_context():
        assert db.session.query(Announcement).count() == 0
    assert _outbox(app) == []


@pytest.mark.parametrize("source", HOSTILE)
def test_nothing_executable_survives_in_an_announcement(app, client, world, source):
    with committed(app):
        from institute.training.services import get_session

        announcements.post(get_session(world["session"]), user_by_email("teacher@example.org"), "Hostile",
                           f"Before\n\n{source}\n\nAfter")
    login(client, "fellow@example.org")
    for url in (f"/sessions/{world['session']}/announcements", f"/sessions/{world['session']}", "/dashboard"):
        page = client.get(url).get_data(as_text=True).lower()
        start = page.index("hostile")
        shown = page[start:start + 2000]
        for needle in ("<script", "onerror", "onload", "javascript:", "<iframe", "<object", "<embed",
                       "<form action=\"https://evil", "<style", "<meta http-equiv", "<svg", "<math"):
            assert needle not in shown, (url, source)


def test_the_cohort_reads_them_on_pages_and_only_the_staff_see_the_form(app, client, world):
    login(client, "teacher@example.org")
    page = client.get(f"/sessions/{world['session']}/announcements").get_data(as_text=True)
    assert "Write an announcement to the cohort" in page
    wrong = client.post(f"/sessions/{world['session']}/announcements", data={"title": "", "body": ""})
    assert wrong.status_code == 200 and "A title is required." in wrong.get_data(as_text=True)
    done = client.post(f"/sessions/{world['session']}/announcements", data=BODY)
    assert done.status_code == 302
    client.post("/logout")
    login(client, "fellow@example.org")
    for url in (f"/sessions/{world['session']}/announcements", f"/sessions/{world['session']}", "/dashboard"):
        page = client.get(url).get_data(as_text=True)
        assert "Field trip on Thursday" in page and "<strong>7:00</strong>" in page, url
    assert "Write an announcement" not in client.get(f"/sessions/{world['session']}/announcements").get_data(
        as_text=True)
    assert client.post(f"/sessions/{world['session']}/announcements", data=BODY).status_code == 403
    client.post("/logout")
    login(client, "outsider@example.org")
    assert client.get(f"/sessions/{world['session']}/announcements").status_code == 403
    assert "Field trip on Thursday" not in client.get(f"/sessions/{world['session']}").get_data(as_text=True)


def test_the_service_refuses_a_fellow(app, world):
    with app.app_context():
        with pytest.raises(Forbidden):
            announcements.announcements_for(world["session"], user_by_email("fellow@example.org"), "post")
