"""The question types shipped with the platform: every GIFT kind Moodle documents."""

from enum import StrEnum

from ..registry import register
from .choice import MultipleAnswers, MultipleChoice
from .matching import Matching
from .numerical import Numerical
from .text import Description, Essay, ShortAnswer
from .truefalse import TrueFalse

SHIPPED = (MultipleChoice(), MultipleAnswers(), TrueFalse(), ShortAnswer(), Numerical(), Matching(), Essay(),
           Description())
for _type in SHIPPED:
    register(_type)

# Named from the shipped types themselves, so the list is never written twice; a type
# registered later (a test's, a plugin's) is in the registry but not in this enum.
# mypy cannot know members computed at import, hence the ignore.
QuestionKind = StrEnum("QuestionKind", [(t.kind.upper(), t.kind) for t in SHIPPED])  # type: ignore[misc]
