import io
from datetime import date, timedelta

from institute.training import services as training

from ..builders import MOTIVATION, committed, create_course, create_session, enrol
from ..conftest import login

APPLY = {"motivation": MOTIVATION, "passport_name": "Test Fellow"}

TODAY = date.today()


def session_with_course(app, seats=2):
    with committed(app):
        return create_session(seats=seats, courses=[create_course(slug="dldd", quiz=False).course]).id


def test_cycle_through_the_pages(app, make_user):
    make_user(email="admin@example.org", roles="admin")
    admin = app.test_client()
    login(admin, "admin@example.org")
    with committed(app):
        create_course(slug="dldd", quiz=False)
    response = admin.post("/admin/sessions/new", data={
        "title": "Kubuqi 2026", "year": "2026", "sequence": "1", "seats": "2", "place": "Kubuqi",
        "starts_on": str(TODAY + timedelta(days=30)), "ends_on": str(TODAY + timedelta(days=40)),
        "applications_open": str(TODAY - timedelta(days=1)),
        "applications_close": str(TODAY + timedelta(days=20)), "courses": ["dldd"]})
    assert response.status_code == 302
    session_id = int(response.headers["Location"].split("/")[3])
    assert "Kubuqi 2026" in app.test_client().get("/sessions").get_data(as_text=True)

    fellows = []
    for i in range(3):
        make_user(email=f"f{i}@example.org", name=f"Fellow {i}")
        client = app.test_client()
        login(client, f"f{i}@example.org")
        applied = client.post(f"/sessions/{session_id}/apply", data={
            "motivation": MOTIVATION, "country": "KG", "institution": "UCA", "passport_name": "Test Fellow"})
        assert applied.status_code == 302
        fellows.append(client)
    again = fellows[0].post(f"/sessions/{session_id}/apply", data=APPLY)
    assert again.status_code == 409 and "already applied" in again.get_data(as_text=True)

    with app.app_context():
        ids = [a.id for a in training.applications_of(training.get_session(session_id))]
    page = admin.post(f"/admin/sessions/{session_id}/applications",
                      data={"application": [str(i) for i in ids], "decision": "accept"},
                      follow_redirects=True).get_data(as_text=True)
    assert "The session is full: 2 seats left." in page
    admin.post(f"/admin/sessions/{session_id}/applications",
               data={"application": [str(ids[0]), str(ids[1])], "decision": "accept"})
    admin.post(f"/admin/sessions/{session_id}/applications",
               data={"application": [str(ids[2])], "decision": "waitlist"})
    page = admin.get(f"/admin/sessions/{session_id}/applications").get_data(as_text=True)
    assert "0 of 2 seats left." in page

    dashboard = fellows[1].get("/dashboard").get_data(as_text=True)
    assert "0 of 2 modules done" in dashboard and "Next:" in dashboard
    confirm = fellows[1].get(f"/applications/{ids[1]}/withdraw").get_data(as_text=True)
    assert "offered to the next applicant on the waiting list" in confirm
    assert fellows[1].post(f"/applications/{ids[1]}/withdraw").status_code == 200  # not confirmed: asks
    with app.app_context():
        assert training.get_application(ids[1]).status == "accepted"
    assert fellows[1].post(f"/applications/{ids[1]}/withdraw", data={"confirmed": "1"}).status_code == 302
    with app.app_context():
        assert training.get_application(ids[2]).status == "accepted"

    cohort = admin.get(f"/sessions/{session_id}/cohort").get_data(as_text=True)
    assert "<svg" in cohort and "Fellow 0" in cohort and "Fellow 2" in cohort
    outbox = admin.get("/admin/outbox").get_data(as_text=True)
    assert "A seat is free for you" in outbox


def test_trainee_cannot_see_cohort_or_another_fellows_progress(app, make_user):
    session_id = session_with_course(app)
    with committed(app):
        session = training.get_session(session_id)
        a = enrol(session, email="a@example.org")
        enrol(session, email="b@example.org")
    b_client = app.test_client()
    login(b_client, "b@example.org")
    assert b_client.get(f"/sessions/{session_id}/cohort").status_code == 403
    assert b_client.get(f"/sessions/{session_id}/fellows/{a.id}").status_code == 403
    a_client = app.test_client()
    login(a_client, "a@example.org")
    assert a_client.get(f"/sessions/{session_id}/fellows/{a.id}").status_code == 200
    make_user(email="t@example.org", roles="instructor")
    teacher = app.test_client()
    login(teacher, "t@example.org")
    assert teacher.get(f"/sessions/{session_id}/cohort").status_code == 403  # not teaching it
    assert teacher.get(f"/sessions/{session_id}/fellows/{a.id}").status_code == 403


def test_enrol_page_names_the_bad_line(app, make_user):
    session_id = session_with_course(app, seats=10)
    make_user(email="admin@example.org", roles="admin")
    admin = app.test_client()
    login(admin, "admin@example.org")
    bad = "email,name,country,partner\nok@example.org,OK,KG,\nbad@example.org,Bad,Kyrgyzstan,\n"
    response = admin.post(f"/admin/sessions/{session_id}/enrol", data={
        "file": (io.BytesIO(bad.encode()), "cohort.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "line 3" in response.get_data(as_text=True)
    good = bad.replace("Kyrgyzstan", "KG")
    response = admin.post(f"/admin/sessions/{session_id}/enrol", data={
        "file": (io.BytesIO(good.encode()), "cohort.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302


def test_set_password_link(app, client, make_user):
    make_user(email="admin@example.org", roles="admin")
    with committed(app):
        from institute.accounts.services import invite_user

        _user, token = invite_user("new@example.org", "New Fellow", country="PE")
    assert login(client, "new@example.org", "anything at all").status_code == 200  # no password yet
    page = client.get(f"/set-password/{token}")
    assert "New Fellow" in page.get_data(as_text=True)
    assert client.post(f"/set-password/{token}", data={"password": "short"}).status_code == 200
    response = client.post(f"/set-password/{token}", data={"password": "my new long password"})
    assert response.status_code == 302
    assert app.test_client().get(f"/set-password/{token}").status_code == 404  # used once
    assert login(app.test_client(), "new@example.org", "my new long password").status_code == 302
