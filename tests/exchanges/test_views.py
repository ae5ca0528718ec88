import io
import re
from datetime import date, timedelta

from ..builders import committed, create_exchange, create_staff
from ..conftest import login

SOON = date.today() + timedelta(days=20)


def client_for(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_propose_confirm_approve_complete_on_the_pages(app, exchange_people):
    home = client_for(app, "staff@uca.example")
    form = {"teacher": "teacher@uca.example", "host": "CICA", "starts_on": str(SOON),
            "ends_on": str(SOON + timedelta(days=9)), "courses": ["rs"],
            "purpose": "Teach remote sensing practicals with Sentinel-2 images.",
            "file": (io.BytesIO(b"%PDF-1.4 syllabus"), "syllabus.pdf")}
    response = home.post("/exchanges/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    url = response.headers["Location"]
    page = home.get(url).get_data(as_text=True)
    assert "syllabus.pdf" in page and "Confirm (host)" not in page
    host = client_for(app, "staff@cica.example")
    assert "Confirm (host)" in host.get(url).get_data(as_text=True)
    exchange_id = re.search(r"/exchanges/(\d+)", url).group(1)
    host.post(f"/exchanges/{exchange_id}/decision", data={"decision": "confirm"})
    admin = client_for(app, "admin@gdi.example")
    assert "Waiting for a decision" in admin.get("/exchanges").get_data(as_text=True)
    admin.post(f"/exchanges/{exchange_id}/decision", data={"decision": "approve"})
    page = admin.get(url).get_data(as_text=True)
    assert "approved" in page and page.count("<li>") >= 3
    year = admin.get(f"/exchanges/year/{SOON.year}").get_data(as_text=True)
    assert "<svg" in year and "CICA" in year
    stats = admin.get("/exchanges/statistics").get_data(as_text=True)
    assert "Kyrgyzstan" in stats and ("Türkiye" in stats or "Turkey" in stats)
    link = re.search(r'href="(/exchanges/\d+/files/\d+)"', page).group(1)
    download = home.get(link)
    assert download.data == b"%PDF-1.4 syllabus"
    assert download.headers["Content-Disposition"] == 'attachment; filename="syllabus.pdf"'
    assert client_for(app, "fellow@example.org").get(link).status_code == 403


def test_errors_are_shown_and_nothing_changes(app, exchange_people):
    home = client_for(app, "staff@uca.example")
    response = home.post("/exchanges/new", data={"teacher": "teacher@uca.example", "host": "UCA",
                                                  "starts_on": str(SOON), "ends_on": str(SOON - timedelta(days=3)),
                                                  "purpose": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must differ" in page and "cannot end before" in page
    assert "None." in home.get("/exchanges").get_data(as_text=True)


def test_outsiders_cannot_see_an_exchange(app, exchange_people):
    with committed(app):
        exchange_id = create_exchange(teacher="teacher@uca.example", starts_on=SOON, days=3).id
        create_staff("UFC", email="staff@ufc.example")
    create = client_for(app, "staff@ufc.example")
    assert create.get(f"/exchanges/{exchange_id}").status_code == 403
    fellow = client_for(app, "fellow@example.org")
    assert fellow.get("/exchanges").status_code == 403
    assert fellow.get(f"/exchanges/{exchange_id}").status_code == 403
