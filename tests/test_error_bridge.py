"""One bridge from domain errors to forms, flashes and JSON; one way to build an error;
one way to follow ``next``; no abort() and no second JSON error shape in the code."""

import ast
import re
from pathlib import Path

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from institute import errors
from institute.door import Unreadable
from institute.extensions import db
from institute.web import apply_errors, error_messages, flash_error

from .builders import PASSWORD
from .builders import create_finished_session as build_finished
from .conftest import login
from .quizzes.test_api import setup_cohort

INSTITUTE = Path(__file__).resolve().parent.parent / "institute"
TESTS = Path(__file__).resolve().parent


class _Form(FlaskForm):
    email = StringField("Email")
    name = StringField("Name")


def _invalid():
    return errors.Invalid(details=[{"field": "email", "message": "Not an email."},
                                   {"field": "elsewhere", "message": "Too many of these."}])


# ------------------------------------------------------------------ building an error


def test_every_error_takes_its_message_first_and_its_details_by_keyword():
    invalid = _invalid()
    assert invalid.message == "The data is not valid." and invalid.details[0]["field"] == "email"
    summed_up = errors.Invalid("2 problems.", details=[{"line": 3, "message": "Bad row."}])
    assert summed_up.message == "2 problems." and summed_up.details == [{"line": 3, "message": "Bad row."}]
    conflict = errors.Conflict("Taken.", details=[{"field": "email", "message": "Taken."}])
    assert (conflict.status, conflict.message, conflict.details[0]["field"]) == (409, "Taken.", "email")
    assert errors.NotFound("No such page.").details == []


def test_the_old_order_fails_loudly():
    with pytest.raises(TypeError):
        errors.Invalid([{"field": "email", "message": "Not an email."}])
    with pytest.raises(TypeError):
        errors.Conflict("Taken.", [{"field": "email", "message": "Taken."}])


def _sources(*roots: Path):
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            yield path, path.read_text(encoding="utf-8")


def _error_names() -> set[str]:
    names = {name for name, value in vars(errors).items()
             if isinstance(value, type) and issubclass(value, errors.DomainError)}
    return names | {"Unreadable"}  # door.py's own


def test_no_error_is_built_with_its_details_in_place_of_its_message():
    names, wrong = _error_names(), []
    for path, text in _sources(INSTITUTE, TESTS):
        if path == Path(__file__).resolve():  # builds errors in the old order on purpose
            continue
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            # door.py's _refuse builds its ``error`` (a class it is given) the same way.
            if func not in names and not (func == "error" and isinstance(node.func, ast.Name)):
                continue
            first = node.args[0] if node.args else None
            if len(node.args) > 1 or isinstance(first, (ast.List, ast.ListComp)) or (
                    func == "Invalid" and isinstance(first, ast.Name)):
                wrong.append(f"{path.relative_to(INSTITUTE.parent)}:{node.lineno}")
    assert wrong == []


# ------------------------------------------------------------------ forms and flashes


def test_field_errors_go_under_their_fields_and_the_rest_above_the_form(app):
    with app.test_request_context(method="POST"):
        form = _Form()
        apply_errors(form, _invalid())
        assert form.email.errors == ["Not an email."] and form.form_errors == ["Too many of these."]


def test_an_error_without_details_goes_under_the_field_named_or_above_the_form(app):
    with app.test_request_context(method="POST"):
        form = _Form()
        apply_errors(form, errors.Conflict("This email has an account."), field="email")
        apply_errors(form, errors.Conflict("Changed in the meantime."))
        assert form.email.errors == ["This email has an account."]
        assert form.form_errors == ["Changed in the meantime."]


def test_an_error_meant_for_programs_shows_its_page_message(app):
    refusal = Unreadable("U+0000 in name", details=[{"field": "name", "message": "U+0000 in name"}])
    with app.test_request_context(method="POST"):
        form = _Form()
        apply_errors(form, refusal)
        assert not form.name.errors and form.form_errors == [str(Unreadable.page_message)]
        assert error_messages(refusal) == [str(Unreadable.page_message)]


def test_a_flash_says_the_details_joined_or_else_the_message(app):
    with app.test_request_context():
        flash_error(_invalid())
        flash_error(errors.Conflict("This attempt is already submitted."))
        flash_error(errors.Invalid("3 problems; nobody was enrolled.",
                                   details=[{"line": 2, "message": "Row 2 has no email."}]))
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Not an email.; Too many of these."),
            ("error", "This attempt is already submitted."),
            ("error", "Row 2 has no email."),
        ]


