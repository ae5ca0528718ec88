"""certificate status lists

Revocation is published as W3C Bitstring Status Lists: each certificate has
its bit (``status_index``, chosen at random among the free ones), and each list
is kept as the signed credential that is served. Existing certificates get
their bits here; the lists themselves are signed by the application the first
time they are asked for (a migration holds no key).

Revision ID: c4d2e6f8a1b3
Revises: c4d5e6f7a8b9
Create Date: 2026-12-02 06:10:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d2e6f8a1b3'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None

LIST_SIZE = 131072  # bits in one list (16 KiB), as in institute/certificates/status_list.py


def upgrade():
    op.create_table(
        'certificate_status_lists',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('credential', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_status_lists')),
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))

    connection = op.get_bind()
    certificates = sa.table('certificates', sa.column('id', sa.Integer), sa.column('status_index', sa.Integer))
    ids = [row.id for row in connection.execute(sa.select(certificates.c.id).order_by(certificates.c.id))]
    taken: set[int] = set()
    for certificate_id in ids:
        size = LIST_SIZE * (1 + len(taken) // LIST_SIZE)  # the next list once the first ones are full
        index = secrets.randbelow(size)
        while index in taken:
            index = secrets.randbelow(size)
        taken.add(index)
        connection.execute(certificates.update().where(certificates.c.id == certificate_id)
                           .values(status_index=index))

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('status_index', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_status_index'), ['status_index'])


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificates_status_index'), type_='unique')
        batch_op.drop_column('status_index')
    op.drop_table('certificate_status_lists')
