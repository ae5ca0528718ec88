"""revision reviews and archived courses

A reviewer's request for changes to a draft revision is kept, with who and when
(``revision_reviews``); a course may be archived (``courses.archived_at``,
``archived_by_id``): listed nowhere, kept whole, restorable.

Revision ID: b5c7d9e1f3a5
Revises: a8b2c4d6e8f0
Create Date: 2026-12-02 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b5c7d9e1f3a5'
down_revision = 'a8b2c4d6e8f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'revision_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=200), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'],
                                name=op.f('fk_revision_reviews_revision_id_course_revisions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_revision_reviews_author_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_reviews')),
    )
    with op.batch_alter_table('revision_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_reviews_revision_id'), ['revision_id'], unique=False)
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_courses_archived_by_id_users'), 'users',
                                    ['archived_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_courses_archived_by_id_users'), type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('revision_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_reviews_revision_id'))
    op.drop_table('revision_reviews')
