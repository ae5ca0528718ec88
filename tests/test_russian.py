"""Russian: offered in the language chooser and chosen from the browser; three plural forms
(1 место, 2 места, 5 мест, 11 мест, 21 место, 22 места) on real messages; emails written to
a Russian reader in Russian, and their certificate's PDF printing their Cyrillic name."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, ngettext

from institute.extensions import db
from institute.notifications.models import OutboxMessage

from .builders import committed, create_finished_session, create_session, create_user, issue_certificates
from .conftest import login

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
SEATS = {1: "Осталось 1 место", 2: "Осталось 2 места", 5: "Осталось 5 мест", 11: "Осталось 11 мест",
         12: "Осталось 12 мест", 21: "Осталось 21 место", 22: "Осталось 22 места", 111: "Осталось 111 мест"}


def test_the_catalogue_has_three_forms_chosen_by_the_russian_rule(app):
    with app.test_request_context(), force_locale("ru"):
        for n, said in SEATS.items():
            assert ngettext("%(num)d seat left", "%(num)d seats left", n) == said
        assert [ngettext("%(num)d day", "%(num)d days", n) for n in (1, 2, 5, 11, 21, 22)] == [
            "1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня"]


@pytest.mark.parametrize("seats", [1, 2, 5, 11, 21, 22])
def test_a_page_says_the_seats_left_in_the_right_form(app, client, seats):
    with committed(app):
        create_session(title="Восстановление засушливых земель", year=2031, seats=seats,
                       applications_close=date.today() + timedelta(days=30))
    page = client.get("/", headers=RUSSIAN).get_data(as_text=True)
    assert '<html lang="ru"' in page and "Открытый приём заявок" in page
    assert SEATS[seats] in page


def test_the_language_chooser_offers_russian_and_keeps_it(app, client):
    with committed(app):
        create_user(email="anna@example.org", name="Анна Петрова")
    login(client, "anna@example.org")
    profile = client.get("/profile").get_data(as_text=True)
    assert '<option value="ru">Русский</option>' in profile
    response = client.post("/profile", data={"name": "Анна Петрова", "country": "KG", "locale": "ru",
                                             "timezone": ""}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<html lang="ru"' in page and "<h1>Ваш профиль</h1>" in page  # the next page is in Russian


def _mail_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
                              .order_by(OutboxMessage.id)).all()


def test_a_russian_fellow_gets_their_certificate_email_in_russian_and_a_pdf_with_their_name(ctx, tmp_path):
    finished = create_finished_session(names=["Айгерим Сапарова", "Ana Pérez"], unfinished=())
    russian, spanish = finished["fellows"]
    russian.locale, spanish.locale = "ru", "es"
    db.session.flush()
    issued = {c.holder_name: c for c in issue_certificates(finished["session"], finished["admin"]).issued}
    [email] = [m for m in _mail_to(russian.email) if m.kind == "certificate"]
    assert email.subject.startswith("Ваш сертификат ")
    body = email.body
    assert "Здравствуйте, Айгерим Сапарова!" in body and "Поздравляем: ваш сертификат" in body
    assert "Любой, кому вы его покажете, может проверить его здесь:" in body
    assert "Hello" not in body and "Congratulations" not in body
    assert "Glob" not in body.split("Глобальный институт пустынь Кубуци")[-1]  # signed in Russian too
    [other] = [m for m in _mail_to(spanish.email) if m.kind == "certificate"]
    assert "Здравствуйте" not in other.body  # each reader their own language
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is installed by `make test`")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(issued["Айгерим Сапарова"].pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,  # noqa: S603,S607
                          check=True).stdout
    assert "Айгерим Сапарова" in text and issued["Айгерим Сапарова"].serial in text
