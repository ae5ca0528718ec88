"""Pages of offers and invitation letters: confirm or decline a seat, download the letter."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles_required
from ..errors import Conflict
from ..training import services as training
from ..web import flash_error
from . import invitations, offers

offer_pages = Blueprint("offers", __name__, template_folder="templates")


@offer_pages.app_context_processor
def offer_helpers():
    """The offer box of the session page and the dashboard (admissions/offer_box.html), and
    the offers' states and counts on the admins' applications page."""
    return {"is_offer": offers.is_offer, "is_confirmed": offers.is_confirmed, "offer_state": offers.offer_state,
            "offer_expired": offers.is_expired, "offer_counts": offers.offer_counts}


def _back(application):
    return redirect(url_for("training.session", session_id=application.session_id))


@offer_pages.route("/applications/<int:application_id>/confirm", methods=["POST"])
@roles_required("trainee")
def confirm(application_id: int):
    application = training.application_for(application_id, current_user, "confirm")
    try:
        offers.confirm(application, current_user)
    except Conflict as exc:
        flash_error(exc)  # a lapsed offer stays lapsed (the redirect commits it)
    else:
        flash(_("Your seat is confirmed. Welcome to the cohort! You can now download your invitation "
                "letter for the visa."), "success")
    return _back(application)


@offer_pages.route("/applications/<int:application_id>/decline", methods=["GET", "POST"])
@roles_required("trainee")
def decline(application_id: int):
    """Declining asks first (the seat goes to the next on the waiting list)."""
    application = training.application_for(application_id, current_user, "confirm")
    if request.method == "GET" or request.form.get("confirmed") != "1":
        return render_template("admissions/offer_decline.html", application=application,
                               session=application.session)
    try:
        offers.decline(application, current_user)
    except Conflict as exc:
        flash_error(exc)
        return _back(application)
    flash(_("You have declined the seat. Thank you for telling us in time."), "info")
    return redirect(url_for("home.dashboard"))


@offer_pages.route("/applications/<int:application_id>/invitation.pdf")
@roles_required("trainee", "admin")
def invitation(application_id: int):
    application = invitations.invitation_for(application_id, current_user)
    letter = invitations.render_letter(
        application, invitations.letter_language(request.args.get("lang"), application.user))
    return Response(letter.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{letter.filename}"'})
