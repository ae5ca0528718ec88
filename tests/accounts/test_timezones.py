"""Every user has a time zone: chosen on the profile, else their country's; pages and emails
show times in it, named; times are stored in UTC."""

from datetime import UTC, datetime

import pytest
from flask import render_template_string
from flask_login import login_user

from institute import timezones
from institute.accounts import services
from institute.accounts.models import User
from institute.extensions import db
from institute.notifications.services import in_language_of

from ..builders import create_user
from ..conftest import bearer, login

NOON_UTC = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("country", "zone"), [("GH", "Africa/Accra"), ("CN", "Asia/Shanghai"),
                                                ("PE", "America/Lima"), ("KZ", "Asia/Almaty"),
                                                (None, "UTC"), ("ZZ", "UTC")])
def test_the_default_follows_the_country(country, zone):
    assert timezones.country_timezone(country) == zone
    assert timezones.timezone_of(User(country=country)) == zone


def test_a_chosen_zone_wins_and_an_unknown_one_is_ignored():
    assert timezones.timezone_of(User(country="GH", timezone="Asia/Tokyo")) == "Asia/Tokyo"
    assert timezones.timezone_of(User(country="GH", timezone="Mars/Olympus")) == "Africa/Accra"
    assert "US/Pacific" not in timezones.all_timezones()  # aliases are not offered
    assert timezones.is_timezone("UTC") and not timezones.is_timezone("")


def test_the_profile_sets_and_clears_the_zone_and_refuses_an_unknown_one(app, client, make_user):
    user = make_user(email="amina@example.org", country="GH")
    login(client, "amina@example.org")
    page = client.get("/profile").get_data(as_text=True)
    assert "My country&#39;s (Africa/Accra)" in page and '<option value="Asia/Tokyo">Asia/Tokyo</option>' in page
    form = {"name": "Amina", "country": "GH", "locale": ""}
    assert client.post("/profile", data={**form, "timezone": "Asia/Tokyo"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).timezone == "Asia/Tokyo"
    response = client.post("/profile", data={**form, "timezone": "Mars/Olympus"})
    assert response.status_code in (200, 422)
    with app.app_context():
        assert db.session.get(User, user.id).timezone == "Asia/Tokyo"  # nothing changed
    with app.app_context():
        with pytest.raises(services.Invalid):
            services.update_profile(db.session.get(User, user.id), "Amina", "GH", None, "Mars/Olympus")
    client.post("/profile", data={**form, "timezone": ""})
    with app.app_context():
        assert db.session.get(User, user.id).timezone is None


def test_pages_show_times_in_the_readers_zone_named(app, make_user):
    for email, country in (("chen@example.org", "CN"), ("kwame@example.org", "GH")):
        make_user(email=email, country=country)
    shown = {}
    for email in ("chen@example.org", "kwame@example.org"):
        with app.test_request_context():
            login_user(services.user_by_email(email))
            shown[email] = render_template_string("{{ when|datetime }}", when=NOON_UTC)
    assert "8:00:00" in shown["chen@example.org"] and "(Asia/Shanghai)" in shown["chen@example.org"]
    assert "12:00:00" in shown["kwame@example.org"] and "(Africa/Accra)" in shown["kwame@example.org"]


def test_a_visitor_reads_utc_named(app):
    with app.test_request_context():
        assert render_template_string("{{ when|datetime }}", when=NOON_UTC).endswith("(UTC)")


def test_an_email_is_written_in_the_recipients_zone_even_from_another_persons_request(app):
    with app.app_context():
        chen = create_user(email="chen@example.org", country="CN")
        with app.test_request_context():  # an admin's request in UTC, writing to Chen
            with in_language_of(chen):
                text = app.jinja_env.from_string("{{ when|datetime }}").render(when=NOON_UTC)
            after = app.jinja_env.from_string("{{ when|datetime }}").render(when=NOON_UTC)
        assert "(Asia/Shanghai)" in text and "8:00:00" in text
        assert "(UTC)" in after
        with in_language_of(chen):  # a worker: no request at all
            assert "(Asia/Shanghai)" in app.jinja_env.from_string("{{ when|datetime }}").render(when=NOON_UTC)


def test_the_api_names_the_callers_zone(app, client, make_user):
    make_user(email="chen@example.org", country="CN")
    me = client.get("/api/v1/me", headers=bearer(client, "chen@example.org")).get_json()
    assert me["timezone"] == "Asia/Shanghai"
