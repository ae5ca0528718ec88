"""The bundle's size limit is decided where the upload is read (``services.read_upload``):
the page and the API refuse a larger bundle with the same words."""

import io

from institute.courses import services
from institute.courses.bundle import write_zip
from institute.extensions import db

from ..builders import course_files, create_user
from ..conftest import bearer, login
from ..parity import api_refusal

TOO_LARGE = "The bundle is larger than 50 MB."


def test_a_bundle_over_the_limit_is_refused_alike(app, monkeypatch):
    with app.app_context():
        create_user(email="staff@uca.example", roles="partner", partner="UCA")
        db.session.commit()
    data = write_zip("big", course_files(partner="UCA"))
    monkeypatch.setattr(services, "MAX_TOTAL_BYTES", len(data) - 1)
    client = app.test_client()
    login(client, "staff@uca.example")
    page = client.post("/courses/upload", data={"bundle": (io.BytesIO(data), "big.zip")},
                       content_type="multipart/form-data")
    assert page.status_code == 200 and TOO_LARGE in page.get_data(as_text=True)
    api = client.post("/api/v1/courses", headers=bearer(client, "staff@uca.example"),
                      data={"bundle": (io.BytesIO(data), "big.zip")}, content_type="multipart/form-data")
    assert api_refusal(api) == (413, TOO_LARGE)
    monkeypatch.setattr(services, "MAX_TOTAL_BYTES", len(data))
    api = client.post("/api/v1/courses", headers=bearer(client, "staff@uca.example"),
                      data={"bundle": (io.BytesIO(data), "big.zip")}, content_type="multipart/form-data")
    assert api.status_code == 201, api.get_json()
