"""Admissions as a training programme runs them: a session's application questions and
their answers (files included), reviewers' scores, offers with a deadline to confirm,
and invitation letters for the visa. Applications themselves and the seat rules live in
institute.training."""
