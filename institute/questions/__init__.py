"""Questions as formats: GIFT, question types and their rendering, knowing no domain.

Beside ``institute/markdown.py``: the course library reads GIFT with it, the
quizzes take, score and count answers with it; it imports neither.
"""

from .registry import TYPES, QuestionType, Score, register, type_of
from .types import SHIPPED, QuestionKind

__all__ = ["SHIPPED", "TYPES", "QuestionKind", "QuestionType", "Score", "register", "type_of"]
