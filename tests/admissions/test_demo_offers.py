"""The demo has a pending offer, and confirmed fellows whose letters can be downloaded."""

import sqlalchemy as sa

from institute.accounts.services import user_by_email
from institute.admissions import invitations, offers
from institute.demo import OFFERED
from institute.extensions import db
from institute.training.models import Application


def test_the_demo_has_an_offer_and_letters(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    with app.app_context():
        offered = user_by_email(OFFERED)
        pending = db.session.scalars(sa.select(Application).where(Application.user_id == offered.id)).all()
        assert [a for a in pending if offers.is_offer(a)] and len(pending) == 2
        fellow = user_by_email("fellow@gdi.example")
        mine = db.session.scalars(sa.select(Application).where(Application.user_id == fellow.id)).one()
        assert offers.is_confirmed(mine) and mine.passport_name == "Fatima Zahra Benali"
        assert invitations.invitation_for(mine.id, fellow) is mine
        names = set(db.session.scalars(sa.select(Application.passport_name).where(
            Application.session_id == mine.session_id, Application.status == "accepted")))
        assert {"王小明", "Айгерим Сапарова", "فاطمة الزهراء", "José Ñúñez"} <= names
