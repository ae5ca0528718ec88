"""page generations

One row, raised by one in every transaction that writes what pages show: a page
kept by a worker (institute/page_cache.py) is served only while it is unchanged.

Revision ID: b8d2e4f6a1c3
Revises: a7b3c9d1e5f2
Create Date: 2026-12-04 19:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d2e4f6a1c3'
down_revision = 'a7b3c9d1e5f2'
branch_labels = None
depends_on = None


def upgrade():
    generations = op.create_table('page_generations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_generations'))
    )
    op.bulk_insert(generations, [{"id": 1, "value": 0}])


def downgrade():
    op.drop_table('page_generations')
