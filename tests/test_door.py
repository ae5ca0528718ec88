"""The door: hostile input is refused once, before any view, and changes nothing."""

import pytest
import sqlalchemy as sa

from institute.extensions import db

from .builders import create_course
from .conftest import bearer, login


def _counts(app) -> dict[str, int]:
    """Rows in every table, to show a refusal changed nothing."""
    with app.app_context():
        return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


@pytest.fixture
def admin(app, client, make_user):
    make_user(email="door-admin@example.org", roles="admin")
    return bearer(client, "door-admin@example.org")


def _refused_page(response, status: int = 400) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"


def _refused_json(response, status: int = 400, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    if field is not None:
        assert field in [d.get("field") for d in error["details"]], error
    return error


# ------------------------------------------------------------------ NUL bytes


def test_nul_in_a_url_is_refused(client, admin):
    _refused_page(client.get("/courses/a%00b"))
    _refused_json(client.get("/api/v1/courses/a%00b", headers=admin))
    _refused_json(client.get("/api/v1/verify/%00"))


def test_nul_in_a_query_is_refused(client, admin):
    _refused_page(client.get("/courses?q=sand%00"))
    _refused_json(client.get("/api/v1/courses?q=%00", headers=admin), field="query")


def test_nul_in_a_json_field_is_refused_and_changes_nothing(app, client, admin):
    before = _counts(app)
    response = client.post("/api/v1/users", headers=admin, json={
        "email": "nul@example.org", "name": "Nul\x00Byte", "password": "long enough password",
        "roles": ["trainee"]})
    _refused_json(response, field="name")
    _refused_json(client.post("/api/v1/auth/token", json={"email": "a\x00@example.org", "password": "x"}),
                  field="email")
    assert _counts(app) == before


def test_nul_in_a_form_field_is_refused_and_changes_nothing(app, client):
    before = _counts(app)
    response = client.post("/register", data={"email": "form-nul@example.org", "name": "Form\x00Nul",
                                              "password": "long enough password",
                                              "confirm": "long enough password", "country": "KG"})
    _refused_page(response)
    assert _counts(app) == before


def test_nul_in_a_csv_body_is_refused_with_its_line(app, client, admin):
    with app.app_context():
        from .builders import create_session

        session_id = create_session().id
        db.session.commit()
    before = _counts(app)
    body = "email,name,country,partner\nnul@example.org,Nul\x00Name,KG,\n"
    error = _refused_json(client.post(f"/api/v1/sessions/{session_id}/enrolments", headers=admin, data=body,
                                      content_type="text/csv"))
    assert error["details"][0]["line"] == 2
    assert _counts(app) == before


def test_control_characters_in_a_file_name_are_refused(client, admin):
    from io import BytesIO

    response = client.post("/api/v1/courses", headers=admin, content_type="multipart/form-data",
                           data={"bundle": (BytesIO(b"PK"), "course\x00.zip")})
    _refused_json(response, field="bundle")


def test_tab_and_newlines_in_text_are_kept(client, make_user):
    """Bodies may hold tabs and line breaks (essays, descriptions); only other controls are refused."""
    make_user(email="tabs@example.org")
    response = client.post("/api/v1/auth/token",
                           json={"email": "tabs@example.org", "password": "a\tb\r\nc"})
    assert response.status_code == 401  # read, and simply wrong


# ------------------------------------------------------------------ JSON


def test_json_nested_thousands_deep_is_refused(app, client, admin):
    before = _counts(app)
    deep = "[" * 5000 + "]" * 5000
    _refused_json(client.post("/api/v1/sessions", headers=admin, data=deep, content_type="application/json"))
    deep_object = '{"a":' * 5000 + "1" + "}" * 5000
    _refused_json(client.post("/api/v1/auth/token", data=deep_object, content_type="application/json"))
    assert _counts(app) == before


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "9" * 400, "0." + "1" * 400],
                         ids=["Infinity", "-Infinity", "NaN", "1e400", "400-digits", "400-decimals"])
def test_numbers_json_cannot_hold_are_refused(app, client, admin, number):
    before = _counts(app)
    body = ('{"title": "Numbers", "year": 2026, "starts_on": "2026-09-01", "ends_on": "2026-09-30", '
            f'"seats": {number}}}')
    error = _refused_json(client.post("/api/v1/sessions", headers=admin, data=body,
                                      content_type="application/json"))
    assert "JSON" in error["message"]
    assert _counts(app) == before


def test_a_very_large_json_body_is_too_large(client, admin):
    body = '{"title": "' + "x" * (1024 * 1024) + '"}'
    _refused_json(client.post("/api/v1/sessions", headers=admin, data=body, content_type="application/json"),
                  status=413)


def test_a_lone_surrogate_in_json_is_refused(app, client, admin):
    before = _counts(app)
    body = '{"title": "Sand \\ud800", "year": 2026, "starts_on": "2026-09-01", "ends_on": "2026-09-30"}'
    _refused_json(client.post("/api/v1/sessions", headers=admin, data=body, content_type="application/json"),
                  field="title")
    body = '{"email": "x@example.org", "password": "p", "\\udc00": 1}'
    _refused_json(client.post("/api/v1/auth/token", data=body, content_type="application/json"))
    assert _counts(app) == before


