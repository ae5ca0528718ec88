"""Translation holes closed: error pages, the autosave script's words, charts, month names,
the institute's stored phrase, and the English words that say two things (pgettext); every
offered language 100% translated, as `flask translations coverage` counts it."""

from datetime import date, timedelta

from flask_babel import force_locale

from institute.exchanges.charts import timeline
from institute.exchanges.labels import exchange_state
from institute.extensions import db
from institute.i18n import translation_coverage
from institute.training.charts import progress_chart
from institute.training.enrolment import enrol_csv
from institute.training.labels import ENROLLED_BY_THE_INSTITUTE, application_state, motivation_text
from institute.training.progress import cohort_progress
from institute.training.services import applications_of

from .builders import committed, create_attempt, create_exchange, create_quiz, create_session, create_user, enrol
from .conftest import login

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _in_french(user):
    user.locale = "fr"
    db.session.flush()
    return user


def test_error_pages_speak_the_readers_language(app, client):
    page = client.get("/nowhere", headers=FRENCH).get_data(as_text=True)
    assert "<h1>Introuvable</h1>" in page and "Il n&#39;y a aucune page à cette adresse" in page
    with committed(app):
        _in_french(create_user(email="fellow@example.org"))
    login(client, "fellow@example.org")
    refused = client.get("/admin/sessions")
    assert refused.status_code == 403 and "<h1>Non autorisé</h1>" in refused.get_data(as_text=True)


def test_one_english_word_is_translated_in_its_context(app):
    with app.test_request_context(), force_locale("fr"):
        assert application_state("rejected") == "refusée"  # une candidature
        assert exchange_state("rejected") == "refusé"  # un échange
        assert application_state("accepted") == "acceptée" and exchange_state("approved") == "approuvé"
    with app.test_request_context(), force_locale("es"):
        assert (application_state("rejected"), exchange_state("rejected")) == ("rechazada", "rechazado")


def test_the_exchange_host_and_the_mail_recipient_are_two_words(app, client):
    with committed(app):
        exchange_id = create_exchange("approved").id
        _in_french(create_user(email="admin@example.org", roles="admin"))
    login(client, "admin@example.org")
    page = client.get(f"/exchanges/{exchange_id}").get_data(as_text=True)
    assert "<dt>Vers</dt>" in page and "Destinataire" not in page
    assert "approuvé" in page
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert "Destinataire" in outbox


def test_the_autosave_script_takes_its_words_from_the_page(app, client):
    with committed(app):
        quiz = create_quiz(time_limit_minutes=30)
        attempt = create_attempt(quiz)
        _in_french(attempt.user)
        email, attempt_id = attempt.user.email, attempt.id
    login(client, email)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'data-said-saved="Enregistré à {time}"' in page
    assert 'data-said-offline="Non enregistré : hors ligne ?"' in page
    assert 'data-said="Temps restant : {m} min {s} s"' in page
    script = client.get("/static/autosave.js").get_data(as_text=True)
    assert "dataset" in script and '"Saved "' not in script


def test_charts_and_month_names_are_in_the_readers_language(app):
    with app.app_context():
        session = create_session()
        enrol(session, name="Ana Pérez")
        with app.test_request_context(), force_locale("fr"):
            chart = str(progress_chart(cohort_progress(session)))
            assert "Progression de chaque boursier" in chart and "0\xa0%" in chart
            year = date.today().year + 1
            drawn = str(timeline([create_exchange("approved", starts_on=date(year, 3, 10))], year))
            assert "janv." in drawn and "Jan<" not in drawn
            assert "approuvé" in drawn


def test_the_institutes_enrolment_is_stored_in_english_and_shown_translated(app, client):
    with committed(app):
        admin = _in_french(create_user(email="admin@example.org", roles="admin"))
        session = create_session(applications_close=date.today() + timedelta(days=3))
        enrol_csv(session, "email,name,country,partner\nlisted@example.org,Listed Fellow,PE,\n", admin)
        session_id = session.id
        [application] = applications_of(session)
        assert application.motivation == ENROLLED_BY_THE_INSTITUTE
    login(client, "admin@example.org")
    page = client.get(f"/admin/sessions/{session_id}/applications").get_data(as_text=True)
    assert "Inscription effectuée par l&#39;institut." in page
    with app.test_request_context(), force_locale("fr"):
        assert motivation_text("My own words.") == "My own words."


def test_every_message_is_translated_in_every_language(app):
    """Every offered language (LANGUAGES) says every extracted message, none of them fuzzy."""
    with app.app_context():
        found = {c.language: c for c in translation_coverage()}
    offered = [code for code in app.config["LANGUAGES"] if code != "en"]
    assert offered and set(offered) <= set(found)
    short = [c for c in found.values() if not c.complete]
    assert not short, short


def _catalogue(folder, language, entries, header=""):
    path = folder / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(header + entries, encoding="utf-8")


POT = 'msgid "Home"\nmsgstr ""\n\nmsgid "%(num)d day"\nmsgid_plural "%(num)d days"\nmsgstr[0] ""\nmsgstr[1] ""\n'


def test_the_coverage_command_prints_each_language_and_passes_when_all_is_translated(runner):
    result = runner.invoke(args=["translations", "coverage"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["language", "translated", "fuzzy", "empty"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert {"es", "fr", "zh", "ru"} <= set(rows) and "en" not in rows
    total = rows["ru"][0].split("/")[1]
    assert rows["ru"] == [f"{total}/{total}", "100.0%", "0", "0"]


def test_the_coverage_command_counts_fuzzy_empty_and_missing_entries_and_fails(runner, tmp_path):
    (tmp_path / "messages.pot").write_text(POT, encoding="utf-8")
    ru = "\n".join(['"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
                     '(n%100<10 || n%100>=20) ? 1 : 2);\\n"', ""])
    _catalogue(tmp_path, "ru", 'msgid "Home"\nmsgstr "Главная"\n\nmsgid "%(num)d day"\nmsgid_plural "%(num)d days"\n'
               'msgstr[0] "%(num)d день"\nmsgstr[1] "%(num)d дня"\nmsgstr[2] ""\n',  # a form left blank
               header='msgid ""\nmsgstr ""\n' + ru + "\n")
    _catalogue(tmp_path, "es", '#, fuzzy\nmsgid "Home"\nmsgstr "Inicio"\n')  # the plural one missing
    _catalogue(tmp_path, "fr", 'msgid "Home"\nmsgstr "Accueil"\n\nmsgid "%(num)d day"\nmsgid_plural "%(num)d days"\n'
               'msgstr[0] "%(num)d jour"\nmsgstr[1] "%(num)d jours"\n',
               header='msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')
    result = runner.invoke(args=["translations", "coverage", "--directory", str(tmp_path)])
    assert result.exit_code == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:] if "/" in line}
    assert rows["ru"] == ["1/2", "50.0%", "0", "1"]
    assert rows["es"] == ["0/2", "0.0%", "1", "1"]
    assert rows["fr"] == ["2/2", "100.0%", "0", "0"]
    assert rows["zh"] == rows["ar"] == ["0/2", "0.0%", "0", "2"]  # offered, but no catalogue at all
    assert "Incomplete: ar, es, ru, zh" in result.output
