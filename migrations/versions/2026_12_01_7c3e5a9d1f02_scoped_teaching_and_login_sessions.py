"""scoped teaching and login sessions

A guest teacher's link to a session names the exchange it lasts for, instead of
a global instructor role; each login is a row, so that logging out ends it.

Revision ID: 7c3e5a9d1f02
Revises: 554b1ba27b01
Create Date: 2026-12-01 20:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c3e5a9d1f02'
down_revision = '554b1ba27b01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('session_instructors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exchange_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_session_instructors_exchange_id'), ['exchange_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_session_instructors_exchange_id_exchanges'), 'exchanges',
                                    ['exchange_id'], ['id'], ondelete='CASCADE')
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_login_sessions_key_hash'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))
    op.drop_table('login_sessions')
    with op.batch_alter_table('session_instructors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_session_instructors_exchange_id_exchanges'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_session_instructors_exchange_id'))
        batch_op.drop_column('exchange_id')
