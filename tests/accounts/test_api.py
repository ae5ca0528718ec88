from ..builders import PASSWORD
from ..conftest import bearer


def test_token_then_me(client, make_user):
    make_user(email="api@example.org", roles=("partner", "instructor"), partner="UCA")
    response = client.post("/api/v1/auth/token", json={"email": "API@example.org",
                                                       "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    data = me.get_json()
    assert data["email"] == "api@example.org"
    assert data["roles"] == ["instructor", "partner"]
    assert data["partner"]["code"] == "UCA"
    assert "password_hash" not in data
    assert "Set-Cookie" not in me.headers  # the API never uses the session cookie


def test_me_without_or_with_bad_token_is_401(client):
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_api_ignores_the_session_cookie(client, make_user):
    make_user(email="c@example.org")
    client.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_email_same_api_answer(client, make_user):
    make_user(email="k@example.org")
    wrong = client.post("/api/v1/auth/token", json={"email": "k@example.org", "password": "x"})
    unknown = client.post("/api/v1/auth/token", json={"email": "u@example.org", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_token_endpoint_is_rate_limited(client, make_user):
    make_user(email="r@example.org")
    for _ in range(10):
        client.post("/api/v1/auth/token", json={"email": "r@example.org", "password": "guess"})
    response = client.post("/api/v1/auth/token", json={"email": "r@example.org",
                                                       "password": "guess"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"


def test_malformed_body_is_400(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_admin_creates_user(client, make_user):
    make_user(email="admin@example.org", roles="admin")
    headers = bearer(client, "admin@example.org")
    response = client.post("/api/v1/users", headers=headers, json={
        "email": "New.Fellow@example.org", "name": "New Fellow", "password": "long enough pw",
        "roles": ["trainee"], "country": "TN"})
    assert response.status_code == 201
    assert response.get_json()["email"] == "new.fellow@example.org"


def test_trainee_cannot_create_users(client, make_user):
    make_user(email="t@example.org", roles="trainee")
    response = client.post("/api/v1/users", headers=bearer(client, "t@example.org"), json={
        "email": "x@example.org", "name": "X", "password": "long enough pw", "roles": ["admin"]})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_duplicate_email_in_any_case_is_409(client, make_user):
    make_user(email="admin@example.org", roles="admin")
    make_user(email="taken@example.org")
    response = client.post("/api/v1/users", headers=bearer(client, "admin@example.org"), json={
        "email": "TaKeN@Example.ORG", "name": "Dup", "password": "long enough pw",
        "roles": ["trainee"]})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_bad_email_and_short_password_are_422_with_field_details(client, make_user):
    make_user(email="admin@example.org", roles="admin")
    response = client.post("/api/v1/users", headers=bearer(client, "admin@example.org"), json={
        "email": "not an email", "name": "X", "password": "short", "roles": ["trainee"]})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    fields = {d["field"]: d["message"] for d in error["details"]}
    assert set(fields) == {"email", "password"}
    assert "at least 10 characters" in fields["password"]


def test_partners_list(client, make_user):
    make_user(email="p@example.org")
    response = client.get("/api/v1/partners", headers=bearer(client, "p@example.org"))
    codes = [p["code"] for p in response.get_json()["partners"]]
    assert "GDI" in codes and "CICA" in codes


def test_unknown_api_route_and_method_use_the_envelope(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/me")
    assert response.status_code == 405


def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    from institute.api.openapi import openapi_path

    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path, _params = openapi_path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"].get(path, {}).get(method.lower())
            if not operation or not operation.get("summary") or not operation.get("responses"):
                missing.append(f"{method} {rule.rule}")
    assert missing == []
    assert document["paths"]["/users"]["post"]["requestBody"]
    assert "409" in document["paths"]["/users"]["post"]["responses"]
