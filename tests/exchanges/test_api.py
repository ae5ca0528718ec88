from datetime import date, timedelta

import pytest

from institute.accounts.services import user_by_email
from institute.errors import Invalid

from ..builders import committed, create_exchange, create_quiz, create_session, enrol, move_exchange
from ..conftest import bearer

SOON = date.today() + timedelta(days=20)
PURPOSE = "Teach remote sensing for monitoring and share Sentinel-2 practicals."


def body(**extra):
    data = {"teacher": "teacher@uca.example", "home": "UCA", "host": "CICA", "starts_on": str(SOON),
            "ends_on": str(SOON + timedelta(days=10)), "courses": ["rs"], "purpose": PURPOSE}
    data.update(extra)
    return data


def test_full_life_through_the_api(app, client, exchange_people):
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


def test_refusals_change_nothing(app, client, exchange_people):
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


def test_guest_teacher_grades_the_session_they_joined_and_no_other(app, client, exchange_people):
    with committed(app):
        teacher = user_by_email("teacher@uca.example")
        exchange = create_exchange(teacher=teacher, home="UCA", host="GDI", starts_on=SOON, days=60)
        quiz = create_quiz()
        course = quiz.revision.course
        dates = {"starts_on": SOON + timedelta(days=10), "ends_on": SOON + timedelta(days=40)}
        with pytest.raises(Invalid):  # before the exchange is approved, the teacher cannot be added
            create_session(title="Joined", courses=[course], instructors=[teacher], **dates)
        move_exchange(exchange, "approved", admin=user_by_email("admin@gdi.example"))
        exchange.starts_on = date.today() - timedelta(days=1)  # under way: the guest's rights last as long
        joined = create_session(title="Joined", courses=[course], instructors=[teacher], **dates)
        other = create_session(title="Other", sequence=2, courses=[course], **dates)
        enrol(joined, email="in@example.org")
        enrol(other, email="out@example.org")
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
