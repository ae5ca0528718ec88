"""course translations

A course's translation family (DESIGN §10 "Reach"): courses.family_id holds the
original's id, on the original and on each course whose course.md says
``translation_of: <original>``; empty for a course alone in its language. Done
marks are read across a family (institute/courses/translations.py). Nothing
existing is in a family, so no data changes.

Revision ID: d4c3f5b7a9e2
Revises: 4d48aeb5d9b5
Create Date: 2026-12-02 18:13:42.602889

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4c3f5b7a9e2'
down_revision = '4d48aeb5d9b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_courses_family_id'), ['family_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_courses_family_id_courses'), 'courses', ['family_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_courses_family_id_courses'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_courses_family_id'))
        batch_op.drop_column('family_id')
