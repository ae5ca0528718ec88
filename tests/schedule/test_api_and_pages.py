"""The schedule's routes (DESIGN §10 "Cohort life"): each role let in or refused,
errors that change nothing, and the pages an instructor and a fellow use."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from institute.extensions import db
from institute.schedule.models import Attendance, Event

from ..builders import committed, create_event, create_session, create_staff, create_user, enrol
from ..conftest import bearer, login

DAY = date.today() + timedelta(days=5)
START = datetime.combine(DAY, time(1), tzinfo=UTC)
BODY = {"title": "Sand fixation", "kind": "lecture", "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=3)).isoformat(), "place": "Hall A"}


@pytest.fixture
def world(app):
    with committed(app):
        instructor = create_user(email="teacher@example.org", roles="instructor")
        session = create_session(instructors=[instructor])
        enrol(session, email="fellow@example.org", name="Aigerim")
        enrol(session, email="second@example.org", name="Bakyt")
        enrol(create_session(title="Another", sequence=2), email="outsider@example.org")
        create_user(email="admin@example.org", roles="admin")
        create_user(email="other-teacher@example.org", roles="instructor")
        create_staff("UCA", email="staff@uca.example")
        event = create_event(session, author=instructor, starts_at=START)
        return {"session": session.id, "event": event.id}


def headers(client, who: str) -> dict:
    return bearer(client, who)


def test_instructors_and_admins_add_events_and_only_they(client, world):
    url = f"/api/v1/sessions/{world['session']}/events"
    for who in ("teacher@example.org", "admin@example.org"):
        response = client.post(url, headers=headers(client, who), json=BODY)
        assert response.status_code == 201, response.get_json()
        event = response.get_json()
        assert event["kind"] == "lecture" and event["sequence"] == 0 and event["url"].endswith(f"/events/{event['id']}")
    for who in ("fellow@example.org", "outsider@example.org", "staff@uca.example", "other-teacher@example.org"):
        assert client.post(url, headers=headers(client, who), json=BODY).status_code == 403, who
    assert client.post(url, json=BODY).status_code == 401
    assert client.post("/api/v1/sessions/999999/events", headers=headers(client, "admin@example.org"),
                       json=BODY).status_code == 404


def test_a_wrong_event_is_422_and_nothing_is_written(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/events"
    admin = headers(client, "admin@example.org")
    for body, field in (({**BODY, "kind": "party"}, "kind"),
                        ({**BODY, "ends_at": (START - timedelta(hours=1)).isoformat()}, "ends_at"),
                        ({**BODY, "starts_at": "tomorrow"}, "starts_at"),
                        ({**BODY, "title": ""}, "title")):
        response = client.post(url, headers=admin, json=body)
        assert response.status_code == 422
        assert field in [d["field"] for d in response.get_json()["error"]["details"]]
    with app.app_context():
        assert db.session.query(Event).count() == 1


def test_the_cohort_reads_the_schedule_and_strangers_do_not(client, world):
    url = f"/api/v1/sessions/{world['session']}/events"
    for who in ("fellow@example.org", "teacher@example.org", "admin@example.org"):
        response = client.get(url, headers=headers(client, who))
        assert response.status_code == 200 and [e["id"] for e in response.get_json()["events"]] == [world["event"]]
        assert client.get(f"/api/v1/events/{world['event']}", headers=headers(client, who)).status_code == 200
    for who in ("outsider@example.org", "staff@uca.example", "other-teacher@example.org"):
        assert client.get(url, headers=headers(client, who)).status_code == 403, who
        assert client.get(f"/api/v1/events/{world['event']}", headers=headers(client, who)).status_code == 403


def test_changing_and_cancelling_through_the_api(client, world):
    url = f"/api/v1/events/{world['event']}"
    teacher = headers(client, "teacher@example.org")
    assert client.patch(url, headers=headers(client, "fellow@example.org"), json={"place": "x"}).status_code == 403
    assert client.delete(url, headers=headers(client, "fellow@example.org")).status_code == 403
    changed = client.patch(url, headers=teacher, json={"place": "Hall B"})
    assert changed.status_code == 200 and changed.get_json()["place"] == "Hall B"
    assert changed.get_json()["sequence"] == 1
    assert client.patch(url, headers=teacher, json={"kind": "party"}).status_code == 422
    cancelled = client.delete(url, headers=teacher)
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled"] is True
    listed = client.get(f"/api/v1/sessions/{world['session']}/events", headers=teacher).get_json()["events"]
    assert listed[0]["cancelled"] is True  # kept, so calendars are told


def test_attendance_through_the_api(app, client, world):
    url = f"/api/v1/events/{world['event']}/attendance"
    teacher = headers(client, "teacher@example.org")
    body = {"attendance": {"fellow@example.org": "present", "second@example.org": "excused"}}
    for who in ("fellow@example.org", "outsider@example.org", "staff@uca.example", "other-teacher@example.org"):
        assert client.put(url, headers=headers(client, who), json=body).status_code == 403, who
        assert client.get(url, headers=headers(client, who)).status_code == 403, who
    response = client.put(url, headers=teacher, json=body)
    assert response.status_code == 200
    assert response.get_json()["attendance"] == {"fellow@example.org": "present", "second@example.org": "excused"}
    wrong = client.put(url, headers=teacher, json={"attendance": {"outsider@example.org": "present",
                                                                  "fellow@example.org": "absent"}})
    assert wrong.status_code == 422
    assert client.put(url, headers=teacher, json={"attendance": {"fellow@example.org": "late"}}).status_code == 422
    assert client.get(url, headers=teacher).get_json()["attendance"]["fellow@example.org"] == "present"
    with app.app_context():
        assert db.session.query(Attendance).count() == 2


def test_the_instructor_plans_and_takes_attendance_on_pages(app, client, world):
    login(client, "teacher@example.org")
    page = client.get(f"/sessions/{world['session']}/schedule")
    assert page.status_code == 200 and "Sand fixation" in page.get_data(as_text=True)
    created = client.post(f"/sessions/{world['session']}/events/new", data={
        "title": "Field trip: Dalate", "kind": "field-trip", "starts_at": f"{DAY.isoformat()}T07:00",
        "ends_at": f"{DAY.isoformat()}T18:00", "place": "Dalate Banner"})
    assert created.status_code == 302
    with app.app_context():
        trip = db.session.query(Event).filter_by(title="Field trip: Dalate").one()
    wrong = client.post(f"/sessions/{world['session']}/events/new", data={
        "title": "Backwards", "kind": "lecture", "starts_at": f"{DAY.isoformat()}T10:00",
        "ends_at": f"{DAY.isoformat()}T09:00"})
    assert wrong.status_code == 200 and "cannot end before it starts" in wrong.get_data(as_text=True)
    form = client.get(f"/events/{trip.id}/attendance").get_data(as_text=True)
    assert "Aigerim" in form and "Bakyt" in form
    with app.app_context():
        from institute.accounts.services import user_by_email

        fellow, second = user_by_email("fellow@example.org"), user_by_email("second@example.org")
    saved = client.post(f"/events/{trip.id}/attendance",
                        data={f"presence-{fellow.id}": "present", f"presence-{second.id}": "absent"})
    assert saved.status_code == 302
    assert "checked" in client.get(f"/events/{trip.id}/attendance").get_data(as_text=True)
    month = client.get(f"/sessions/{world['session']}/schedule?view=month&month={DAY:%Y-%m}")
    assert "Field trip: Dalate" in month.get_data(as_text=True)
    asked = client.get(f"/events/{trip.id}/cancel")
    assert asked.status_code == 200 and "Cancel the event" in asked.get_data(as_text=True)
    client.post(f"/events/{trip.id}/cancel", data={"confirmed": "1"})
    with app.app_context():
        assert db.session.get(Event, trip.id).cancelled_at is not None


def test_a_fellow_reads_the_schedule_and_their_record_but_does_not_plan(app, client, world):
    with committed(app):
        from institute.accounts.services import user_by_email
        from institute.schedule import services as schedule

        schedule.record_attendance(db.session.get(Event, world["event"]), {"fellow@example.org": "present"},
                                   user_by_email("admin@example.org"))
    login(client, "fellow@example.org")
    schedule_page = client.get(f"/sessions/{world['session']}/schedule").get_data(as_text=True)
    assert "Sand fixation" in schedule_page and "Add an event" not in schedule_page
    assert "present" in client.get(f"/events/{world['event']}").get_data(as_text=True)
    record = client.get(f"/sessions/{world['session']}/attendance/mine").get_data(as_text=True)
    assert "Present at 1 of 1 events (100%)" in record
    for url in (f"/sessions/{world['session']}/events/new", f"/events/{world['event']}/edit",
                f"/events/{world['event']}/attendance", f"/events/{world['event']}/cancel"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/events/{world['event']}/cancel", data={"confirmed": "1"}).status_code == 403


def test_strangers_see_no_schedule_page(client, world):
    assert client.get(f"/sessions/{world['session']}/schedule").status_code in (302, 401)
    login(client, "outsider@example.org")
    assert client.get(f"/sessions/{world['session']}/schedule").status_code == 403
    assert client.get(f"/events/{world['event']}").status_code == 403
