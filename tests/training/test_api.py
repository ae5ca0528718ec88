from datetime import date, timedelta

import sqlalchemy as sa

from institute.extensions import db
from institute.notifications.delivery import deliver_due
from institute.notifications.models import OutboxMessage

from ..builders import MOTIVATION, committed, create_course
from ..conftest import bearer

APPLY = {"motivation": MOTIVATION, "passport_name": "Test Fellow"}

TODAY = date.today()


def session_body(**extra):
    body = {"title": "Desertification control 2026", "year": 2026, "sequence": 2, "seats": 2,
            "starts_on": str(TODAY + timedelta(days=30)), "ends_on": str(TODAY + timedelta(days=44)),
            "applications_open": str(TODAY - timedelta(days=1)),
            "applications_close": str(TODAY + timedelta(days=10)), "courses": ["dldd"]}
    body.update(extra)
    return body


def test_full_cycle_through_the_api_with_email(app, client, make_user, smtp):
    with committed(app):
        create_course(slug="dldd")
    make_user(email="admin@example.org", roles="admin")
    admin = bearer(client, "admin@example.org")
    response = client.post("/api/v1/sessions", headers=admin, json=session_body())
    assert response.status_code == 201
    session = response.get_json()
    assert session["seats"] == 2 and session["courses"] == ["dldd"]

    fellows = []
    for i in range(4):
        make_user(email=f"f{i}@example.org")
        headers = bearer(client, f"f{i}@example.org")
        applied = client.post(f"/api/v1/sessions/{session['id']}/applications", headers=headers,
                              json=APPLY)
        assert applied.status_code == 201 and applied.get_json()["status"] == "applied"
        fellows.append((headers, applied.get_json()["id"]))
    with app.app_context():
        deliver_due()  # mail leaves outside the request
    assert smtp.to("f0@example.org")[0]["Subject"].startswith("Application received")

    decide = lambda app_id, d: client.post(f"/api/v1/applications/{app_id}/decision",  # noqa: E731
                                           headers=admin, json={"decision": d})
    assert decide(fellows[0][1], "accept").get_json()["status"] == "accepted"
    assert decide(fellows[1][1], "accept").status_code == 200
    full = decide(fellows[2][1], "accept")
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "conflict"
    assert decide(fellows[2][1], "waitlist").get_json()["status"] == "waitlisted"
    assert decide(fellows[3][1], "waitlist").status_code == 200

    withdrawn = client.post(f"/api/v1/applications/{fellows[1][1]}/withdraw", headers=fellows[1][0])
    assert withdrawn.get_json()["status"] == "withdrawn"
    with app.app_context():
        deliver_due()
    promoted = smtp.to("f2@example.org")
    assert any("A seat is free" in m["Subject"] for m in promoted)
    assert not any("A seat is free" in m["Subject"] for m in smtp.to("f3@example.org"))

    make_user(email="teacher@example.org", roles="instructor")
    cohort = client.get(f"/api/v1/sessions/{session['id']}/cohort", headers=admin).get_json()
    assert sorted(f["email"] for f in cohort["fellows"]) == ["f0@example.org", "f2@example.org"]
    assert cohort["fellows"][0]["modules_total"] == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.sent_at.is_(None))) == 0


def test_applying_twice_outside_window_or_closed(app, client, make_user):
    make_user(email="admin@example.org", roles="admin")
    admin = bearer(client, "admin@example.org")
    make_user(email="f@example.org")
    fellow = bearer(client, "f@example.org")
    open_id = client.post("/api/v1/sessions", headers=admin, json=session_body(courses=[])).get_json()["id"]
    late_id = client.post("/api/v1/sessions", headers=admin, json=session_body(
        sequence=1, courses=[], applications_close=str(TODAY - timedelta(days=1)),
        applications_open=str(TODAY - timedelta(days=9)))).get_json()["id"]
    url = f"/api/v1/sessions/{open_id}/applications"
    assert client.post(url, headers=fellow, json=APPLY).status_code == 201
    assert client.post(url, headers=fellow, json=APPLY).status_code == 409
    late = client.post(f"/api/v1/sessions/{late_id}/applications", headers=fellow,
                       json=APPLY)
    assert late.status_code == 409
    short = client.post(f"/api/v1/sessions/{late_id}/applications", headers=fellow,
                        json={"motivation": "short"})
    assert short.status_code == 422  # the body's schema is checked before the window
    invalid = client.post("/api/v1/sessions", headers=admin, json={"title": ""})
    assert invalid.status_code == 422


def test_csv_enrolment_422_names_the_line(app, client, make_user):
    make_user(email="admin@example.org", roles="admin")
    admin = bearer(client, "admin@example.org")
    session_id = client.post("/api/v1/sessions", headers=admin,
                             json=session_body(courses=[], seats=40)).get_json()["id"]
    rows = ["email,name,country,partner"] + [f"p{i}@example.org,P {i},PE,UNALM" for i in range(30)]
    rows[12] = "p11@example.org,P 11,Peru,UNALM"
    response = client.post(f"/api/v1/sessions/{session_id}/enrolments", headers={
        **admin, "Content-Type": "text/csv"}, data="\n".join(rows))
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert [(d["file"], d["line"]) for d in details] == [("enrolment.csv", 13)]
    assert client.get(f"/api/v1/sessions/{session_id}", headers=admin).get_json()["seats_left"] == 40
    rows[12] = "p11@example.org,P 11,PE,UNALM"
    ok = client.post(f"/api/v1/sessions/{session_id}/enrolments",
                     headers={**admin, "Content-Type": "text/csv"}, data="\n".join(rows))
    assert ok.status_code == 201 and len(ok.get_json()["invited"]) == 30
    assert client.get(f"/api/v1/sessions/{session_id}", headers=admin).get_json()["seats_left"] == 10


def test_trainee_cannot_see_a_cohort_nor_decide(app, client, make_user):
    make_user(email="admin@example.org", roles="admin")
    make_user(email="f@example.org")
    make_user(email="other-teacher@example.org", roles="instructor")
    admin = bearer(client, "admin@example.org")
    session_id = client.post("/api/v1/sessions", headers=admin,
                             json=session_body(courses=[])).get_json()["id"]
    fellow = bearer(client, "f@example.org")
    assert client.get(f"/api/v1/sessions/{session_id}/cohort", headers=fellow).status_code == 403
    teacher = bearer(client, "other-teacher@example.org")
    assert client.get(f"/api/v1/sessions/{session_id}/cohort", headers=teacher).status_code == 403
    application = client.post(f"/api/v1/sessions/{session_id}/applications", headers=fellow,
                              json=APPLY).get_json()
    assert client.post(f"/api/v1/applications/{application['id']}/decision", headers=fellow,
                       json={"decision": "accept"}).status_code == 403
    make_user(email="f2@example.org")
    other = bearer(client, "f2@example.org")
    assert client.post(f"/api/v1/applications/{application['id']}/withdraw",
                       headers=other).status_code == 403
