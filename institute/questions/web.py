"""The question types' template partials for the pages that show questions.

A page includes a question's partial by its type: ``{% import
question_type(q.kind).template as partial %}`` then ``partial.take(q, name)``
or ``partial.answer(q)``. A blueprint that shows questions registers this one
inside it.
"""

from flask import Blueprint

from .registry import type_of

question_partials = Blueprint("questions", __name__, template_folder="templates")
question_partials.add_app_template_global(type_of, "question_type")
