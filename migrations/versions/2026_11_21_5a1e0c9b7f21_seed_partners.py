"""seed the partner network

Revision ID: 5a1e0c9b7f21
Revises: d7dbf8dce906
Create Date: 2026-11-21 12:30:00

The partner institutions of the training network, as listed when the platform
was set up. Later changes are made by admins on the partners pages.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "5a1e0c9b7f21"
down_revision = "d7dbf8dce906"
branch_labels = None
depends_on = None

PARTNERS = [
    ("GDI", "Kubuqi Global Desert Institute", "CN", "institute"),
    ("CICA", "CICA International Research and Training Center for Combating Desertification", "TR", "training-centre"),
    ("UCA", "University of Central Asia", "KG", "university"),
    ("UFC", "Federal University of Ceará", "BR", "university"),
    ("IADIZA", "Argentinian Institute for Arid Zones", "AR", "research-centre"),
    ("UNALM", "Agrarian University of La Molina", "PE", "university"),
    ("UCH-AGRIMED", "University of Chile - Agrimed (Center of Agriculture and Environment)", "CL", "research-centre"),
    ("UCH-CEZA", "University of Chile - CEZA (Center of Studies on Arid Zones)", "CL", "research-centre"),
    ("PMAS-AAUR", "Pir Mehr Ali Shah Arid Agriculture University Rawalpindi", "PK", "university"),
    ("KIU", "Karakum International University", "TM", "university"),
    ("SALU", "Shah Abdul Latif University Khairpur", "PK", "university"),
    ("DRC-EG", "Desert Research Center (Ministry of Agriculture of Egypt)", "EG", "research-centre"),
    ("IRA-TN", "Arid Regions Institute of Tunisia", "TN", "research-centre"),
    ("ICARDD-IL", "International Center for Agricultural Research in Deserts and Drylands", "IL", "research-centre"),
    ("BGU-ALRC", "Arid Land Research Center of Ben-Gurion University of the Negev", "IL", "university"),
    ("NWAFU", "Northwest Agriculture and Forestry University", "CN", "university"),
    ("BJFU", "Beijing Forestry University", "CN", "university"),
    ("IMAU", "Inner Mongolia Agricultural University", "CN", "university"),
]

partners = sa.table(
    "partners",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("country", sa.String),
    sa.column("kind", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade():
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        partners,
        [dict(code=c, name=n, country=k, kind=t, created_at=now) for c, n, k, t in PARTNERS],
    )


def downgrade():
    op.execute(partners.delete().where(partners.c.code.in_([p[0] for p in PARTNERS])))
