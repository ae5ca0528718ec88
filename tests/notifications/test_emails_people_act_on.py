"""Emails people can act on, read from a real SMTP server (aiosmtpd): in the recipient's
language whoever caused them, greeting by name, a link from BASE_URL to the page where the
next step is done, the institute's signature, Date and Message-ID headers, a plain-text
and an HTML part; optional ones only to those who want them."""

import re
from email.utils import parsedate_to_datetime

from institute.accounts.services import get_user, update_profile, user_by_email
from institute.courses import services as courses
from institute.courses.bundle import Bundle
from institute.notifications.delivery import deliver_due

from ..builders import (
    RIGHT,
    committed,
    course_files,
    create_application,
    create_attempt,
    create_session,
    create_staff,
    create_user,
)
from ..conftest import login


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def test_a_decision_is_written_in_the_fellows_language_with_dates_place_and_a_link(app, smtp):
    with committed(app):
        create_user(email="admin@example.org", roles="admin")
        session = create_session(title="Kubuqi 2026", place="Kubuqi, Inner Mongolia")
        fellow = create_user(email="awa@example.org", name="Awa Traoré", country="ML")
        fellow.locale = "fr"
        application = create_application(session, fellow)
    client = app.test_client()
    login(client, "admin@example.org")
    client.post("/language", data={"locale": "zh"})  # the admin works in Chinese
    client.post(f"/admin/sessions/{session.id}/applications",
                data={"application": [str(application.id)], "decision": "accept"})
    with app.app_context():
        deliver_due()
    [mail] = [m for m in smtp.to("awa@example.org") if "candidature" in m["Subject"]]
    text = _text(mail)
    assert text.startswith("Bonjour Awa Traoré,") and "Kubuqi, Inner Mongolia" in text
    assert "Institut mondial du désert de Kubuqi" in text  # the signature, in French
    assert not re.search(r"[\u4e00-\u9fff]", text + mail["Subject"])  # nothing of the admin's Chinese
    assert f"{app.config['BASE_URL'].rstrip('/')}/sessions/{session.id}" in _links(text)
    assert all(link.startswith(app.config["BASE_URL"].rstrip("/")) for link in _links(text))
    assert parsedate_to_datetime(mail["Date"]) and mail["Message-ID"].startswith("<outbox-")
    html = mail.get_body(("html",)).get_content()
    assert f'<a href="{app.config["BASE_URL"].rstrip("/")}/sessions/{session.id}">' in html
    assert smtp.to("admin@example.org") == []  # the admin got no copy of the fellow's email


def test_a_withdrawal_reaches_the_admins_and_the_promoted_fellow_once_each(app, smtp):
    with committed(app):
        create_user(email="admin@example.org", roles="admin", name="Admin One")
        create_user(email="admin2@example.org", roles="admin", name="Admin Two")
        session = create_session(seats=1)
        leaving = create_application(session, create_user(email="leaving@example.org"), "accepted")
        create_application(session, create_user(email="waiting@example.org"), "waitlisted")
    fellow = app.test_client()
    login(fellow, "leaving@example.org")
    fellow.post(f"/applications/{leaving.id}/withdraw", data={"confirmed": "1"})
    with app.app_context():
        deliver_due()
    for admin in ("admin@example.org", "admin2@example.org"):
        [mail] = [m for m in smtp.to(admin) if m["Subject"].startswith("Withdrawal")]
        assert "leaving@example.org" in _text(mail) and f"/admin/sessions/{session.id}/applications" in _text(mail)
    assert len([m for m in smtp.to("waiting@example.org") if "A seat is free" in m["Subject"]]) == 1


def test_an_essay_graded_tells_the_fellow_unless_they_chose_not_to_hear(app, smtp):
    with committed(app):
        create_user(email="grader@example.org", roles="admin")
        first = create_attempt(state="submitted", answers={**RIGHT, "3": "Reed fences, then shrubs."})
        second = create_attempt(quiz=first.quiz, state="submitted", answers={**RIGHT, "3": "Straw grids."})
        update_profile(second.user, second.user.name, second.user.country, None, None, wanted_emails=[])
    client = app.test_client()
    login(client, "grader@example.org")
    for attempt in (first, second):
        client.post(f"/attempts/{attempt.id}/questions/3/grade", data={"points": "1", "feedback": "Good."})
    with app.app_context():
        deliver_due()
        first_email, second_email = get_user(first.user_id).email, get_user(second.user_id).email
    [mail] = [m for m in smtp.to(first_email) if "graded" in m["Subject"]]
    assert f"/attempts/{first.id}" in _text(mail) and "Good" not in mail["Subject"]
    assert "You can choose which of these emails you get on your profile" in _text(mail)
    assert [m for m in smtp.to(second_email) if "graded" in m["Subject"]] == []


def test_a_new_draft_reaches_the_reviewers_and_its_publication_the_partners_staff(app, smtp):
    with committed(app):
        create_user(email="instructor@example.org", roles="instructor")
        staff = create_staff("UCA", email="staff@uca.example")
        create_staff("UCA", email="colleague@uca.example")
    with committed(app):
        courses.upload(Bundle(slug="sands", files=course_files(partner="UCA")), get_user(staff.id))
    reviewer = app.test_client()
    login(reviewer, "instructor@example.org")
    reviewer.post("/courses/sands/publish", data={"revision": "1"})
    with app.app_context():
        deliver_due()
    [review] = smtp.to("instructor@example.org")
    assert "To review" in review["Subject"] and "/courses/sands/revisions/1/diff" in _text(review)
    assert smtp.to("staff@uca.example")[0]["Subject"].startswith("Published")  # the uploader's own staff
    assert [m["Subject"] for m in smtp.to("colleague@uca.example")] == \
        [smtp.to("staff@uca.example")[0]["Subject"]]


def test_the_profile_lists_only_the_optional_emails_of_ones_roles(app, client):
    with committed(app):
        create_user(email="fellow@example.org")
    login(client, "fellow@example.org")
    page = client.get("/profile").get_data(as_text=True)
    assert "An essay of mine was graded" in page and "waits for review" not in page
    client.post("/profile", data={"name": "Fellow", "country": "KG", "locale": "", "timezone": "",
                                  "emails": ["application-received"]})
    with app.app_context():
        assert user_by_email("fellow@example.org").email_optout == ["essay-graded"]
