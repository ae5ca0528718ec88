"""Questions as formats: GIFT, question types and their rendering, knowing no domain.

Beside ``institute/markdown.py``: the course library reads GIFT with it, the
quizzes take, score and count answers with it; it imports neither.
"""

from .registry import TYPES, KeyEntry, QuestionType, RightAnswer, Score, register, type_of, verdict
from .types import SHIPPED, QuestionKind

__all__ = ["SHIPPED", "TYPES", "KeyEntry", "QuestionKind", "QuestionType", "RightAnswer", "Score", "register",
           "type_of", "verdict"]
