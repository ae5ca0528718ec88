"""The announcements page of a session: read by its people, written by its staff."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required
from ..errors import Invalid
from ..training.services import may_manage_cohort
from ..web import apply_errors
from . import services
from .forms import AnnouncementForm

announcements = Blueprint("announcements", __name__, template_folder="templates")


@announcements.route("/sessions/<int:session_id>/announcements", methods=["GET", "POST"])
@login_required
def index(session_id: int):
    purpose = "post" if request.method == "POST" else "read"
    session = services.announcements_for(session_id, current_user, purpose)  # a fellow's POST: 403
    form = AnnouncementForm() if may_manage_cohort(current_user, session) else None
    if form is not None and form.validate_on_submit():
        try:
            services.post(session, current_user, form.title.data or "", form.body.data or "")
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("The announcement is posted; each fellow gets it by email."), "success")
            return redirect(url_for("announcements.index", session_id=session.id))
    return render_template("announcements/index.html", session=session, form=form,
                           announcements=services.of_session(session))


@announcements.app_template_global()
def latest_announcements(session, limit: int = 3):
    """The session page shows the latest announcements to its people (the page checks who
    takes part); a global, so training's page needs no import of this package."""
    return services.of_session(session, limit)
