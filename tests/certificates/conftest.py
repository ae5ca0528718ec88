import pytest

from institute.certificates import services as certificates
from institute.courses.services import mark_done
from institute.extensions import db
from institute.training import services as training

from ..builders import MOTIVATION, create_course, create_session, create_user

NAMES = ["José Ñúñez", "Айгерим Сапарова", "فاطمة الزهراء", "王小明"]


def build_finished():
    """A session whose course has no quiz: four fellows completed it, one did not."""
    course = create_course(slug="short", quiz=False).course
    admin = create_user(email="admin@example.org", roles="admin")
    session = create_session(courses=["short"])
    fellows = []
    for index, name in enumerate(NAMES + ["Slow Fellow"]):
        application = training.apply(session, create_user(email=f"f{index}@example.org", name=name),
                                     MOTIVATION)
        training.decide(application, "accept", admin)
        fellows.append(application.user)
        modules = ["module-1", "module-2"] if index < len(NAMES) else ["module-1"]
        for module in modules:
            mark_done(application.user, course, module)
    db.session.flush()
    return {"session": session, "admin": admin, "fellows": fellows}


@pytest.fixture
def finished(ctx):
    return build_finished()


@pytest.fixture
def finished_web(app):
    """The same, committed, with no app context left open: requests get their own."""
    with app.app_context():
        data = build_finished()
        db.session.commit()
        return {"session_id": data["session"].id}


@pytest.fixture
def issued(finished):
    result = certificates.issue_session(finished["session"], finished["admin"], processes=1)
    return {**finished, "result": result}
