"""The demo data set, loaded into a test's database, and the real ids it holds.

The GET crawl and the schemathesis run both need an institute with something in
it: the demo (``flask demo``), plus what the demo leaves out (certificates, an
exchange's file, an invitation link), so every route has a real value to reach.
"""

import sqlalchemy as sa

from institute.demo import DEMO_PASSWORD
from institute.extensions import db

# One demo login per role (README, "Demo logins").
LOGINS = {
    "trainee": "fellow@gdi.example",
    "partner": "partner@cica.example",
    "instructor": "instructor@gdi.example",
    "admin": "admin@gdi.example",
}


def load_demo(app) -> str:
    """Load the demo, then issue its certificates and add a file and an invitation
    (whose link's raw token is returned: only its hash is kept)."""
    from institute.accounts import services as accounts
    from institute.certificates import services as certificates
    from institute.exchanges import services as exchanges
    from institute.exchanges.models import Exchange
    from institute.training.models import TrainingSession

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = accounts.user_by_email(LOGINS["admin"])
        session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026))
        certificates.issue_session(session, admin, processes=1)
        completed = db.session.scalar(sa.select(Exchange).where(Exchange.status == "completed"))
        certificates.issue_teaching(completed, admin)
        exchanges.attach_file(completed, admin, "syllabus.txt", b"Two field days and a shared syllabus.\n")
        _user, token = accounts.invite_user("invited@fellows.example", "Invited Fellow")
        db.session.commit()
    return token


def demo_values(app, token: str) -> list[dict]:
    """Sets of URL arguments that belong together (a session with one of its fellows and
    that fellow's attempt…), from the demo's rows."""
    from institute.accounts.models import Partner, User
    from institute.assignments.models import Submission
    from institute.certificates.models import Certificate
    from institute.courses.models import Course, RevisionFile
    from institute.discussion.models import Post
    from institute.exchanges.models import Exchange
    from institute.quizzes.models import Attempt
    from institute.schedule.models import Event
    from institute.training.models import Application

    contexts: list[dict] = []
    with app.app_context():
        for course in db.session.scalars(sa.select(Course).order_by(Course.id)):
            revision = course.published or course.revisions[-1]
            stored = db.session.scalar(sa.select(RevisionFile).where(RevisionFile.revision_id == revision.id))
            contexts.append({"slug": course.slug, "module": revision.modules[0].slug, "number": revision.number,
                             "sha256": stored.blob_sha256, "path": stored.path,
                             "quiz_id": revision.quizzes[0].id if revision.quizzes else 0})
        for application in db.session.scalars(sa.select(Application).order_by(Application.id)):
            attempt = db.session.scalar(sa.select(Attempt).where(Attempt.user_id == application.user_id)
                                        .order_by(Attempt.id))
            contexts.append({"session_id": application.session_id, "user_id": application.user_id,
                             "application_id": application.id, "question_id": "cv",
                             "attempt_id": attempt.id if attempt else 0,
                             "quiz_id": attempt.quiz_id if attempt else 0,
                             "question": _essay_index(attempt)})
        for exchange in db.session.scalars(sa.select(Exchange).order_by(Exchange.id)):
            contexts.append({"exchange_id": exchange.id, "file_id": exchange.files[0].id if exchange.files else 0})
        for certificate in db.session.scalars(sa.select(Certificate).order_by(Certificate.id)):
            contexts.append({"serial": certificate.serial, "code": certificate.code})
        contexts += [{"thread_id": t, "post_id": p} for p, t in db.session.execute(
            sa.select(Post.id, Post.thread_id).order_by(Post.id).limit(4))]
        contexts += [{"assignment_id": a, "submission_id": s} for s, a in db.session.execute(
            sa.select(Submission.id, Submission.assignment_id).order_by(Submission.id).limit(3))]
        contexts += [{"event_id": e} for e in db.session.scalars(sa.select(Event.id).order_by(Event.id).limit(3))]
        contexts += [{"partner_id": p} for p in db.session.scalars(sa.select(Partner.id).order_by(Partner.id))]
        contexts += [{"user_id": u} for u in db.session.scalars(sa.select(User.id).order_by(User.id))]
    contexts += [{"token": token}, {"year": 2026}, {"year": 2025}, {"filename": "style.css"}]
    return contexts


def _essay_index(attempt) -> int:
    if attempt is None:
        return 0
    return next((i for i, q in enumerate(attempt.quiz.questions) if q["kind"] == "essay"), 0)


def logged_in_clients(app, login) -> dict:
    """A test client per role, logged in through /login, and one for a visitor."""
    clients = {"visitor": app.test_client()}
    for role, email in LOGINS.items():
        client = app.test_client()
        response = login(client, email, DEMO_PASSWORD)
        assert response.status_code == 302, (role, response.status_code)
        clients[role] = client
    return clients
