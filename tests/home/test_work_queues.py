"""Dashboards as work queues: each role sees what waits for it, counted, each item a link
that reaches the page where it is done; nobody sees queues, roles or tokens of no use to them."""

import re
from datetime import date, timedelta

from institute.database import utcnow
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import (
    RIGHT,
    committed,
    create_application,
    create_attempt,
    create_course,
    create_exchange,
    create_revision,
    create_session,
    create_staff,
    create_user,
    enrol,
    move_exchange,
)
from ..conftest import login


def _queue(page: str, key: str) -> str | None:
    found = re.search(rf'<li class="queue[^"]*" id="queue-{key}">(.*?)</li>\s*(?=<li class="queue|</ul>\s*</section>)',
                      page, re.S)
    return found.group(1) if found else None


def _count(block: str) -> int:
    return int(re.search(r'<span class="count"[^>]*>(\d+)</span>', block).group(1))


def _dashboard(app, email):
    client = app.test_client()
    login(client, email)
    return client, client.get("/dashboard").get_data(as_text=True)


def test_the_admins_queues_count_and_link_what_waits(app):
    with committed(app):
        admin = create_user(email="admin@example.org", roles="admin")
        session = create_session(title="Kubuqi 2026")
        create_application(session)
        create_application(session)
        create_application(session, status="accepted", admin=admin)
        exchange = create_exchange()
        move_exchange(exchange, "confirmed")
        create_course("drylands", publish=True)
        create_revision("drylands")
        db.session.add(OutboxMessage(recipient="x@example.org", subject="s", body="b", failed_at=utcnow(),
                                     next_attempt_at=utcnow()))
        ended = create_session(title="Ended 2025", year=2025, starts_on=date.today() - timedelta(days=60),
                               ends_on=date.today() - timedelta(days=1))
        enrol(ended, admin=admin)
    client, page = _dashboard(app, "admin@example.org")
    applications = _queue(page, "applications")
    assert _count(applications) == 2 and "Kubuqi 2026: 2 applications" in applications
    assert f'href="/admin/sessions/{session.id}/applications"' in applications
    exchanges = _queue(page, "exchanges")
    assert _count(exchanges) == 1 and f'href="/exchanges/{exchange.id}"' in exchanges
    assert "waiting for your approval" in exchanges
    reviews = _queue(page, "reviews")
    assert _count(reviews) == 1 and 'href="/courses/drylands/revisions/2/diff"' in reviews
    assert _count(_queue(page, "failed-mail")) == 1
    certify = _queue(page, "certificates")
    assert _count(certify) == 1 and f'href="/admin/sessions/{ended.id}/certificates"' in certify
    for link in re.findall(r'<a href="(/[^"]+)"', applications + exchanges + reviews + certify):
        assert client.get(link).status_code == 200, link  # each item reaches its page


def test_a_partner_sees_drafts_and_exchanges_to_confirm_not_the_admins_queues(app):
    with committed(app):
        staff = create_staff("CICA", email="host@example.org")
        hosted = create_exchange(host="CICA")
        create_exchange(host="UCA", home="CICA")  # sent by CICA: UCA confirms it, not them
        create_course("cica-course", partner="CICA", publish=False, author=staff)
    client, page = _dashboard(app, "host@example.org")
    exchanges = _queue(page, "exchanges")
    assert _count(exchanges) == 1 and f'href="/exchanges/{hosted.id}"' in exchanges
    assert "waiting for your confirmation" in exchanges
    drafts = _queue(page, "drafts")
    assert _count(drafts) == 1 and 'href="/courses/cica-course"' in drafts
    for key in ("applications", "failed-mail", "certificates", "reviews", "essays"):
        assert _queue(page, key) is None, key
    assert client.get(f"/exchanges/{hosted.id}").status_code == 200


def test_an_instructor_sees_essays_to_grade_and_revisions_to_review(app):
    with committed(app):
        instructor = create_user(email="instructor@example.org", roles="instructor")
        attempt = create_attempt(state="submitted", answers={**RIGHT, "3": "Sand dunes move with the wind."})
        session = create_session(courses=[attempt.quiz.revision.course], instructors=[instructor])
        create_application(session, attempt.user, "accepted")
    client, page = _dashboard(app, "instructor@example.org")
    essays = _queue(page, "essays")
    assert _count(essays) == 1 and f'href="/attempts/{attempt.id}"' in essays
    assert _queue(page, "reviews") is not None and _queue(page, "applications") is None
    assert client.get(f"/attempts/{attempt.id}").status_code == 200


def test_a_fellow_sees_progress_next_module_open_quizzes_and_no_roles_or_tokens(app):
    with committed(app):
        course = create_course("drylands", slug_title="Drylands").course
        session = create_session(courses=[course], starts_on=date.today() - timedelta(days=3),
                                 ends_on=date.today() + timedelta(days=10))
        enrol(session, create_user(email="fellow@example.org"))
    _client, page = _dashboard(app, "fellow@example.org")
    assert '<progress max="2" value="0"' in page and "0 of 2 modules done" in page
    assert "Next:" in page and "/courses/drylands/modules/" in page
    assert "Quizzes to pass:" in page and "/quizzes/" in page
    assert "ends in 10 days" in page
    assert "Waiting for you" not in page and "Your roles:" not in page and "API tokens" not in page


def test_a_fellow_sees_an_attempt_in_progress_with_its_deadline(app):
    with committed(app):
        attempt = create_attempt(state="started")
        email = attempt.user.email
        attempt_id, quiz_id = attempt.id, attempt.quiz_id
    _client, page = _dashboard(app, email)
    assert f'href="/quizzes/{quiz_id}"' in page
    assert f'<a href="/attempts/{attempt_id}">in progress</a>' in page
