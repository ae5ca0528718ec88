"""The outbox page: every notification the platform sent or tried to send."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import roles_required
from ..door import query_int
from . import services

notifications = Blueprint("notifications", __name__, template_folder="templates")


@notifications.route("/admin/outbox")
@roles_required("admin")
def outbox():
    page = services.outbox(query_int("page", 1, low=1))
    return render_template("notifications/outbox.html", pagination=page)


@notifications.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@roles_required("admin")
def retry(message_id: int):
    services.retry_now(message_id)
    flash(_("The message will be sent again now."), "info")
    return redirect(url_for("notifications.outbox"))
