"""Issuing and revoking ask first; the holder is told of each by an email they can act on."""

from datetime import date, timedelta

import sqlalchemy as sa

from institute.certificates import services as certificates
from institute.extensions import db
from institute.notifications.models import OutboxMessage
from institute.training.models import TrainingSession

from ..conftest import login


def _mail(app, kind):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                  .order_by(OutboxMessage.id)).all()


def _ends(app, session_id, days_from_today):
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        session.ends_on = date.today() + timedelta(days=days_from_today)
        session.starts_on = session.ends_on - timedelta(days=20)
        db.session.commit()


def test_issuing_shows_who_gets_one_and_who_does_not_then_issues_on_confirm(app, finished_web):
    session_id = finished_web["session_id"]
    _ends(app, session_id, -1)
    admin = app.test_client()
    login(admin, "admin@example.org")
    page = admin.get(f"/admin/sessions/{session_id}/certificates").get_data(as_text=True)
    assert f'href="/admin/sessions/{session_id}/certificates/issue"' in page
    preview = admin.get(f"/admin/sessions/{session_id}/certificates/issue").get_data(as_text=True)
    assert "4 fellows get a certificate" in preview and "1 fellow does not" in preview
    assert "Slow Fellow" in preview and "Issue 4 certificates" in preview
    assert "The session ends on" not in preview  # it has ended: no warning
    # A post without the confirmation shows the preview again and issues nothing.
    assert admin.post(f"/admin/sessions/{session_id}/certificates/issue").status_code == 200
    with app.app_context():
        assert certificates.of_session(db.session.get(TrainingSession, session_id)) == []
    done = admin.post(f"/admin/sessions/{session_id}/certificates/issue", data={"confirmed": "1"},
                      follow_redirects=True).get_data(as_text=True)
    assert "4 certificates issued. 1 fellow not eligible." in done  # each count in its own form
    issued = _mail(app, "certificate")
    assert len(issued) == 4 and "/verify/" in issued[0].body and "/dashboard" in issued[0].body
    again = admin.get(f"/admin/sessions/{session_id}/certificates/issue").get_data(as_text=True)
    assert "4 fellows already have one." in again and "Nobody new." in again


def test_issuing_before_the_sessions_end_is_warned(app, finished_web):
    session_id = finished_web["session_id"]
    _ends(app, session_id, 5)
    admin = app.test_client()
    login(admin, "admin@example.org")
    preview = admin.get(f"/admin/sessions/{session_id}/certificates/issue").get_data(as_text=True)
    assert "The session ends on" in preview and 'role="alert"' in preview


def test_revoking_asks_first_then_tells_the_holder_with_the_reason(app, finished_web):
    session_id = finished_web["session_id"]
    admin = app.test_client()
    login(admin, "admin@example.org")
    admin.post(f"/admin/sessions/{session_id}/certificates/issue", data={"confirmed": "1"})
    ask = admin.post("/certificates/GDI-2026-1-0001/revoke", data={"reason": "Issued by mistake"})
    assert ask.status_code == 200 and "cannot be undone" in ask.get_data(as_text=True)
    assert _mail(app, "certificate-revoked") == []
    done = admin.post("/certificates/GDI-2026-1-0001/revoke",
                      data={"reason": "Issued by mistake", "confirmed": "1"}, follow_redirects=True)
    assert "is revoked" in done.get_data(as_text=True)
    [told] = _mail(app, "certificate-revoked")
    assert "Issued by mistake" in told.body and "/verify/" in told.body
    # An empty reason is refused on the confirm, and nothing changes.
    refused = admin.post("/certificates/GDI-2026-1-0002/revoke", data={"reason": " ", "confirmed": "1"},
                         follow_redirects=True)
    assert "Say why the certificate is revoked." in refused.get_data(as_text=True)
    assert len(_mail(app, "certificate-revoked")) == 1


def test_only_admins_reach_the_preview(app, finished_web):
    fellow = app.test_client()
    login(fellow, "f1@example.org")
    assert fellow.get(f"/admin/sessions/{finished_web['session_id']}/certificates/issue").status_code == 403


def test_the_verify_page_shows_dates_in_the_readers_language_and_links_the_did_from_base_url(app, finished_web):
    import re

    admin = app.test_client()
    login(admin, "admin@example.org")
    admin.post(f"/admin/sessions/{finished_web['session_id']}/certificates/issue", data={"confirmed": "1"})
    with app.app_context():
        code = certificates.of_session(db.session.get(TrainingSession, finished_web["session_id"]))[0].code
    page = app.test_client().get(f"/verify/{code}", headers={"Accept-Language": "fr", "Host": "evil.example"})
    text = page.get_data(as_text=True)
    facts = text[text.index('<dl class="facts">'):text.index("</dl>")]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", facts)  # no ISO dates left for a reader
    assert app.config["BASE_URL"].rstrip("/") + "/.well-known/did.json" in text and "evil.example" not in text
