"""A training session's schedule: lectures, field trips and deadlines, each user's
private calendar feed, and attendance at on-site events."""

from ..quizzes import roster
from ..training import progress
from . import services

# A deadline on the schedule may close a quiz (see quizzes.roster).
roster.register_closing(services.quiz_closes_at)
# A session may require a share of attendance for completion (see training.progress).
progress.register_requirement(services.attendance_requirement)
