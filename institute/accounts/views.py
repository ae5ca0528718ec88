"""Web pages of accounts: log in and out, register, profile, password, API tokens."""

from flask import Blueprint, after_this_request, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..access import login_required, public
from ..errors import Conflict, Invalid
from ..extensions import login_manager
from ..i18n import language_choices
from ..notifications.kinds import optional_for
from ..timezones import country_timezone, timezone_choices
from ..web import apply_errors, redirect_next
from . import logins, recovery, services
from .countries import country_choices
from .forms import (
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
    TokenForm,
)
from .models import Visitor
from .session_user import SessionUser, load_session_user
from .throttle import record_failure, reset_limited, throttled

accounts = Blueprint("accounts", __name__, template_folder="templates")

login_manager.login_view = "accounts.login"
login_manager.anonymous_user = Visitor
login_manager.login_message = None  # the login page says why on its own


@login_manager.user_loader
def load_user(session_id: str) -> SessionUser | None:
    """The user of a login session, unless it has ended (logout, password change)."""
    return load_session_user(session_id)


def _log_in(user, remember: bool = False) -> None:
    """Start a login session on the server, under a CSRF token of its own."""
    session_id = logins.start_login(user)
    # A token seen before login (on a shared computer, say) must not serve the new session.
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    login_user(SessionUser.of(user, session_id), remember=remember)
    after_this_request(forget_site_storage)


def forget_site_storage(response):
    """Ask the browser to drop what the reading service worker kept (pages, queued marks,
    the worker itself): at login and at logout, nobody reads offline what another person
    opened on a shared computer (README, "Reading offline in the browser")."""
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@accounts.route("/login", methods=["GET", "POST"])
@public
@throttled
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            record_failure()
            # One message for an unknown email and a wrong password alike.
            form.form_errors.append(_("The email or password is wrong."))
        else:
            _log_in(user, remember=form.remember.data)
            return redirect_next(url_for("home.dashboard"))
    return render_template("accounts/login.html", form=form)


@accounts.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logins.end_login(current_user.get_id())
        logout_user()
        after_this_request(forget_site_storage)
        flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))


@accounts.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = RegisterForm()
    form.country.choices = country_choices(_("— choose —"))
    if form.validate_on_submit():
        try:
            user = services.register_trainee(
                form.email.data, form.name.data, form.password.data, form.country.data or None,
                session.get("locale"),
            )
        except Invalid as exc:
            apply_errors(form, exc)
        except Conflict:
            # Saying "this email is taken" would tell strangers who has an account.
            form.form_errors.append(
                _("This account could not be created. If you already have one, log in.")
            )
        else:
            _log_in(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(url_for("home.dashboard"))
    return render_template("accounts/register.html", form=form)


def _profile_form(bind: bool = True) -> ProfileForm:
    optional = optional_for(current_user)
    wanted = [kind for kind, _label in optional if kind not in (current_user.email_optout or [])]
    form = ProfileForm(obj=current_user, emails=wanted) if bind else \
        ProfileForm(formdata=None, obj=current_user, emails=wanted)
    form.emails.choices = optional
    form.country.choices = country_choices(_("— none —"))
    form.locale.choices = [("", _("As my browser asks"))] + language_choices()
    form.timezone.choices = [("", _("My country's (%(zone)s)", zone=country_timezone(current_user.country)))] \
        + timezone_choices()
    return form


@accounts.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = _profile_form()
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user.record, form.name.data, form.country.data or None, form.locale.data or None,
                form.timezone.data or None, form.emails.data or [],
            )
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, password_form=PasswordForm(prefix="pw")
    )


@accounts.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user.record, form.current_password.data,
                                     form.new_password.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            # The session id includes the password version: log in again under the new one.
            _log_in(current_user.record)
            flash(_("Your password is changed. Other sessions and API tokens have ended."),
                  "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=_profile_form(bind=False),
                           password_form=form), 422


@accounts.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token, _token = services.issue_token(current_user, form.name.data or "web")
        form = TokenForm(formdata=None)
    return render_template(
        "accounts/tokens.html",
        form=form,
        new_token=new_token,
        tokens=services.tokens_of(current_user),
        revoke_form=ConfirmForm(),
    )


@accounts.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        services.revoke_token(current_user, token_id)
        flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.tokens"))


@accounts.route("/password/forgot", methods=["GET", "POST"])
@public
@reset_limited
def forgot_password():
    """The same answer for every address, known or not: nobody learns who has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data or "")
        return render_template("accounts/forgot_password.html", form=form, sent=form.email.data.strip())
    return render_template("accounts/forgot_password.html", form=form, sent=None)


@accounts.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """The one-time link sent to fellows enrolled by the institute, and to whoever forgot
    their password."""
    user = services.password_token_user(token)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_with_token(token, form.password.data or "")
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            _log_in(user)
            flash(_("Your password is set. Welcome, %(name)s.", name=user.name), "success")
            return redirect(url_for("home.dashboard"))
    return render_template("accounts/set_password.html", form=form, invitee=user)
