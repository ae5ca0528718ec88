"""admissions

A session's own application questions and days to confirm an offer; an
application's answers, passport name, nationality, decision reason and offer
(deadline, reminder, confirmation); files answered and reviewers' scores.
Applications accepted before offers existed count as confirmed. Two statuses
are added: declined and lapsed.

Revision ID: 4d48aeb5d9b5
Revises: f3a9c1d7b2e5
Create Date: 2026-12-02 18:03:38.152062

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4d48aeb5d9b5'
down_revision = 'f3a9c1d7b2e5'
branch_labels = None
depends_on = None

BEFORE = "'applied', 'accepted', 'waitlisted', 'rejected', 'withdrawn'"
AFTER = BEFORE + ", 'declined', 'lapsed'"


def upgrade():
    op.create_table('application_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_files_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_files')),
    sa.UniqueConstraint('application_id', 'question_id', name=op.f('uq_application_files_application_id_question_id'))
    )
    op.create_table('application_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_application_reviews_score_one_to_five')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_reviews_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_application_reviews_reviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_reviews')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name=op.f('uq_application_reviews_application_id_reviewer_id'))
    )
    with op.batch_alter_table('application_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_reviews_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('passport_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('nationality', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('offer_reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_applications_known_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_applications_known_status'), f"status IN ({AFTER})")
    op.execute("UPDATE applications SET confirmed_at = COALESCE(decided_at, created_at) WHERE status = 'accepted'")

    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('offer_days', sa.Integer(), server_default='14', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_training_sessions_offer_days_positive'), "offer_days > 0")



def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_training_sessions_offer_days_positive'), type_='check')
        batch_op.drop_column('offer_days')
        batch_op.drop_column('questions')

    op.execute("UPDATE applications SET status = 'withdrawn' WHERE status IN ('declined', 'lapsed')")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_applications_known_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_applications_known_status'), f"status IN ({BEFORE})")
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('offer_reminded_at')
        batch_op.drop_column('offer_expires_at')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('nationality')
        batch_op.drop_column('passport_name')
        batch_op.drop_column('answers')

    with op.batch_alter_table('application_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_reviews_application_id'))

    op.drop_table('application_reviews')
    op.drop_table('application_files')
