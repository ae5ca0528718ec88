"""outbox claims and giving up

Mail leaves the request: senders (the RQ worker, `notifications send`) claim
messages until ``claimed_until`` so that two never send one twice, and a message
that failed ``MAIL_MAX_ATTEMPTS`` times is marked ``failed_at`` and no longer tried.

Revision ID: b3f1c2d4e5a6
Revises: 46117c3723a5
Create Date: 2026-12-01 23:58:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = '46117c3723a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_until')