def test_a_lone_surrogate_in_a_url_is_refused(client, admin):
    # What a WSGI server hands over for /courses/%ED%A0%80: the raw bytes as latin-1.
    raw = "/courses/\xed\xa0\x80"
    _refused_page(client.get("/courses/x", environ_overrides={"PATH_INFO": raw}))
    _refused_json(client.get("/api/v1/courses/x", headers=admin,
                             environ_overrides={"PATH_INFO": "/api/v1" + raw}), field="path")
    _refused_page(client.get("/courses?q=%ED%A0%80"))


# ------------------------------------------------------------------ ids and years


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64, int("9" * 400)], ids=["2^31", "2^63", "2^64", "400-digits"])
def test_ids_beyond_the_databases_integers_are_not_found(client, admin, number):
    _refused_json(client.get(f"/api/v1/sessions/{number}", headers=admin), status=404)
    _refused_json(client.post(f"/api/v1/applications/{number}/decision", headers=admin,
                              json={"decision": "accept"}), status=404)
    _refused_page(client.get(f"/sessions/{number}"), status=404)


def test_the_largest_id_is_still_a_route(client, admin):
    _refused_json(client.get(f"/api/v1/sessions/{2**31 - 1}", headers=admin), status=404)


@pytest.mark.parametrize("year", ["99999", "-1", "1e3", "2026x", "0"])
def test_years_out_of_range_in_a_query_are_refused(client, make_user, admin, year):
    make_user(email="years@example.org", roles="admin")
    login(client, "years@example.org")
    _refused_page(client.get(f"/exchanges/statistics?year={year}"))
    _refused_json(client.get(f"/api/v1/exchanges?year={year}", headers=admin), field="year")


def test_a_year_in_range_and_an_empty_one_are_read(client, admin):
    assert client.get("/api/v1/exchanges?year=2026", headers=admin).status_code == 200
    assert client.get("/api/v1/exchanges?year=", headers=admin).status_code == 200


@pytest.mark.parametrize("revision", ["99999999999999999999", str(2**31), "abc"])
def test_other_integers_in_queries_are_bounded(app, client, admin, revision):
    with app.app_context():
        create_course(slug="bounded")
        db.session.commit()
    _refused_json(client.get(f"/api/v1/courses/bounded?revision={revision}", headers=admin), field="revision")
    _refused_page(client.get(f"/courses/bounded?revision={revision}"))
    assert client.get("/api/v1/courses/bounded?revision=1", headers=admin).status_code == 200


def test_a_year_out_of_range_in_a_path_is_not_found(client, make_user):
    make_user(email="path-years@example.org", roles="admin")
    login(client, "path-years@example.org")
    _refused_page(client.get("/exchanges/year/99999"), status=404)
    assert client.get("/exchanges/year/2026").status_code == 200


# ------------------------------------------------------------------ next=


def test_next_with_a_line_break_is_refused(app, client, make_user):
    make_user(email="next@example.org")
    response = client.post("/login?next=/%0d%0aLocation:%20https://evil.example",
                           data={"email": "next@example.org", "password": "correct horse battery"})
    _refused_page(response)


@pytest.mark.parametrize("target", ["/\r\nLocation: https://evil.example", "/a\x00b", "//evil.example",
                                    "https://evil.example/", "/\\evil.example", "\t/path", None, ""])
def test_safe_next_falls_back_for_anything_but_a_plain_local_path(app, target):
    from institute.web import safe_next

    with app.test_request_context():
        assert safe_next(target, "/dashboard") == "/dashboard"
        assert safe_next("/courses?q=sand", "/dashboard") == "/courses?q=sand"


def test_a_form_next_with_a_line_break_goes_home(client):
    response = client.post("/language", data={"locale": "fr", "next": "/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


# ------------------------------------------------------------------ headers


def test_hsts_outside_debug_only(app, client, tmp_path):
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    from institute import create_app

    debug = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "DEBUG": True},
                       instance_path=str(tmp_path))
    assert "Strict-Transport-Security" not in debug.test_client().get("/api/v1/openapi.json").headers


def test_405_says_which_methods_are_allowed(client):
    page = client.put("/login")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert set(page.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.delete("/api/v1/me")
    assert api.status_code == 405 and api.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in api.headers["Allow"]


# ------------------------------------------------------------------ pages in the visitor's language


def test_error_pages_read_in_french_and_the_api_stays_english(client, admin):
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    page = client.get("/no-such-page", headers=french)
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and 'lang="fr"' in text
    assert "<h1>Introuvable</h1>" in text and "Il n&#39;y a aucune page à cette adresse." in text
    assert "requested URL" not in text

    page = client.get("/courses?q=sand%00", headers=french)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "<h1>Requête incorrecte</h1>" in text
    assert "L&#39;adresse ou un champ contient des caractères qui ne peuvent pas être acceptés" in text
    assert "control character" not in text and "NUL" not in text

    # The API's envelope keeps its English message and details, whatever the language.
    error = _refused_json(client.get("/api/v1/courses?q=%00", headers={**admin, **french}), field="query")
    message = "Contains a control character, a NUL byte or a lone surrogate."
    assert error["message"] == message and error["details"] == [{"field": "query", "message": message}]
    error = _refused_json(client.get("/api/v1/no-such-route", headers={**admin, **french}), status=404)
    assert "requested URL was not found" in error["message"]
