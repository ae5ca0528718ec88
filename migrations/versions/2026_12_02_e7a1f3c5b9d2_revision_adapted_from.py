"""revision adapted from

An adapted course's first revision records the revision of the course it
copies, so that its diff compares it with that (not "every file is new").

Revision ID: e7a1f3c5b9d2
Revises: b5c7d9e1f3a5
Create Date: 2026-12-02 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a1f3c5b9d2'
down_revision = 'b5c7d9e1f3a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_revisions') as batch:
        batch.add_column(sa.Column('adapted_from_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_course_revisions_adapted_from_id_course_revisions',
                                 'course_revisions', ['adapted_from_id'], ['id'], ondelete='SET NULL')
    # Courses adapted before: their first revision copies the source's published revision
    # of the time; the newest published revision numbered no higher than the message names
    # is what "Adapted from <slug> revision <n>" recorded.
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT r.id, r.message FROM course_revisions r JOIN courses c ON c.id = r.course_id "
        "WHERE c.derived_from_id IS NOT NULL AND r.number = 1")).all()
    for revision_id, message in rows:
        parts = (message or "").split()
        if len(parts) == 5 and parts[:2] == ["Adapted", "from"] and parts[3] == "revision" \
                and parts[4].isdigit():
            source = bind.execute(sa.text(
                "SELECT r.id FROM course_revisions r JOIN courses c ON c.id = r.course_id "
                "WHERE c.slug = :slug AND r.number = :n"), {"slug": parts[2], "n": int(parts[4])}).scalar()
            if source is not None:
                bind.execute(sa.text("UPDATE course_revisions SET adapted_from_id = :s WHERE id = :r"),
                             {"s": source, "r": revision_id})


def downgrade():
    with op.batch_alter_table('course_revisions') as batch:
        batch.drop_constraint('fk_course_revisions_adapted_from_id_course_revisions', type_='foreignkey')
        batch.drop_column('adapted_from_id')
