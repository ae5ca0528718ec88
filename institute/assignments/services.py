"""The rules of assignments: who reads and submits, what a submission may hold, who
grades it and how, and what training's completion and gradebook read of them.

One loader per resource (``assignment_for``, ``submission_for``): pages, the API and
the services ask there, so a refusal reads the same wherever it is met.
"""

import math
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..courses.models import Assignment, CourseRevision
from ..courses.services import may_read
from ..database import among, utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..filetypes import DOCUMENTS, check_upload, stored_name
from ..links import external_url
from ..notifications.services import notify_user
from ..training.models import Application, ApplicationStatus, SessionCourse, TrainingSession
from ..training.progress import Standing
from ..training.services import may_manage_cohort, taught_session_ids
from .models import Submission, assignment_key

# What a fellow may send: documents and photographs (a field report, a scanned sketch).
ACCEPTED = (*DOCUMENTS, "png", "jpeg")
MAX_TEXT = 50_000
MAX_FEEDBACK = 10_000
ASSIGNMENT = "assignment"  # a Standing's kind: an assignment not passed yet
ASSIGNMENT_PENDING = "assignment-pending"  # submitted, waiting for a grade

AssignmentPurpose = Literal["read", "submit"]
SubmissionPurpose = Literal["read", "grade"]


@dataclass
class Upload:
    """A file sent with a submission: its name as sent and its bytes (read up to the limit)."""

    name: str
    data: bytes


def max_bytes(assignment: Assignment) -> int:
    return assignment.max_megabytes * 2**20


# ------------------------------------------------------------------ loading


def fellow_session(user: User | None, course_id: int) -> TrainingSession | None:
    """The latest session with this course whose cohort the user is in, or None."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(TrainingSession).join(SessionCourse, SessionCourse.session_id == TrainingSession.id)
        .join(Application, Application.session_id == TrainingSession.id)
        .where(SessionCourse.course_id == course_id, Application.user_id == user.id,
               Application.status == ApplicationStatus.ACCEPTED)
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc()).limit(1))


def assignment_for(assignment_id: int, actor: User | None, purpose: AssignmentPurpose = "read") -> Assignment:
    """The assignment, for an actor who may read its revision (a draft's assignment is
    unknown to others); to ``submit``, a fellow of a session with its course."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not may_read(actor, assignment.revision):
        raise NotFound(_("No such assignment."))
    if purpose == "submit" and fellow_session(actor, assignment.revision.course_id) is None:
        raise Forbidden(_("Only fellows of a session with this course submit its assignments."))
    return assignment


def may_grade(actor: User | None, submission: Submission) -> bool:
    """Admins, and the teachers of the session the fellow submitted in."""
    return may_manage_cohort(actor, submission.session)


def submission_for(submission_id: int, actor: User | None, purpose: SubmissionPurpose = "read") -> Submission:
    """A submission (and its file) for its fellow and its graders; another fellow learns
    nothing of it (404), other staff are refused (403). Grading is its graders' alone."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or actor is None or not actor.is_authenticated:
        raise NotFound(_("No such submission."))
    grader = may_grade(actor, submission)
    if purpose == "grade" and not grader:
        if actor.id != submission.user_id and not actor.has_role("admin", "instructor", "partner"):
            raise NotFound(_("No such submission."))
        raise Forbidden(_("Only the instructors of the fellow's session and admins grade this submission."))
    if purpose == "read" and not grader and actor.id != submission.user_id:
        if not actor.has_role("admin", "instructor", "partner"):
            raise NotFound(_("No such submission."))
        raise Forbidden(_("Only the fellow, the instructors of their session and admins see this submission."))
    return submission


def submission_of(user: User | None, assignment: Assignment) -> Submission | None:
    """The user's submission for the assignment (on any revision of its course)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Submission).where(
        Submission.user_id == user.id, Submission.assignment_key == assignment_key(assignment)))


# ------------------------------------------------------------------ submitting


def submit(assignment: Assignment, user: User, text: str | None, upload: Upload | None) -> Submission:
    """Send (or send again, until graded) a text and/or a file. Checked first, written once:
    the file by its content, never its name, and within the assignment's size."""
    session = fellow_session(user, assignment.revision.course_id)
    if session is None:
        raise Forbidden(_("Only fellows of a session with this course submit its assignments."))
    text = (text or "").strip()
    details: list[dict] = []
    kind = None
    if len(text) > MAX_TEXT:
        details.append({"field": "text", "message": _("At most %(n)s characters.", n=MAX_TEXT)})
    if upload is not None:
        try:
            kind = check_upload(upload.data, ACCEPTED, max_bytes(assignment))
        except Invalid as exc:
            details += exc.details
    if not text and upload is None:
        details.append({"field": "text", "message": _("Write a text or choose a file to send.")})
    if details:
        raise Invalid(_("The submission was not sent."), details=details)
    submission = submission_of(user, assignment)
    if submission is not None and submission.graded:
        raise Conflict(_("This submission is graded: it can no longer be changed."))
    if submission is None:
        submission = Submission(assignment_key=assignment_key(assignment), user=user, times=0,
                                assignment=assignment, session=session, submitted_at=utcnow())
        try:
            with db.session.begin_nested():  # two first sends at once: one row, the other is told
                db.session.add(submission)
        except IntegrityError:
            raise Conflict(_("Your work was just sent from elsewhere: reload the page and send it again.")) \
                from None
    submission.assignment = assignment
    submission.session = session
    submission.text = text
    submission.submitted_at = utcnow()
    submission.times += 1
    if upload is not None and kind is not None:
        submission.file_name = stored_name(upload.name, kind)
        submission.file_type = kind.content_type
        submission.file_size = len(upload.data)
        submission.file_data = upload.data
    db.session.flush()
    return submission




