"""schedule events and attendance

A session's events (lectures, field trips, deadlines), who attended the on-site
ones, and each user's calendar key (their private feed's token is made from it).

Revision ID: d7e1a2b3c4f5
Revises: c4d2e6f8a1b3
Create Date: 2026-12-02 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7e1a2b3c4f5'
down_revision = 'c4d2e6f8a1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_events_times_ordered')),
        sa.CheckConstraint("kind IN ('lecture', 'field-trip', 'deadline', 'other')",
                           name=op.f('ck_events_known_kind')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_events_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_events_session_id_training_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    )
    op.create_index('ix_events_session_starts', 'events', ['session_id', 'starts_at'], unique=False)
    op.create_table(
        'attendance',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('presence', sa.String(length=10), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("presence IN ('present', 'absent', 'excused')", name=op.f('ck_attendance_known_presence')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_attendance_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_attendance_recorded_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendance_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_attendance')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_key', sa.String(length=32), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('calendar_key')
    op.drop_table('attendance')
    op.drop_index('ix_events_session_starts', table_name='events')
    op.drop_table('events')
