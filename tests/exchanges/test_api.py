from datetime import date, timedelta

from institute.extensions import db
from institute.training import services as training

from ..builders import MOTIVATION, create_quiz, create_session, create_user
from ..conftest import bearer
from .conftest import exchange_people

SOON = date.today() + timedelta(days=20)
PURPOSE = "Teach remote sensing for monitoring and share Sentinel-2 practicals."


def body(**extra):
    data = {"teacher": "teacher@uca.example", "home": "UCA", "host": "CICA", "starts_on": str(SOON),
            "ends_on": str(SOON + timedelta(days=10)), "courses": ["rs"], "purpose": PURPOSE}
    data.update(extra)
    return data


def test_full_life_through_the_api(app, client):
    exchange_people(app)
    home, host = bearer(client, "staff@uca.example"), bearer(client, "staff@cica.example")
    admin = bearer(client, "admin@gdi.example")
    created = client.post("/api/v1/exchanges", headers=home, json=body())
    assert created.status_code == 201 and created.get_json()["status"] == "proposed"
    exchange_id = created.get_json()["id"]
    decide = lambda who, d, **kw: client.post(f"/api/v1/exchanges/{exchange_id}/decision",  # noqa: E731
                                              headers=who, json={"decision": d, **kw})
    assert decide(host, "confirm").get_json()["status"] == "confirmed"
    assert decide(admin, "approve").get_json()["status"] == "approved"
    assert decide(home, "cancel").get_json()["status"] == "cancelled"
    detail = client.get(f"/api/v1/exchanges/{exchange_id}", headers=host).get_json()
    assert [h["to"] for h in detail["history"]] == ["proposed", "confirmed", "approved", "cancelled"]
    listed = client.get(f"/api/v1/exchanges?year={SOON.year}", headers=home).get_json()["exchanges"]
    assert [e["id"] for e in listed] == [exchange_id]
    assert client.get("/api/v1/exchanges", headers=bearer(client, "fellow@example.org")).get_json() == {
        "exchanges": []}


def test_refusals_change_nothing(app, client):
    exchange_people(app)
    home, host = bearer(client, "staff@uca.example"), bearer(client, "staff@cica.example")
    admin = bearer(client, "admin@gdi.example")
    fellow = bearer(client, "fellow@example.org")
    assert client.post("/api/v1/exchanges", headers=fellow, json=body()).status_code == 403
    reversed_ = client.post("/api/v1/exchanges", headers=home, json=body(ends_on=str(SOON - timedelta(days=2))))
    assert reversed_.status_code == 422
    assert reversed_.get_json()["error"]["details"][0]["field"] == "ends_on"
    unknown = client.post("/api/v1/exchanges", headers=home, json=body(courses=["no-such-course"]))
    assert unknown.status_code == 422
    # The host confirms; the home institution cannot confirm what it does not host.
    exchange_id = client.post("/api/v1/exchanges", headers=home, json=body()).get_json()["id"]
    assert client.post(f"/api/v1/exchanges/{exchange_id}/decision", headers=home,
                       json={"decision": "confirm"}).status_code == 403
    # Overlapping approval.
    second = client.post("/api/v1/exchanges", headers=home, json=body(
        starts_on=str(SOON + timedelta(days=5)), ends_on=str(SOON + timedelta(days=15)))).get_json()["id"]
    for eid in (exchange_id, second):
        client.post(f"/api/v1/exchanges/{eid}/decision", headers=host, json={"decision": "confirm"})
    client.post(f"/api/v1/exchanges/{exchange_id}/decision", headers=admin, json={"decision": "approve"})
    clash = client.post(f"/api/v1/exchanges/{second}/decision", headers=admin, json={"decision": "approve"})
    assert clash.status_code == 409
    assert client.get(f"/api/v1/exchanges/{second}", headers=admin).get_json()["status"] == "confirmed"
    listed = client.get("/api/v1/exchanges", headers=admin).get_json()["exchanges"]
    assert len(listed) == 2  # the refused proposals left nothing behind


def test_guest_teacher_grades_the_session_they_joined_and_no_other(app, client):
    exchange_people(app)
    with app.app_context():
        from institute.accounts.services import user_by_email
        from institute.exchanges import services as exchanges

        admin = user_by_email("admin@gdi.example")
        exchange = exchanges.propose(user_by_email("staff@uca.example"), "teacher@uca.example", "UCA", "GDI",
                                     SOON, SOON + timedelta(days=60), [], PURPOSE)
        quiz = create_quiz()
        course = quiz.revision.course
        # Before the exchange is approved, the teacher cannot be added.
        import pytest

        from institute.errors import Invalid

        with pytest.raises(Invalid):
            create_session(title="Joined", courses=[course.slug], instructors=["teacher@uca.example"],
                           starts_on=SOON + timedelta(days=10), ends_on=SOON + timedelta(days=40))
        exchanges.decide(exchange, "confirm", create_user(email="staff@gdi.example", roles="partner",
                                                          partner="GDI"))
        exchanges.decide(exchange, "approve", admin)
        exchange.starts_on = date.today() - timedelta(days=1)  # under way: the guest's rights last as long
        joined = create_session(title="Joined", courses=[course.slug], instructors=["teacher@uca.example"],
                                starts_on=SOON + timedelta(days=10), ends_on=SOON + timedelta(days=40))
        other = create_session(title="Other", sequence=2, courses=[course.slug],
                               starts_on=SOON + timedelta(days=10), ends_on=SOON + timedelta(days=40))
        fellows = {}
        for name, session in (("in", joined), ("out", other)):
            application = training.apply(session, create_user(email=f"{name}@example.org"), MOTIVATION)
            training.decide(application, "accept", admin)
            fellows[name] = application.user
        db.session.commit()
        quiz_id = quiz.id
    attempt_ids = {}
    for name in ("in", "out"):
        token = bearer(client, f"{name}@example.org")
        attempt_id = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=token).get_json()["id"]
        client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=token, json={"answers": {"3": "Essay."}})
        client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=token)
        attempt_ids[name] = attempt_id
    guest = bearer(client, "teacher@uca.example")
    grade = {"question": "3", "points": 1, "feedback": "Good."}
    assert client.post(f"/api/v1/attempts/{attempt_ids['in']}/grades", headers=guest, json=grade).status_code == 200
    assert client.post(f"/api/v1/attempts/{attempt_ids['out']}/grades", headers=guest, json=grade).status_code == 403
