"""Kept pages (institute/page_cache.py): a page is served again only while nothing it
shows has changed, to its own reader, in their language, with its access check."""

import re

import pytest
import sqlalchemy as sa

from institute import page_cache
from institute.accounts.services import update_profile, update_user, user_by_email
from institute.courses.services import get_course, mark_done
from institute.extensions import db
from institute.page_cache import KeptPages, PageGeneration
from institute.quizzes import attempts
from institute.training.services import get_session

from .builders import create_course, create_quiz, create_session, create_user, enrol
from .conftest import bearer, login
from .test_statement_counts import counted


@pytest.fixture
def world(app):
    """A session of one course with a quiz, its teacher, an admin and two fellows."""
    with app.app_context():
        admin = create_user(email="admin@example.org", roles="admin")
        create_user(email="teacher@example.org", roles="instructor")
        create_course(slug="dunes", slug_title="Dune Fixation", quiz=True)
        session = create_session(courses=["dunes"], instructors=["teacher@example.org"])
        enrol(session, email="amina@example.org", name="Amina Diallo", admin=admin)
        enrol(session, email="li@example.org", name="Li Wei", admin=admin)
        db.session.commit()
        return {"session": session.id, "quiz": get_course("dunes").published.quizzes[0].id}


def generation(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(PageGeneration.value).where(PageGeneration.id == 1))


def started_attempt(app, world) -> int:
    """Amina's attempt at the quiz, started and committed; its id."""
    with app.app_context():
        attempt, _new = attempts.start(db.session.get(attempts.Quiz, world["quiz"]), user_by_email("amina@example.org"))
        db.session.commit()
        return attempt.id


def statements_of_a_second_view(app, client, url) -> list[str]:
    """The statements of viewing ``url`` again right after a first view: two when kept."""
    client.get(url)
    with counted(app) as seen:
        client.get(url)
    return seen


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    client.get("/dashboard")  # the welcome flash is shown (and that page not kept)
    return client


def test_a_kept_page_costs_two_statements_and_the_same_bytes(app, world):
    teacher = signed_in(app, "teacher@example.org")
    url = f"/sessions/{world['session']}/cohort"
    with counted(app) as first:
        computed = teacher.get(url)
    with counted(app) as second:
        kept = teacher.get(url)
    assert computed.status_code == kept.status_code == 200
    assert kept.data == computed.data
    assert len(first) > 4
    assert len(second) == 2, second  # the reader and the generation


@pytest.mark.parametrize("url", ["/dashboard", "/courses/dunes", "/sessions/{session}",
                                 "/sessions/{session}/gradebook", "/quizzes/{quiz}"])
def test_each_kept_page_is_served_from_two_statements(app, world, url):
    fellow = signed_in(app, "amina@example.org")
    teacher = signed_in(app, "teacher@example.org")
    reader = teacher if "gradebook" in url else fellow
    url = url.format(**world)
    first, again = reader.get(url), reader.get(url)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert len(statements_of_a_second_view(app, reader, url)) == 2


def test_a_module_marked_done_shows_at_once(app, world):
    teacher = signed_in(app, "teacher@example.org")
    fellow = signed_in(app, "amina@example.org")
    url = f"/sessions/{world['session']}/cohort"
    before = teacher.get(url).get_data(as_text=True)
    dashboard = fellow.get("/dashboard").get_data(as_text=True)
    generation_before = generation(app)
    module = get_module_slug(app)
    assert fellow.post(f"/courses/dunes/modules/{module}/complete").status_code in (200, 302)
    assert generation(app) == generation_before + 1
    after = teacher.get(url).get_data(as_text=True)
    assert after != before
    assert fellow.get("/dashboard").get_data(as_text=True) != dashboard


def get_module_slug(app) -> str:
    with app.app_context():
        return get_course("dunes").published.modules[0].slug


def test_a_submitted_attempt_shows_in_the_gradebook_and_its_api(app, world):
    teacher = signed_in(app, "teacher@example.org")
    token = bearer(app.test_client(), "teacher@example.org")
    api = app.test_client()
    page_url = f"/sessions/{world['session']}/gradebook"
    api_url = f"/api/v1/sessions/{world['session']}/gradebook"
    page = teacher.get(page_url).get_data(as_text=True)
    body = api.get(api_url, headers=token).get_json()
    assert api.get(api_url, headers=token).get_json() == body  # kept
    attempt_id = started_attempt(app, world)
    with app.app_context():
        attempts.submit(db.session.get(attempts.Attempt, attempt_id), user_by_email("amina@example.org"))
        db.session.commit()
    assert teacher.get(page_url).get_data(as_text=True) != page
    grades = api.get(api_url, headers=token).get_json()
    amina = next(f for f in grades["fellows"] if f["email"] == "amina@example.org")
    assert amina["grades"][0]["attempts"] == 1


