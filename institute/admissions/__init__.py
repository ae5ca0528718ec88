"""Admissions as a training programme runs them: a session's application questions and
their answers (files included), reviewers' scores, offers with a deadline to confirm,
and invitation letters for the visa. Applications themselves and the seat rules live in
institute.training."""

from ..training import services as training_services
from . import questions, services

# Training takes a session's questions when it is created or changed; admissions checks them.
training_services.register_questions(services.session_questions, questions.as_text)
