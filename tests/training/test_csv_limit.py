"""The enrolment CSV's size limit is the enrolment service's: the page and the API refuse a
larger file alike, and nothing is read past the limit (the page no longer cuts it short)."""

import io

from institute.extensions import db
from institute.training import enrolment

from ..builders import create_session, create_user
from ..conftest import bearer, login
from ..parity import api_refusal

TOO_LARGE = "The file is larger than 2 MB."


def test_a_csv_over_the_limit_is_refused_alike(app, monkeypatch):
    with app.app_context():
        create_user(email="admin@example.org", roles="admin")
        session_id = create_session().id
        db.session.commit()
    start = b"email,name,country,partner\na@example.org,A,KG,"
    data = start + b" " * (enrolment.MAX_BYTES - len(start)) + b"\n"  # a byte over the limit
    assert len(data) == enrolment.MAX_BYTES + 1
    client = app.test_client()
    login(client, "admin@example.org")
    page = client.post(f"/admin/sessions/{session_id}/enrol", data={"file": (io.BytesIO(data), "cohort.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 200 and TOO_LARGE in page.get_data(as_text=True)
    api = client.post(f"/api/v1/sessions/{session_id}/enrolments", data=data,
                      headers={**bearer(client, "admin@example.org"), "Content-Type": "text/csv"})
    assert api_refusal(api) == (413, TOO_LARGE)
    small = b"email,name,country,partner\na@example.org,A,KG,\n"
    monkeypatch.setattr(enrolment, "MAX_BYTES", len(small))
    at_the_limit = client.post(f"/admin/sessions/{session_id}/enrol", data={"file": (io.BytesIO(small), "a.csv")},
                               content_type="multipart/form-data")
    assert at_the_limit.status_code == 302


def test_a_field_past_the_csv_modules_limit_is_a_problem_with_its_line(ctx):
    from institute.errors import Invalid
    from institute.training.enrolment import check_csv

    from ..builders import create_session

    session = create_session()
    text = "email,name,country,partner\n" + "a@example.org," + "x" * 200_000 + ",KG,\n"
    try:
        problems = check_csv(session, text)
    except Invalid as exc:
        problems = exc.details
    assert problems and problems[0]["message"] == "This line cannot be read as CSV."
