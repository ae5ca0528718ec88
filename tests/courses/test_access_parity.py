"""A course revision, loaded for an actor in one place (``revision_for``): the pages, the API
and ``courses export`` refuse the same people with the same words."""

import io
import zipfile

import pytest

from institute.accounts.services import user_by_email
from institute.courses import services
from institute.courses.bundle import Bundle
from institute.extensions import db

from ..builders import course_files, create_course, create_user
from ..conftest import bearer, login
from ..parity import api_refusal, cli_refusal, page_refusal, sent_to_login

HIDDEN = (404, "No such course.")  # a draft does not exist for those who may not see it
NO_BUNDLES = (403, "Only partner staff, instructors and admins download course bundles.")


@pytest.fixture
def course(app):
    """UCA's course ``rs``: revision 1 published, revision 2 a draft; people, committed."""
    with app.app_context():
        create_course(slug="rs", partner="UCA")
        owner = create_user(email="staff@uca.example", roles="partner", partner="UCA")
        create_user(email="staff@cica.example", roles="partner", partner="CICA")
        create_user(email="instructor@gdi.example", roles="instructor", partner="GDI")
        create_user(email="fellow@example.org")
        services.upload(Bundle(slug="rs", files=course_files(partner="UCA", body="Changed.")), owner)
        db.session.commit()
    return "rs"


def channels(app, runner, tmp_path, email: str, revision: int, what: str) -> list:
    """What the page, the API and (for a bundle) the CLI answered ``email``."""
    client = app.test_client()
    login(client, email)
    token = bearer(client, email)
    if what == "read":
        return [page_refusal(client.get(f"/courses/rs?revision={revision}")),
                api_refusal(client.get(f"/api/v1/courses/rs?revision={revision}", headers=token))]
    result = runner.invoke(args=["courses", "export", "rs", str(tmp_path / "out.zip"),
                                 "--revision", str(revision), "--as", email])
    return [page_refusal(client.get(f"/courses/rs/bundle?revision={revision}")),
            api_refusal(client.get(f"/api/v1/courses/rs/bundle?revision={revision}", headers=token)),
            cli_refusal(result)]


@pytest.mark.parametrize("email", ["fellow@example.org", "staff@cica.example"])
def test_a_draft_is_hidden_alike_from_those_who_may_not_see_it(app, runner, tmp_path, course, email):
    """A fellow and a partner of another institution: the draft is not there."""
    assert channels(app, runner, tmp_path, email, 2, "read") == [HIDDEN, HIDDEN]


def test_bundles_are_refused_alike(app, runner, tmp_path, course):
    """A fellow holds no role that downloads bundles; a partner of another institution
    downloads the published revision but finds no draft."""
    page, api, cli = channels(app, runner, tmp_path, "fellow@example.org", 1, "export")
    assert page == api == NO_BUNDLES and cli == NO_BUNDLES[1]
    page, api, cli = channels(app, runner, tmp_path, "staff@cica.example", 2, "export")
    assert page == api == HIDDEN and cli == HIDDEN[1]


@pytest.mark.parametrize("email", ["staff@uca.example", "instructor@gdi.example"])
def test_the_owner_and_reviewers_get_the_draft_on_every_channel(app, runner, tmp_path, course, email):
    client = app.test_client()
    login(client, email)
    token = bearer(client, email)
    assert client.get("/courses/rs?revision=2").status_code == 200
    assert client.get("/api/v1/courses/rs?revision=2", headers=token).get_json()["revision_info"]["number"] == 2
    page = client.get("/courses/rs/bundle?revision=2").data
    api = client.get("/api/v1/courses/rs/bundle?revision=2", headers=token).data
    target = tmp_path / "out.zip"
    result = runner.invoke(args=["courses", "export", "rs", str(target), "--revision", "2", "--as", email])
    assert result.exit_code == 0, result.output
    assert page == api == target.read_bytes()
    assert b"Changed." in zipfile.ZipFile(io.BytesIO(page)).read("rs/course.md")


def test_visitors_and_the_institute(app, runner, tmp_path, course):
    """A visitor reads published courses only (the API wants a token); the command line,
    naming no one, acts for the institute and exports the draft."""
    client = app.test_client()
    assert page_refusal(client.get("/courses/rs?revision=2")) == HIDDEN
    assert client.get("/courses/rs").status_code == 200
    assert api_refusal(client.get("/api/v1/courses/rs?revision=2"))[0] == 401
    assert sent_to_login(client.get("/courses/rs/bundle"))
    result = runner.invoke(args=["courses", "export", "rs", str(tmp_path), "--revision", "2"])
    assert result.exit_code == 0, result.output
    unknown = runner.invoke(args=["courses", "export", "rs", str(tmp_path), "--as", "nobody@example.org"])
    assert cli_refusal(unknown) == "No user has the email nobody@example.org."


def test_an_unknown_course_or_revision_reads_the_same_everywhere(app, runner, tmp_path, course):
    client = app.test_client()
    login(client, "instructor@gdi.example")
    token = bearer(client, "instructor@gdi.example")
    for url, message in (("nothing-here", "No such course."), ("rs?revision=9", "No such revision.")):
        assert page_refusal(client.get(f"/courses/{url}")) \
            == api_refusal(client.get(f"/api/v1/courses/{url}", headers=token)) == (404, message)
    slug, number = ("nothing-here", "1"), ("rs", "9")
    for (name, revision), message in ((slug, "No such course."), (number, "No such revision.")):
        result = runner.invoke(args=["courses", "export", name, str(tmp_path), "--revision", revision])
        assert cli_refusal(result) == message


def test_diffs_are_for_reviewers_and_the_owner(app, course):
    """The diff page has no API or CLI twin; it loads the revision the same way."""
    client = app.test_client()
    login(client, "staff@cica.example")
    assert page_refusal(client.get("/courses/rs/revisions/2/diff")) \
        == (403, "Only reviewers and the owning institution see revision diffs.")
    owner = app.test_client()
    login(owner, "staff@uca.example")
    assert owner.get("/courses/rs/revisions/2/diff").status_code == 200
    with app.app_context():
        owner = user_by_email("staff@uca.example")
        assert services.revision_for("rs", owner, "review", 2).number == 2
