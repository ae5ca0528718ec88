"""A quiz as its fellows will see it, with its right answers, for those who teach it.

Nothing is stored: no attempt is made and none is counted. Questions and choices
come in the order written (matching options in a fixed order of their own).
"""

import random

from ..courses.models import Quiz
from ..questions import type_of


def preview(quiz: Quiz) -> dict:
    """Every question of the quiz with its right answer, its answers' weights and feedback,
    its points and the author's title."""
    rng = random.Random(quiz.id)  # the same preview each time it is opened
    questions = []
    for index, question in enumerate(quiz.questions):
        kind = type_of(question)
        right = kind.right_answer(question)
        questions.append({
            "id": str(index), "kind": question["kind"], "title": question.get("title", ""),
            "text": question.get("text_html", question["text"]),
            **kind.payload(question, kind.layout(question, False, rng)),
            "answer": None,
            "max_points": kind.points(question),
            "graded_by_hand": kind.graded_by_hand,
            "right_answer": str(right) if right else "",
            "right_answers": right.items if right else [],
            "right_answer_heading": right.heading if right else "",
            "answer_key": [{"answer": entry.answer, "fraction": entry.fraction, "feedback": entry.feedback}
                           for entry in kind.answer_key(question)],
            "general_feedback": question.get("general_feedback_html", ""),
        })
    return {"quiz": quiz.id, "title": quiz.title, "pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts,
            "time_limit_minutes": quiz.time_limit_minutes, "shuffle": quiz.shuffle,
            "max_score": sum(q["max_points"] for q in questions), "questions": questions}
