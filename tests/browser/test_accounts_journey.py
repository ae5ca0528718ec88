"""Register, log in, see the dashboard, log out: in a real browser, without JavaScript help."""

import pytest

pytestmark = pytest.mark.browser


def test_register_login_dashboard_logout(page, live_server, shoot):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("José Ñúñez")
    page.get_by_label("Email").fill("jose.nunez@example.org")
    page.get_by_label("Country").select_option("PE")
    page.get_by_label("Password").fill("a long enough password")
    shoot("1-register")
    page.get_by_role("button", name="Create account").click()

    assert page.url.endswith("/dashboard")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert "José Ñúñez" in page.content()
    shoot("2-dashboard-after-register")

    page.get_by_role("button", name="Log out").click()
    assert page.get_by_text("You are logged out.").is_visible()
    page.goto(live_server + "/dashboard")
    assert "/login" in page.url  # the dashboard needs a login

    page.get_by_label("Email").fill("JOSE.NUNEZ@example.org")
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("The email or password is wrong.").is_visible()
    shoot("3-wrong-password")

    page.get_by_label("Email").fill("jose.nunez@example.org")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    assert page.url.endswith("/dashboard")
    assert page.get_by_text("jose.nunez@example.org").is_visible()
    shoot("4-dashboard")

    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("banner").get_by_role("link", name="Log in").is_visible()


def test_keyboard_reaches_the_login_form(page, live_server):
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"


def test_forgot_password_email_new_password_logged_in(live_app, live_server, live_mail, page, shoot):
    """A fellow who forgot a password asks for a link, reads the email the SMTP server
    received, chooses a new password and lands logged in; the old password is refused."""
    import re

    from institute.notifications.delivery import deliver_due

    page.goto(live_server + "/register")
    page.get_by_label("Full name").fill("Kwame Mensah")
    page.get_by_label("Email").fill("kwame.mensah@example.org")
    page.get_by_label("Country").select_option("GH")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Log out").click()

    page.goto(live_server + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("kwame.mensah@example.org")
    shoot("1-forgot")
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_text("is on its way to it").is_visible()
    shoot("2-sent")

    with live_app.app_context():
        deliver_due()  # what the worker or `notifications send` does, outside the requests
    [mail] = [m for m in live_mail.to("kwame.mensah@example.org") if "password" in m["Subject"]]
    text = mail.get_body(("plain",)).get_content()
    assert text.startswith("Hello Kwame Mensah,")
    link = re.search(r"http://\S+/set-password/\S+", text).group(0)
    assert link.startswith(live_server)

    page.goto(link)
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    page.get_by_label("New password").fill("a brand new passphrase")
    shoot("3-new-password")
    page.get_by_role("button", name="Set password").click()
    assert page.url.endswith("/dashboard")
    assert page.get_by_text("kwame.mensah@example.org").is_visible()
    shoot("4-logged-in")

    page.get_by_role("button", name="Log out").click()
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("kwame.mensah@example.org")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("The email or password is wrong.").is_visible()
