"""Training sessions, applications, cohorts, enrolment, progress and completion."""

from ..quizzes import roster
from . import services

# Training says who takes and who grades a course's quizzes (see quizzes.roster).
roster.register(services)
