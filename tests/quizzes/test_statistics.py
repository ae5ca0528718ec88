import pytest

from institute.quizzes.statistics import quiz_statistics

from ..builders import create_attempt, create_quiz


def take(quiz, answers):
    return create_attempt(quiz, state="submitted", answers=answers)


def test_facility_discrimination_and_choices(ctx):
    quiz = create_quiz()
    # Strong fellows get both questions right; weak ones miss the multiple choice too.
    take(quiz, {"0": 0, "1": True, "2": 1.0})
    take(quiz, {"0": 0, "1": True, "2": 1.0})
    take(quiz, {"0": 1, "1": False, "2": 3})
    take(quiz, {"0": 2, "1": True, "2": 7})
    stats = quiz_statistics(quiz)
    assert stats.attempts == 4
    assert stats.mean == pytest.approx((75 + 75 + 0 + 25) / 4, abs=0.1)
    assert stats.median == 50.0
    mc, tf, num, essay = stats.questions
    assert mc.facility == 50.0 and tf.facility == 75.0
    assert mc.choices == [("Ulaanbaatar", 2), ("Darkhan", 1), ("Erdenet", 1)]
    assert tf.choices == [("true", 3), ("false", 1)]
    # The multiple choice separates the strong from the weak: positive discrimination.
    assert mc.discrimination is not None and mc.discrimination > 0.5
    assert essay.facility == 0.0  # nobody wrote one: 0, nothing to grade


def test_no_attempts(ctx):
    quiz = create_quiz()
    stats = quiz_statistics(quiz)
    assert stats.attempts == 0 and stats.mean is None
    assert all(q.facility is None for q in stats.questions)
