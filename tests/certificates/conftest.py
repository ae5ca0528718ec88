import pytest

from ..builders import committed, create_finished_session, issue_certificates


@pytest.fixture
def finished(ctx):
    """A session of a course without a quiz: four fellows (HOLDER_NAMES) completed it, one did not."""
    return create_finished_session()


@pytest.fixture
def finished_web(app):
    """The same, committed, with no app context left open: requests get their own."""
    with committed(app):
        return {"session_id": create_finished_session()["session"].id}


@pytest.fixture
def issued(finished):
    return {**finished, "result": issue_certificates(finished["session"], finished["admin"])}
