"""answer feedback as HTML

Each part of a GIFT question now keeps its own text format, so the feedback an
answer earned is stored as the HTML rendered at import (``attempt_answers.feedback``)
and shown as such. Feedback stored before was text, shown escaped: it becomes
that same escaped text, so every page shows it exactly as it did.

Revision ID: b4620768f463
Revises: b3f1c2d4e5a6
Create Date: 2026-12-02 10:00:00.000000

"""
import html
import re

import sqlalchemy as sa
from alembic import op
from markupsafe import escape

# revision identifiers, used by Alembic.
revision = 'b4620768f463'
down_revision = 'b3f1c2d4e5a6'
branch_labels = None
depends_on = None

answers = sa.table("attempt_answers", sa.column("id", sa.Integer), sa.column("feedback", sa.Text))
_TAG = re.compile(r"<[^>]*>")


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(answers.c.id, answers.c.feedback)
                              .where(answers.c.feedback != "")).all()
    for row_id, feedback in rows:
        new = change(feedback)
        if new != feedback:
            connection.execute(answers.update().where(answers.c.id == row_id).values(feedback=new))


def upgrade():
    _rewrite(lambda text: str(escape(text)))  # as the page's autoescaping showed it


def downgrade():
    _rewrite(lambda fragment: html.unescape(_TAG.sub("", fragment)))  # back to text