# ------------------------------------------------------------------ grading


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def grade(submission: Submission, grader: User, scores, feedback: str | None) -> Submission:
    """Points for every criterion of the rubric (each from 0 to its points) and feedback;
    passed when the total reaches the pass mark. A grade may be corrected; the fellow is
    told by email each time."""
    if not may_grade(grader, submission):
        raise Forbidden(_("Only the instructors of the fellow's session and admins grade this submission."))
    rubric = submission.assignment.rubric
    details: list[dict] = []
    if not isinstance(scores, dict):
        raise Invalid(_("The grade was not saved."), details=[
            {"field": "scores", "message": _("Give points for each criterion of the rubric.")}])
    known = {row["criterion"]: row["points"] for row in rubric}
    for name in scores:
        if name not in known:
            details.append({"field": f"scores.{name}", "message": _("The rubric has no such criterion.")})
    kept = {}
    for criterion, points in known.items():
        value = scores.get(criterion)
        if value is None or value == "":
            details.append({"field": f"scores.{criterion}", "message": _("Give points for this criterion.")})
        elif not _is_number(value) or not 0 <= value <= points:
            details.append({"field": f"scores.{criterion}",
                            "message": _("From 0 to %(n)s points.", n=points)})
        else:
            kept[criterion] = float(value)
    feedback = (feedback or "").strip()
    if len(feedback) > MAX_FEEDBACK:
        details.append({"field": "feedback", "message": _("At most %(n)s characters.", n=MAX_FEEDBACK)})
    if details:
        raise Invalid(_("The grade was not saved."), details=details)
    submission.scores = kept
    submission.total = sum(kept.values())
    submission.passed = submission.total >= submission.assignment.pass_mark
    submission.feedback = feedback
    submission.graded_at, submission.graded_by = utcnow(), grader
    db.session.flush()
    notify_user(submission.user, "assignment-graded", "assignments/email/graded.txt",
                _l("Your submission for %(title)s is graded", title=submission.assignment.title),
                submission=submission, grader=grader,
                link=external_url("assignments.assignment", assignment_id=submission.assignment_id))
    return submission


# ------------------------------------------------------------------ lists


def session_assignments(sessions: list[TrainingSession]) -> dict[int, list[tuple[Assignment, str, str]]]:
    """Each session's assignments (of its courses' published revisions) with their key and
    course title, in one statement."""
    revision_ids = [link.course.published_revision_id for s in sessions for link in s.course_links
                    if link.course.published_revision_id]
    found: dict[int, list[tuple[Assignment, str, str]]] = {s.id: [] for s in sessions}
    if not revision_ids:
        return found
    rows = db.session.execute(
        sa.select(Assignment, CourseRevision.course_id, CourseRevision.title)
        .join(CourseRevision, CourseRevision.id == Assignment.revision_id)
        .where(Assignment.revision_id.in_(revision_ids)).order_by(CourseRevision.id, Assignment.id))
    by_course: dict[int, list[tuple[Assignment, str, str]]] = {}
    for assignment, course_id, title in rows:
        by_course.setdefault(course_id, []).append((assignment, f"{course_id}:{assignment.file}", title))
    for session in sessions:
        for link in session.course_links:
            found[session.id] += by_course.get(link.course_id, [])
    return found


# What lists and progress read of a submission: never its text, file or scores.
_STANDING = sa.orm.load_only(Submission.id, Submission.user_id, Submission.assignment_key, Submission.total,
                             Submission.passed, Submission.graded_at)


def _submissions(user_ids: list[int], keys: list[str]) -> dict[tuple[int, str], Submission]:
    """Each user's submission to each assignment (by key), as its standing only."""
    if not user_ids or not keys:
        return {}
    rows = db.session.scalars(sa.select(Submission).options(_STANDING).where(
        among(Submission.user_id, user_ids), Submission.assignment_key.in_(keys)))
    return {(s.user_id, s.assignment_key): s for s in rows}


def queue(session: TrainingSession) -> list[tuple[Assignment, list[Submission]]]:
    """The session's assignments, each with the submissions its fellows sent: ungraded
    first, oldest first (what the graders go through)."""
    assignments = session_assignments([session])[session.id]
    keys = [key for _a, key, _t in assignments]
    rows = list(db.session.scalars(
        sa.select(Submission).options(sa.orm.joinedload(Submission.user))
        .where(Submission.session_id == session.id, Submission.assignment_key.in_(keys))
        .order_by(Submission.graded_at.is_not(None), Submission.submitted_at, Submission.id)).unique()) \
        if keys else []
    return [(a, [s for s in rows if s.assignment_key == key]) for a, key, _t in assignments]