def test_a_view_flashes_every_detail_through_the_bridge(app):
    quiz_id, *_ = setup_cohort(app)
    fellow = app.test_client()
    login(fellow, "fellow@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    page = fellow.post(attempt_url + "/save", data={"q-2": "many"}, follow_redirects=True)
    flashed = re.findall(r'class="flash[^"]*error[^"]*"[^>]*>\s*([^<]+)', page.get_data(as_text=True))
    assert len(flashed) == 1 and "number" in flashed[0].lower()


# ------------------------------------------------------------------ one JSON error envelope


def _autosave(client, attempt_url, data):
    return client.post(attempt_url + "/save", data=data, headers={"Accept": "application/json"})


def test_the_autosave_answers_refusals_in_the_one_error_envelope(app):
    quiz_id, *_ = setup_cohort(app)
    fellow, outsider = app.test_client(), app.test_client()
    login(fellow, "fellow@example.org")
    login(outsider, "outsider@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]

    invalid = _autosave(fellow, attempt_url, {"q-2": "many"})
    assert invalid.status_code == 422
    body = invalid.get_json()["error"]
    assert body["code"] == "invalid" and body["details"][0]["field"] == "2" and body["details"][0]["message"]

    foreign = _autosave(outsider, attempt_url, {"q-0": "0"})
    assert foreign.status_code == 403 and foreign.get_json()["error"]["code"] == "forbidden"

    fellow.post(attempt_url + "/submit", data={"confirmed": "1"})  # confirmed on the summary
    late = _autosave(fellow, attempt_url, {"q-0": "0"})
    assert late.status_code == 409
    assert late.get_json() == {"error": {"code": "conflict", "message": "This attempt is already submitted.",
                                         "details": []}}
    # The page without the script still gets a page.
    assert fellow.post(attempt_url + "/save", data={"q-0": "0"}).status_code == 302


def test_a_page_asked_for_json_answers_the_envelope_and_a_browser_a_page(app, client):
    missing = client.get("/sessions/999999", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    page = client.get("/sessions/999999", headers={"Accept": "text/html,application/json;q=0.9"})
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_an_expired_form_token_answers_the_autosave_in_the_envelope(app, monkeypatch):
    quiz_id, *_ = setup_cohort(app)
    fellow = app.test_client()
    login(fellow, "fellow@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = _autosave(fellow, attempt_url, {"q-0": "0"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_request"


def test_no_second_json_error_shape_and_no_abort_in_the_code():
    envelope = re.compile(r"""[{(]\s*["']error["']\s*:""")
    found = []
    for path, text in _sources(INSTITUTE):
        where = str(path.relative_to(INSTITUTE))
        if re.search(r"\babort\(", text):
            found.append(f"abort() in {where}")
        # api/errors.py builds the envelope; api/openapi.py describes it.
        if where not in ("api/errors.py", "api/openapi.py") and envelope.search(text):
            found.append(f"an error JSON in {where}")
    autosave = (INSTITUTE / "static" / "autosave.js").read_text(encoding="utf-8")
    assert "body.error.details" not in autosave and "error.details" in autosave and "error.message" in autosave
    assert found == []


def test_views_turn_errors_into_words_only_through_the_bridge():
    # The ways each view used to word a refusal on its own.
    own_words = re.compile(r"flash\(exc|exc\.details\[0\]|for d in exc\.details|form_errors\.append\(exc"
                           r"|\.errors\) \+ \[exc|\[exc\.message\]")
    next_read = re.compile(r"""(args|form|values)\.get\(["']next["']""")
    found = []
    for path, text in _sources(INSTITUTE):
        where = str(path.relative_to(INSTITUTE))
        if where == "web.py":
            continue
        found += [f"{where}: {m.group(0)}" for m in own_words.finditer(text)]
        found += [f"{where}: reads next itself" for _m in next_read.finditer(text)]
    assert found == []


# ------------------------------------------------------------------ next


EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_logging_in_never_follows_next_to_another_host(client, make_user, target):
    make_user(email="n@example.org")
    response = client.post("/login", query_string={"next": target},
                           data={"email": "n@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", EVIL)
def test_choosing_a_language_never_follows_next_to_another_host(client, target):
    response = client.post("/language", data={"locale": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    back = client.post("/language", data={"locale": "en", "next": "/courses?q=sand"})
    assert back.headers["Location"] == "/courses?q=sand"


@pytest.mark.parametrize("target", EVIL)
def test_revoking_a_certificate_never_follows_next_to_another_host(app, target):
    with app.app_context():
        session_id = build_finished()["session"].id
        db.session.commit()
    admin = app.test_client()
    login(admin, "admin@example.org")
    admin.post(f"/admin/sessions/{session_id}/certificates/issue")
    response = admin.post("/certificates/GDI-2026-1-0001/revoke", data={"reason": "Duplicate", "next": target})
    assert response.status_code == 302 and response.headers["Location"].startswith("/verify/")
    here = f"/admin/sessions/{session_id}/certificates"
    again = admin.post("/certificates/GDI-2026-1-0002/revoke", data={"reason": "Duplicate", "next": here})
    assert again.headers["Location"] == here