def test_a_new_fellow_and_a_new_name_show(app, world):
    teacher = signed_in(app, "teacher@example.org")
    url = f"/sessions/{world['session']}/cohort"
    assert "Amina Diallo" in teacher.get(url).get_data(as_text=True)
    with app.app_context():
        amina = user_by_email("amina@example.org")
        update_profile(amina, "Amina D. Diallo", amina.country, amina.locale)
        enrol(get_session(world["session"]), email="omar@example.org", name="Omar Haddad")
        db.session.commit()
    page = teacher.get(url).get_data(as_text=True)
    assert "Amina D. Diallo" in page
    assert "Omar Haddad" in page


def test_autosaves_and_logins_leave_the_generation_alone(app, world):
    attempt_id = started_attempt(app, world)
    before = generation(app)
    client = app.test_client()
    login(client, "amina@example.org")
    response = client.post(f"/attempts/{attempt_id}/save", data={"q0": "x"},
                           headers={"Accept": "application/json"})
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    assert generation(app) == before


def test_a_write_before_a_savepoint_still_raises_it(app, world):
    """Writes flushed before ``begin_nested`` (an attempt's start) count at the commit."""
    before = generation(app)
    with app.app_context():
        create_user(email="new@example.org")
        db.session.flush()
        with db.session.begin_nested():
            pass
        db.session.commit()
    assert generation(app) == before + 1


def test_an_attempt_started_shows_on_the_quiz_page_at_once(app, world):
    fellow = signed_in(app, "amina@example.org")
    url = f"/quizzes/{world['quiz']}"
    before = fellow.get(url).get_data(as_text=True)
    assert fellow.get(url).get_data(as_text=True) == before  # kept
    assert fellow.post(f"/quizzes/{world['quiz']}/start").status_code == 302
    assert fellow.get(url).get_data(as_text=True) != before


def test_a_rolled_back_write_leaves_the_generation_alone(app, world):
    before = generation(app)
    with app.app_context():
        amina = user_by_email("amina@example.org")
        amina.name = "Never Saved"
        db.session.flush()
        db.session.rollback()
    assert generation(app) == before


def test_each_write_that_commits_raises_it_once(app, world):
    before = generation(app)
    with app.app_context():
        user_by_email("amina@example.org").name = "Amina Two"
        user_by_email("li@example.org").name = "Li Two"
        db.session.commit()
    assert generation(app) == before + 1


def test_a_kept_page_is_still_refused_to_a_stranger(app, world):
    teacher = signed_in(app, "teacher@example.org")
    fellow = signed_in(app, "amina@example.org")
    url = f"/sessions/{world['session']}/gradebook"
    assert teacher.get(url).status_code == 200
    assert fellow.get(url).status_code == 403
    assert app.test_client().get(url).status_code in (302, 401)


def test_a_teacher_whose_role_is_taken_is_refused_at_once(app, world):
    teacher = signed_in(app, "teacher@example.org")
    url = f"/sessions/{world['session']}/gradebook"
    assert teacher.get(url).status_code == 200
    assert teacher.get(url).status_code == 200  # kept
    with app.app_context():
        update_user(user_by_email("admin@example.org"), user_by_email("teacher@example.org"),
                    roles=["trainee"], partner=None, active=True)
        session = get_session(world["session"])
        session.instructor_links.clear()
        db.session.commit()
    assert teacher.get(url).status_code == 403


def test_each_reader_and_language_has_a_page_of_its_own(app, world):
    amina = signed_in(app, "amina@example.org")
    li = signed_in(app, "li@example.org")
    assert amina.get("/dashboard").data != li.get("/dashboard").data
    english = amina.get("/dashboard").get_data(as_text=True)
    with app.app_context():
        person = user_by_email("amina@example.org")
        update_profile(person, person.name, person.country, "fr")
        db.session.commit()
    french = amina.get("/dashboard").get_data(as_text=True)
    assert '<html lang="fr"' in french and '<html lang="en"' in english


def test_a_page_is_kept_for_a_minute_at_most(app, world, monkeypatch):
    teacher = signed_in(app, "teacher@example.org")
    url = f"/sessions/{world['session']}/cohort"
    teacher.get(url)
    now = 1_000_000.0
    monkeypatch.setattr(page_cache, "time", lambda: now)
    teacher.get(url)
    with counted(app) as same_minute:
        teacher.get(url)
    now += 60
    with counted(app) as next_minute:
        teacher.get(url)
    assert len(same_minute) == 2
    assert len(next_minute) > 2


def test_a_page_with_a_flashed_message_is_not_kept(app, world):
    client = signed_in(app, "amina@example.org")
    client.get("/dashboard")
    with client.session_transaction() as cookie_session:
        cookie_session["_flashes"] = [("info", "A message shown once.")]
    with counted(app) as flashed:
        first = client.get("/dashboard").get_data(as_text=True)
    with counted(app) as plain:
        second = client.get("/dashboard").get_data(as_text=True)
    with counted(app) as kept:
        client.get("/dashboard")
    assert "A message shown once." in first and "A message shown once." not in second
    assert len(flashed) > 2  # rendered afresh, to show the message, and not kept
    assert len(plain) == len(kept) == 2  # the page kept before the message, still right


