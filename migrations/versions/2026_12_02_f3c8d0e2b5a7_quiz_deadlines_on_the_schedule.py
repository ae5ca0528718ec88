"""quiz deadlines on the schedule

A deadline event may close one quiz of its session's courses for the session's
fellows: the quiz's key (course id and file), as attempts keep it.

Revision ID: f3c8d0e2b5a7
Revises: e2b7c9d1a4f6
Create Date: 2026-12-02 15:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3c8d0e2b5a7'
down_revision = 'e2b7c9d1a4f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_key', sa.String(length=250), nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('quiz_key')
