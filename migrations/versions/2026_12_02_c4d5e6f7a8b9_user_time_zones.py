"""user time zones and email choices

Every user has a time zone in which pages and emails show dates and times; none
set means the default of their country (``timezones.py``). ``email_optout`` lists
the optional emails a user chose not to get (``notifications/kinds.py``).

Revision ID: c4d5e6f7a8b9
Revises: b4620768f463
Create Date: 2026-12-02 06:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'b4620768f463'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_optout', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_optout')
        batch_op.drop_column('timezone')