def test_switched_off_every_page_is_computed(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "KEPT_PAGES", False)
    teacher = signed_in(app, "teacher@example.org")
    url = f"/sessions/{world['session']}/cohort"
    assert len(statements_of_a_second_view(app, teacher, url)) > 2


def test_visitors_never_share_a_form_token(app, world, monkeypatch):
    """Each browser's kept page carries its own CSRF token, and a form posted with it is
    accepted (the language switch, which every page carries)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/sessions/{world['session']}"
    tokens = []
    for _browser in range(2):
        client = app.test_client()
        client.get(url)
        page = client.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        tokens.append(token)
        kept = client.get(url).get_data(as_text=True)
        assert token in kept
        response = client.post("/language", data={"locale": "fr", "csrf_token": token, "next": url})
        assert response.status_code == 302
        assert '<html lang="fr"' in client.get(url).get_data(as_text=True)
    assert tokens[0] != tokens[1]


def test_an_attempt_in_progress_is_never_kept_but_its_result_is(app, world):
    attempt_id = started_attempt(app, world)
    client = signed_in(app, "amina@example.org")
    url = f"/attempts/{attempt_id}"
    assert len(statements_of_a_second_view(app, client, url)) > 2
    with app.app_context():
        attempts.submit(db.session.get(attempts.Attempt, attempt_id), user_by_email("amina@example.org"))
        db.session.commit()
    assert len(statements_of_a_second_view(app, client, url)) == 2


def test_the_least_recently_used_pages_go_first_past_the_limit():
    kept = KeptPages(limit=10)
    kept.put("a", b"1234")
    kept.put("b", b"1234")
    assert kept.get("a") == b"1234"  # now the most recently used
    kept.put("c", b"1234")
    assert kept.get("b") is None
    assert kept.get("a") == b"1234" and kept.get("c") == b"1234"
    assert kept.size == 8
    kept.put("huge", b"x" * 11)
    assert kept.get("huge") is None and len(kept) == 2


def test_pages_of_an_earlier_generation_or_minute_are_dropped_at_once():
    kept = KeptPages(limit=1000)
    kept.put("course", b"12345", era=(7, 100))
    kept.put("cohort", b"12345", era=(7, 100))
    assert kept.size == 10
    assert kept.get("course", (7, 101)) is None  # served only in its own era
    kept.put("course again", b"123", era=(8, 100))  # something changed: the pages of 7 are dead
    assert kept.get("course", (7, 100)) is None and kept.get("cohort", (7, 100)) is None
    assert kept.get("course again", (8, 100)) == b"123" and kept.size == 3 and len(kept) == 1
    kept.put("late", b"12", era=(7, 100))  # rendered before the change, put after it
    assert kept.get("late", (7, 100)) is None and kept.size == 3
    kept.put("next minute", b"1", era=(8, 101))
    assert len(kept) == 1 and kept.size == 1
    kept.put("clock set back", b"22", era=(8, 99))  # a minute not seen before is the new one
    assert kept.get("clock set back", (8, 99)) == b"22" and kept.get("next minute", (8, 101)) is None and kept.size == 2


def test_a_worker_keeps_only_pages_of_the_latest_generation(app, world):
    """Each write leaves the pages of before it in no reader's way, and in no memory."""
    teacher = signed_in(app, "teacher@example.org")
    fellow = signed_in(app, "amina@example.org")
    page_cache.clear()
    assert teacher.get(f"/sessions/{world['session']}/gradebook").status_code == 200
    assert teacher.get(f"/sessions/{world['session']}/cohort").status_code == 200
    assert len(page_cache._KEPT) == 2
    assert fellow.post(f"/courses/dunes/modules/{get_module_slug(app)}/complete").status_code in (200, 302)
    assert teacher.get(f"/sessions/{world['session']}/cohort").status_code == 200
    assert len(page_cache._KEPT) == 1  # the gradebook of before the mark is gone too


def test_the_quiz_page_of_a_new_quiz_revision(app, world):
    """A course published again shows its new quiz on the kept course page."""
    fellow = signed_in(app, "amina@example.org")
    page = fellow.get("/courses/dunes").get_data(as_text=True)
    with app.app_context():
        create_quiz(slug="dunes", title="Second check")
        db.session.commit()
    again = fellow.get("/courses/dunes").get_data(as_text=True)
    assert "Second check" in again and "Second check" not in page


def test_marking_done_through_the_service_raises_the_generation(app, world):
    before = generation(app)
    with app.app_context():
        mark_done(user_by_email("li@example.org"), get_course("dunes"), get_module_slug(app))
        db.session.commit()
    assert generation(app) == before + 1
