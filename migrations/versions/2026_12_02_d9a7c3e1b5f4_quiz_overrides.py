"""quiz overrides

Per-fellow accommodations on a quiz (extra attempts, extra minutes, a multiplier
on the time limit), each granted with a reason by an instructor of the fellow's
session or an admin, and kept when revoked.

Revision ID: d9a7c3e1b5f4
Revises: f3c8d0e2b5a7
Create Date: 2026-12-02 14:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd9a7c3e1b5f4'
down_revision = 'f3c8d0e2b5a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quiz_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('quiz_key', sa.String(length=250), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('extra_attempts', sa.Integer(), nullable=False),
        sa.Column('extra_minutes', sa.Integer(), nullable=False),
        sa.Column('time_multiplier', sa.Float(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('extra_attempts >= 0 AND extra_minutes >= 0 AND time_multiplier >= 1',
                           name=op.f('ck_quiz_overrides_not_negative')),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_quiz_overrides_granted_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_overrides_quiz_id_quizzes')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_quiz_overrides_revoked_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_overrides_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_overrides')),
    )
    with op.batch_alter_table('quiz_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_overrides_quiz_key_user', ['quiz_key', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_overrides_quiz_key_user')
    op.drop_table('quiz_overrides')
