import re

from institute.accounts import services
from institute.extensions import db

from ..builders import PASSWORD
from ..conftest import login


def test_register_logs_in_and_shows_dashboard(client, app):
    response = client.post("/register", data={
        "name": "Aigerim Saparova", "email": "Aigerim@Example.org", "country": "KZ",
        "password": "a good long password",
    })
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Aigerim Saparova" in page and "aigerim@example.org" in page
    with app.app_context():
        user = services.user_by_email("aigerim@example.org")
        assert user.roles == {"trainee"} and user.country == "KZ"


def test_register_shows_every_error_and_creates_nothing(client, app):
    response = client.post("/register", data={"name": "", "email": "bad", "password": "short"})
    page = response.get_data(as_text=True)
    assert "Not a valid email address" in page
    assert "at least 10 characters" in page
    with app.app_context():
        assert services.user_by_email("bad") is None


def test_register_with_taken_email_does_not_reveal_it(client, make_user):
    make_user(email="taken@example.org")
    page = client.post("/register", data={
        "name": "X", "email": "TAKEN@example.org", "password": "a good long password",
    }).get_data(as_text=True)
    assert "could not be created" in page and "already exists" not in page


def test_login_and_logout(client, make_user):
    make_user(email="fellow@example.org", name="Fellow One")
    response = login(client, "FELLOW@example.org")
    assert response.status_code == 302
    assert "Fellow One" in client.get("/dashboard").get_data(as_text=True)
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302  # back to the login page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user(email="known@example.org")
    wrong = login(client, "known@example.org", "wrong password")
    unknown = login(client, "unknown@example.org", "wrong password")
    assert wrong.status_code == unknown.status_code == 200

    def strip(html):  # the CSRF token and echoed email are the only differences allowed
        return re.sub(r'value="[^"]*"', "", html)

    assert strip(wrong.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert "The email or password is wrong." in wrong.get_data(as_text=True)


def test_eleventh_failed_login_in_a_minute_is_refused(client, make_user):
    make_user(email="target@example.org")
    for _ in range(10):
        assert login(client, "target@example.org", "guess").status_code == 200
    response = login(client, "target@example.org", "guess")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Even the right password waits out the minute: the account is being attacked.
    assert login(client, "target@example.org").status_code == 429


def test_failed_logins_are_limited_per_address_far_higher_than_per_account(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE", 30)
    for i in range(30):  # spraying many accounts from one address
        login(client, f"nobody{i}@example.org", "guess")
    assert login(client, "someone-else@example.org", "guess").status_code == 429


def test_successful_logins_do_not_count(client, make_user):
    make_user(email="busy@example.org")
    for _ in range(12):
        assert login(client, "busy@example.org").status_code == 302
        client.post("/logout")


def test_login_redirects_only_to_local_paths(client, make_user):
    make_user(email="n@example.org")
    response = client.post("/login?next=https://evil.example/", data={
        "email": "n@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    client.post("/logout")
    response = client.post("/login?next=/profile", data={
        "email": "n@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/profile"


def test_profile_update_and_language(client, make_user):
    make_user(email="p@example.org")
    login(client, "p@example.org")
    response = client.post("/profile", data={"name": "Nuevo Nombre", "country": "PE", "locale": "es"})
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert 'lang="es"' in page and "Nuevo Nombre" in page


def test_password_change_requires_current_and_ends_old_sessions(client, app, make_user):
    make_user(email="pw@example.org")
    other = app.test_client()
    login(other, "pw@example.org")
    login(client, "pw@example.org")
    bad = client.post("/profile/password", data={"pw-current_password": "nope",
                                                 "pw-new_password": "x"})
    assert bad.status_code == 422
    assert "The current password is wrong." in bad.get_data(as_text=True)
    ok = client.post("/profile/password", data={"pw-current_password": PASSWORD,
                                                "pw-new_password": "the new long password"})
    assert ok.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session continues
    assert other.get("/dashboard").status_code == 302  # the other one has ended
    assert login(client, "pw@example.org", "the new long password").status_code == 302


def test_tokens_page_creates_shows_once_and_revokes(client, app, make_user):
    user = make_user(email="t@example.org")
    login(client, "t@example.org")
    page = client.post("/profile/tokens", data={"name": "laptop"}).get_data(as_text=True)
    raw = re.search(r'<code class="token">([^<]+)</code>', page).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert raw not in client.get("/profile/tokens").get_data(as_text=True)
    with app.app_context():
        token_id = services.tokens_of(db.session.get(type(user), user.id))[0].id
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_admin_lists_searches_and_edits_users(client, app, make_user):
    make_user(email="admin@example.org", roles="admin")
    target = make_user(email="zhou.li@example.org", name="Zhou Li")
    login(client, "admin@example.org")
    page = client.get("/admin/users?q=zhou").get_data(as_text=True)
    assert "Zhou Li" in page and "admin@example.org" not in page
    response = client.post(f"/admin/users/{target.id}", data={
        "roles": ["partner", "instructor"], "partner": "BJFU"})  # active unchecked
    assert response.status_code == 302
    with app.app_context():
        user = services.user_by_email("zhou.li@example.org")
        assert user.roles == {"partner", "instructor"} and user.partner.code == "BJFU"
        assert not user.active
    assert login(app.test_client(), "zhou.li@example.org").status_code == 200  # refused


def test_admin_creates_user_on_the_web(client, app, make_user):
    make_user(email="admin@example.org", roles="admin")
    login(client, "admin@example.org")
    response = client.post("/admin/users/new", data={
        "name": "Instructor Two", "email": "i2@example.org", "password": "long enough pw",
        "roles": ["instructor"], "partner": "GDI", "country": "CN"})
    assert response.status_code == 302
    dup = client.post("/admin/users/new", data={
        "name": "Again", "email": "I2@example.org", "password": "long enough pw",
        "roles": ["instructor"]})
    assert "already exists" in dup.get_data(as_text=True)


def test_admin_adds_and_edits_partners(client, app, make_user):
    make_user(email="admin@example.org", roles="admin")
    login(client, "admin@example.org")
    response = client.post("/admin/partners/new", data={
        "code": "MNU", "name": "Mongolian University of Life Sciences", "country": "MN",
        "kind": "university"})
    assert response.status_code == 302
    assert "Mongolian University of Life Sciences" in client.get("/partners").get_data(as_text=True)
    with app.app_context():
        partner = services.partner_by_code("MNU")
    response = client.post(f"/admin/partners/{partner.id}/edit", data={
        "code": "MNU", "name": "MULS", "country": "MN", "kind": "university"})
    assert response.status_code == 302
    bad = client.post("/admin/partners/new", data={"code": "MNU", "name": "x", "country": "MN",
                                                  "kind": "university"})
    assert "already exists" in bad.get_data(as_text=True)


def test_partners_page_is_public(client):
    page = client.get("/partners").get_data(as_text=True)
    assert "Inner Mongolia Agricultural University" in page


def test_language_from_browser_and_visitor_choice(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert 'lang="fr"' in page and "Se connecter" in page
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="zh"' in page and "登录" in page
    client.post("/language", data={"locale": "es", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'lang="es"' in page and "Iniciar sesión" in page
    assert 'dir="ltr"' in page


def test_right_to_left_languages_set_dir(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", (*app.config["LANGUAGES"], "ar"))
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_error_pages_are_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "<main" in response.get_data(as_text=True)
