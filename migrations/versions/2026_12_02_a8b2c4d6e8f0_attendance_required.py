"""attendance required

A session may require a share of attendance at its lectures and field trips for
completion (percent, 1 to 100; NULL: attendance does not count).

Revision ID: a8b2c4d6e8f0
Revises: e7a1c3b5d9f2
Create Date: 2026-12-02 15:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8b2c4d6e8f0'
down_revision = 'e7a1c3b5d9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_required', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_training_sessions_attendance_required_a_share'),
            'attendance_required IS NULL OR attendance_required BETWEEN 1 AND 100')


def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_training_sessions_attendance_required_a_share'), type_='check')
        batch_op.drop_column('attendance_required')
