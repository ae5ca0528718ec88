"""announcements

What a session's instructors and admins tell its cohort: Markdown as written and
its sanitised HTML, rendered once when posted.

Revision ID: e2b7c9d1a4f6
Revises: d7e1a2b3c4f5
Create Date: 2026-12-02 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2b7c9d1a4f6'
down_revision = 'd7e1a2b3c4f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_announcements_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_announcements_session_id_training_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    )
    op.create_index('ix_announcements_session_created', 'announcements', ['session_id', 'created_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_announcements_session_created', table_name='announcements')
    op.drop_table('announcements')
