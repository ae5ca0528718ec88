"""Assignments (DESIGN §10 "Assessment beyond quizzes"): fellows send a file and/or a text
for an assignment of a course bundle; the session's instructors grade it per rubric
criterion. The assignments themselves are course content (``courses.models.Assignment``,
read from course.md at import); this package sits above training."""

from ..training import gradebook, progress
from . import services

# A passed assignment counts for completion like a quiz (see training.progress).
progress.register_requirement(services.assignment_requirement)
# The gradebook shows a column per assignment (see training.gradebook).
gradebook.register_columns(services.gradebook_columns)
