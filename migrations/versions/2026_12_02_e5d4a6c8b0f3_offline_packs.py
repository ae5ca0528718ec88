"""offline packs

A published revision made into a file to read without a connection (a zip of
HTML pages, an EPUB), stored once per revision and format when first asked for:
revisions never change, so their packs are built once, not on each download.

Revision ID: e5d4a6c8b0f3
Revises: d4c3f5b7a9e2
Create Date: 2026-12-02 18:52:10.820706

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5d4a6c8b0f3'
down_revision = 'd4c3f5b7a9e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offline_packs',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_offline_packs_revision_id_course_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'format', name=op.f('pk_offline_packs'))
    )


def downgrade():
    op.drop_table('offline_packs')
