"""discussion: threads, posts, unread marks and subscriptions

A session's forum: threads and posts (Markdown and its rendered HTML, hidden
posts kept with who, when and why), each person's last post read per thread,
and subscriptions to a thread or a whole forum (each post or a daily digest).

Revision ID: e8a4c6d2b1f7
Revises: e7a1f3c5b9d2
Create Date: 2026-12-02 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8a4c6d2b1f7'
down_revision = 'e7a1f3c5b9d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'discussion_threads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('last_post_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_discussion_threads_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['locked_by_id'], ['users.id'],
                                name=op.f('fk_discussion_threads_locked_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_discussion_threads_session_id_training_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_threads')),
    )
    op.create_index('ix_discussion_threads_session_last', 'discussion_threads', ['session_id', 'last_post_at'],
                    unique=False)
    op.create_table(
        'discussion_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.Column('hidden_reason', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_discussion_posts_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_discussion_posts_hidden_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['thread_id'], ['discussion_threads.id'],
                                name=op.f('fk_discussion_posts_thread_id_discussion_threads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_posts')),
    )
    op.create_index('ix_discussion_posts_thread', 'discussion_posts', ['thread_id', 'id'], unique=False)
    op.create_table(
        'discussion_reads',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('last_post_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['thread_id'], ['discussion_threads.id'],
                                name=op.f('fk_discussion_reads_thread_id_discussion_threads'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_discussion_reads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_discussion_reads')),
    )
    op.create_table(
        'discussion_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.Column('delivery', sa.String(length=20), nullable=False),
        sa.Column('digested_post_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("delivery IN ('each-post', 'daily-digest')",
                           name=op.f('ck_discussion_subscriptions_known_delivery')),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_discussion_subscriptions_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['discussion_threads.id'],
                                name=op.f('fk_discussion_subscriptions_thread_id_discussion_threads'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_discussion_subscriptions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_subscriptions')),
    )
    op.create_index('ix_discussion_subscriptions_scope', 'discussion_subscriptions', ['session_id', 'thread_id'],
                    unique=False)
    op.create_index('ix_discussion_subscriptions_user', 'discussion_subscriptions', ['user_id'], unique=False)


def downgrade():
    op.drop_index('ix_discussion_subscriptions_user', table_name='discussion_subscriptions')
    op.drop_index('ix_discussion_subscriptions_scope', table_name='discussion_subscriptions')
    op.drop_table('discussion_subscriptions')
    op.drop_table('discussion_reads')
    op.drop_index('ix_discussion_posts_thread', table_name='discussion_posts')
    op.drop_table('discussion_posts')
    op.drop_index('ix_discussion_threads_session_last', table_name='discussion_threads')
    op.drop_table('discussion_threads')
