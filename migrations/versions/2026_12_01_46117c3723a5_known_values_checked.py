"""known values checked

Partner kinds and the statuses of an exchange's history hold only the values
the code knows, like roles, application and exchange statuses and certificate
kinds already do. The values are written out here (migrations never import
application code); a test compares them with the enumerations in the models.

Revision ID: 46117c3723a5
Revises: 7c3e5a9d1f02
Create Date: 2026-12-01 23:55:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '46117c3723a5'
down_revision = '7c3e5a9d1f02'
branch_labels = None
depends_on = None

PARTNER_KINDS = "'institute', 'university', 'research-centre', 'training-centre', 'other'"
EXCHANGE_STATUSES = "'proposed', 'confirmed', 'approved', 'rejected', 'completed', 'cancelled'"


def upgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_partners_known_kind'), f"kind IN ({PARTNER_KINDS})")
    with op.batch_alter_table('exchange_events', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_exchange_events_known_from_status'),
                                         f"from_status IN ({EXCHANGE_STATUSES})")
        batch_op.create_check_constraint(batch_op.f('ck_exchange_events_known_to_status'),
                                         f"to_status IN ({EXCHANGE_STATUSES})")


def downgrade():
    with op.batch_alter_table('exchange_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_exchange_events_known_to_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_exchange_events_known_from_status'), type_='check')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_partners_known_kind'), type_='check')
