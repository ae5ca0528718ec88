"""The front door and each user's dashboard; later domains add their panels here."""

from datetime import date

from flask import Blueprint, jsonify, render_template, request, send_from_directory, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from ..access import login_required, public
from ..accounts.forms import ConfirmForm
from ..accounts.services import choose_locale, is_supported_locale
from ..announcements.services import recent_for as recent_announcements
from ..assignments.services import open_work
from ..certificates.services import of_user as certificates_of
from ..evaluation.services import to_evaluate
from ..page_cache import kept_page
from ..quizzes.attempts import open_attempts
from ..schedule.services import upcoming
from ..training.progress import completions
from ..training.services import list_sessions, my_applications, open_calls, taught_session_ids
from ..web import redirect_next
from . import reading_app
from .queues import queues_of

home = Blueprint("home", __name__, template_folder="templates")


@home.route("/")
@public
def index():
    return render_template("home/index.html", calls=open_calls())


@home.route("/dashboard")
@login_required
def dashboard():
    return kept_page(_dashboard)


def _dashboard() -> str:
    applications = my_applications(current_user) if current_user.has_role("trainee") else []
    studies = completions(current_user, applications)
    taught = taught_session_ids(current_user)
    teaching = list_sessions(ids=taught) if taught else []
    return render_template("home/dashboard.html", applications=applications, studies=studies,
                           teaching=teaching, certificates=certificates_of(current_user),
                           queues=queues_of(current_user), today=date.today(),
                           open_attempts=open_attempts(current_user) if studies else {},
                           coming_up=upcoming(current_user),
                           announced=recent_announcements(current_user) if studies else [],
                           to_evaluate=to_evaluate(current_user) if studies else [],
                           open_work=open_work(current_user, [s for s, _p in studies]) if studies else {})


@home.route("/language", methods=["POST"])
@public
def language():
    """Choose the interface language: saved on the profile, or in the visitor's session."""
    code = request.form.get("locale", "")
    if ConfirmForm().validate_on_submit() and is_supported_locale(code):
        if current_user.is_authenticated:
            choose_locale(current_user.record, code)
        else:
            session["locale"] = code
    return redirect_next(url_for("home.index"))


@home.route("/manifest.webmanifest")
@public
def manifest():
    response = jsonify(reading_app.manifest())
    response.mimetype = reading_app.MANIFEST_TYPE
    response.headers["Cache-Control"] = "private, no-cache"  # in the reader's language
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


@home.route("/sw.js")
@public
def service_worker():
    """The reading service worker, from the root so that its scope is every page; always
    revalidated, so that a new version reaches readers at once."""
    response = send_from_directory(reading_app.worker_folder(), reading_app.WORKER_FILE,
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@home.route("/offline")
@public
def offline():
    """What the service worker shows for a page it has not kept, in the reader's language."""
    response = render_template("home/offline.html")
    return response, 200, {"Content-Language": str(get_locale())}
