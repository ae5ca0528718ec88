"""on-site days of sessions and certificates

A session may record how many of its days the fellows spend on site at the
institute (the rest is study at a distance); a certificate keeps the number as
it was at issue, printed beside the weeks and the study hours.

Revision ID: e7a1c3b5d9f2
Revises: d9a7c3e1b5f4
Create Date: 2026-12-02 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a1c3b5d9f2'
down_revision = 'd9a7c3e1b5f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_site_days', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_training_sessions_on_site_days_not_negative'),
                                         'on_site_days IS NULL OR on_site_days >= 0')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_site_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('on_site_days')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_training_sessions_on_site_days_not_negative'), type_='check')
        batch_op.drop_column('on_site_days')
