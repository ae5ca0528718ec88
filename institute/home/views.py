"""The front door and each user's dashboard; later domains add their panels here."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..access import login_required, public
from ..accounts.forms import ConfirmForm
from ..certificates.services import of_user as certificates_of
from ..extensions import db
from ..training.progress import completions
from ..training.services import list_sessions, my_applications, taught_session_ids
from ..web import safe_next

home = Blueprint("home", __name__, template_folder="templates")


@home.route("/")
@public
def index():
    return render_template("home/index.html")


@home.route("/dashboard")
@login_required
def dashboard():
    applications = my_applications(current_user) if current_user.has_role("trainee") else []
    studies = completions(current_user, applications)
    taught = taught_session_ids(current_user)
    teaching = list_sessions(ids=taught) if taught else []
    return render_template("home/dashboard.html", applications=applications, studies=studies,
                           teaching=teaching, certificates=certificates_of(current_user))


@home.route("/language", methods=["POST"])
@public
def language():
    """Choose the interface language: saved on the profile, or in the visitor's session."""
    code = request.form.get("locale", "")
    if ConfirmForm().validate_on_submit() and code in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:
            current_user.record.locale = code
            db.session.flush()
        else:
            session["locale"] = code
    return redirect(_back())


def _back() -> str:
    return safe_next(request.form.get("next"), url_for("home.index"))
