"""JSON shapes of assignments and submissions for the API."""

from flask import url_for

from ..courses.models import Assignment
from .models import Submission


def assignment_json(assignment: Assignment) -> dict:
    return {
        "id": assignment.id, "title": assignment.title, "file": assignment.file,
        "course": assignment.revision.course.slug, "revision": assignment.revision.number,
        "after": assignment.after_module, "pass_mark": assignment.pass_mark,
        "max_points": assignment.max_points, "max_megabytes": assignment.max_megabytes,
        "rubric": [{"criterion": r["criterion"], "points": r["points"]} for r in assignment.rubric],
        "instructions_html": assignment.html,
    }


def submission_json(submission: Submission) -> dict:
    file = None
    if submission.file_name is not None:
        file = {"name": submission.file_name, "content_type": submission.file_type, "size": submission.file_size,
                "url": url_for("assignments_api.submission_file", submission_id=submission.id)}
    return {
        "id": submission.id, "assignment": submission.assignment_id, "title": submission.assignment.title,
        "session": submission.session_id,
        "fellow": {"id": submission.user.id, "name": submission.user.name, "email": submission.user.email},
        "text": submission.text, "file": file, "submitted_at": submission.submitted_at.isoformat(),
        "times": submission.times, "graded": submission.graded, "scores": submission.scores,
        "total": submission.total, "max_points": submission.assignment.max_points,
        "pass_mark": submission.assignment.pass_mark, "passed": submission.passed,
        "feedback": submission.feedback,
        "graded_at": submission.graded_at.isoformat() if submission.graded_at else None,
    }
