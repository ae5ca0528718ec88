"""The builders make what they say, in every state, by the rules (tests/builders.py)."""

from datetime import date

import pytest

from institute.accounts.models import Role
from institute.exchanges.models import ExchangeStatus as EXCHANGE_STATES
from institute.quizzes.attempts import GRACE
from institute.training import services as training
from institute.training.models import ApplicationStatus as APPLICATION_STATES

from .builders import (
    APPLICATION_PATHS,
    EVERY_KIND,
    EVERY_KIND_RIGHT,
    EXCHANGE_PATHS,
    create_application,
    create_attempt,
    create_certificate,
    create_course,
    create_exchange,
    create_guest_teacher,
    create_partner,
    create_quiz,
    create_revision,
    create_session,
    create_staff,
    create_teaching_certificate,
    create_user,
    enrol_cohort,
    enrol_in_course,
)


def test_users_of_each_role_and_partners(ctx):
    assert [create_user(roles=role).roles for role in Role] == [{role} for role in Role]
    staff = create_staff("CICA")
    assert staff.roles == {"partner"} and staff.partner.code == "CICA"
    partner = create_partner(country="MN")
    assert create_staff(partner.code).partner == partner and partner.country == "MN"


def test_courses_with_a_published_and_a_draft_revision(ctx):
    course = create_course().course
    draft = create_revision(text="gravel plains")
    assert draft.course == course and draft.revision.number == 2 and draft.status == "draft"
    assert course.published.number == 1 and course.has_draft
    assert "gravel plains" in draft.revision.modules[0].html


def test_a_quiz_with_a_question_of_every_kind(ctx):
    quiz = create_quiz(EVERY_KIND)
    kinds = [q["kind"] for q in quiz.questions]
    assert kinds == ["multichoice", "multianswer", "truefalse", "shortanswer", "numerical", "matching",
                     "essay", "description"]
    attempt = create_attempt(quiz, state="submitted", answers=EVERY_KIND_RIGHT)
    assert (attempt.score, attempt.max_score, attempt.passed) == (6, 7, True)  # all but the essay


def test_sessions_with_courses_instructors_and_a_guest_teacher(ctx):
    instructor, guest = create_user(roles="instructor"), create_guest_teacher()
    session = create_session(courses=[create_course().course], instructors=[instructor, guest])
    assert [c.slug for c in session.courses] == ["test-course"]
    assert training.teaches(instructor, session) and training.teaches(guest, session)
    assert guest.roles == {"partner"}


def test_applications_in_each_state(ctx):
    assert set(APPLICATION_PATHS) == set(APPLICATION_STATES) | {"offered"}
    session = create_session()
    for status in APPLICATION_STATES:
        assert create_application(session, status=status).status == status
    assert create_application(session).confirmed_at is None
    assert create_application(session, status="accepted").confirmed_at is not None
    offered = create_application(session, status="offered")
    assert offered.status == "accepted" and offered.confirmed_at is None and offered.offer_expires_at


def test_a_cohort_and_fellows_of_a_course(ctx):
    session = create_session(seats=4, courses=[create_course().course])
    fellows = enrol_cohort(session, 4)
    assert training.accepted_count(session) == 4
    assert enrol_in_course("test-course", fellows[0]) is fellows[0]  # studies it already
    other = enrol_in_course("test-course")  # the session is full: one of its own
    assert training.studies(other, session.courses[0].id) and training.accepted_count(session) == 4


def test_attempts_in_each_state(ctx):
    quiz = create_quiz(time_limit_minutes=20)
    started = create_attempt(quiz, answers={"0": 0})
    assert not started.submitted and len(started.answers) == 1
    submitted = create_attempt(quiz, state="submitted", answers={"0": 0, "3": "An essay."})
    assert submitted.submitted and submitted.pending_grading and submitted.score == 1
    graded = create_attempt(quiz, state="graded", answers={"3": "An essay."}, points=0.5)
    assert not graded.pending_grading and graded.score == 0.5
    expired = create_attempt(quiz, state="expired", answers={"1": True})
    assert expired.submitted_at == expired.deadline + GRACE and expired.score == 1
    with pytest.raises(ValueError):
        create_attempt(create_quiz(slug="untimed"), state="expired")


def test_exchanges_in_each_state(ctx):
    assert set(EXCHANGE_PATHS) == set(EXCHANGE_STATES)
    for status in EXCHANGE_STATES:
        exchange = create_exchange(status)
        assert exchange.status == status and exchange.events[-1].to_status == status
    under_way = create_exchange("approved", starts_on=date.today())
    assert under_way.starts_on == date.today()


def test_certificates_issued_revoked_and_of_teaching(ctx):
    fellow = create_user(name="Aida Fellow")
    issued = create_certificate(fellow=fellow)
    assert issued.holder == fellow and issued.revoked_at is None
    revoked = create_certificate("revoked", reason="Duplicate")
    assert revoked.revoked_at is not None and revoked.revocation_reason == "Duplicate"
    assert create_teaching_certificate().kind == "teaching"