def open_work(user: User, sessions: list[TrainingSession]) -> dict[str, list[tuple[int, str, str]]]:
    """The assignments a fellow has still to pass in their sessions, by course slug: (id,
    title, state), the state "todo" (nothing sent), "pending" (waiting for a grade) or
    "failed"; in two statements, for the dashboard."""
    by_session = session_assignments(sessions)
    slugs = {link.course_id: link.course.slug for s in sessions for link in s.course_links}
    rows = list({key: assignment for s in sessions for assignment, key, _t in by_session[s.id]}.items())
    sent = _submissions([user.id], [key for key, _a in rows])
    work: dict[str, list[tuple[int, str, str]]] = {}
    for key, assignment in rows:
        found = sent.get((user.id, key))
        if found is not None and found.passed:
            continue
        state = "todo" if found is None else "pending" if not found.graded else "failed"
        work.setdefault(slugs[int(key.split(":")[0])], []).append((assignment.id, assignment.title, state))
    return work


def to_grade(actor: User) -> list[Submission]:
    """Work waiting for this person's grade, oldest first: in every session for admins, in
    the sessions they teach for instructors and guest teachers (``may_grade``'s rule,
    asked of the sessions at once), in one statement with their sessions."""
    stmt = (sa.select(Submission).where(Submission.graded_at.is_(None))
            .options(sa.orm.joinedload(Submission.session).load_only(TrainingSession.id, TrainingSession.title))
            .order_by(Submission.submitted_at, Submission.id))
    if not actor.has_role("admin"):
        sessions = taught_session_ids(actor)
        if not sessions:
            return []
        stmt = stmt.where(Submission.session_id.in_(sorted(sessions)))
    return list(db.session.scalars(stmt))


def submissions_for_grader(assignment: Assignment, actor: User | None, session_id: int | None = None
                           ) -> list[Submission]:
    """The submissions to the assignment (any revision) that the actor grades: an admin's,
    all; an instructor's, those of the sessions they teach. Refused to anyone who grades none."""
    if actor is None or not actor.is_authenticated or not actor.has_role("admin", "instructor"):
        raise Forbidden(_("Only instructors and admins see the submissions to an assignment."))
    stmt = (sa.select(Submission).options(sa.orm.joinedload(Submission.user))
            .where(Submission.assignment_key == assignment_key(assignment))
            .order_by(Submission.submitted_at, Submission.id))
    if session_id is not None:
        stmt = stmt.where(Submission.session_id == session_id)
    return [s for s in db.session.scalars(stmt).unique() if may_grade(actor, s)]


# ------------------------------------------------------------------ what training reads


def assignment_requirement(sessions: list[TrainingSession], applications: list[Application]) -> dict:
    """Completion's assignment rule (registered with training.progress): each assignment of
    the session's courses counts when the fellow's submission is graded at or above its
    pass mark. Three statements however many sessions and fellows."""
    assignments = session_assignments(sessions)
    keys = sorted({key for rows in assignments.values() for _a, key, _t in rows})
    submissions = _submissions(sorted({a.user_id for a in applications}), keys)
    standings: dict[int, list[Standing]] = {}
    for application in applications:
        for assignment, key, course_title in assignments.get(application.session_id, []):
            found = submissions.get((application.user_id, key))
            met = bool(found is not None and found.passed)
            kind = ASSIGNMENT_PENDING if found is not None and not found.graded else ASSIGNMENT
            standings.setdefault(application.id, []).append(Standing(
                kind, found.total if found is not None else None, assignment.pass_mark, met,
                title=assignment.title, course=course_title))
    return standings


def gradebook_columns(session: TrainingSession, user_ids: list[int]):
    """The gradebook's columns for the session's assignments (registered with
    training.gradebook): each fellow's points, or that the work waits for a grade."""
    from flask import url_for

    from ..training.gradebook import Column

    assignments = session_assignments([session])[session.id]
    submissions = _submissions(user_ids, [key for _a, key, _t in assignments])
    # The start of every cell's link built once, not once per submission (the id ends it).
    submission_url = url_for("assignments.submission", submission_id=0)[:-1]
    columns = []
    for assignment, key, _title in assignments:
        cells = {}
        for user_id in user_ids:
            found = submissions.get((user_id, key))
            if found is None:
                continue
            url = f"{submission_url}{found.id}"
            if found.graded:
                cells[user_id] = Column.Cell(
                    f"{found.total:g}/{assignment.max_points}", url, "passed" if found.passed else "failing",
                    found.total, found.id)
            else:
                cells[user_id] = Column.Cell(_("to grade"), url, "pending", None, found.id)
        columns.append(Column(assignment.title, url_for("assignments.session_queue", session_id=session.id),
                              cells, f"{assignment.title} (points)", "assignment", assignment.id,
                              assignment.max_points))
    return columns
