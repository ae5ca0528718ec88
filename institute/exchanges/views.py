"""Web pages of teacher exchanges: lists, propose, one exchange, year view, statistics."""

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import login_required, roles_required
from ..accounts.services import list_partners
from ..courses.services import catalogue
from ..door import YEARS, query_int
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..web import error_messages, flash_error
from . import services
from .charts import COLOURS, statistics_chart, timeline
from .labels import exchange_state

exchanges = Blueprint("exchanges", __name__, template_folder="templates")
exchanges.add_app_template_filter(exchange_state, "exchange_state")

# Marked for extraction: pages and messages show ``_(decision)``; states: ``exchange_state``.
LABELS = (_l("confirm"), _l("approve"), _l("reject"), _l("cancel"), _l("complete"))
STAFF = ("partner", "instructor", "admin")


@exchanges.route("/exchanges")
@roles_required(*STAFF)
def index():
    mine = services.visible(current_user)
    partner_id = current_user.partner_id
    return render_template(
        "exchanges/index.html",
        teaching=[e for e in mine if e.teacher_id == current_user.id],
        sent=[e for e in mine if partner_id and e.home_partner_id == partner_id],
        hosted=[e for e in mine if partner_id and e.host_partner_id == partner_id],
        queue=services.admin_queue() if current_user.has_role("admin") else [],
        everything=mine if current_user.has_role("admin", "instructor") else [],
    )


def _form_context(values=None, errors=None):
    partners = list_partners()
    teachers = services.teacher_candidates(current_user)
    chosen = values.getlist("courses") if hasattr(values, "getlist") else []
    return {"partners": partners, "teachers": teachers, "courses": catalogue(current_user),
            "values": values or {}, "chosen": chosen, "errors": errors or []}


@exchanges.route("/exchanges/new", methods=["GET", "POST"])
@roles_required("partner", "admin")
def propose():
    if request.method == "POST":
        form = request.form
        try:
            exchange = services.propose(current_user, form.get("teacher"), form.get("home"), form.get("host"),
                                        form.get("starts_on"), form.get("ends_on"),
                                        form.getlist("courses"), form.get("purpose"))
            upload = request.files.get("file")
            if upload and upload.filename:
                services.attach_file(exchange, current_user, upload.filename, upload)
        except (Forbidden, Invalid) as exc:
            return render_template("exchanges/propose.html", **_form_context(form, error_messages(exc))), \
                exc.status
        flash(_("The exchange is proposed; the host institution will confirm it."), "success")
        return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    return render_template("exchanges/propose.html", **_form_context())


@exchanges.route("/exchanges/<int:exchange_id>")
@login_required
def detail(exchange_id: int):
    exchange = services.exchange_for(exchange_id, current_user)
    return render_template("exchanges/detail.html", exchange=exchange,
                           allowed=services.allowed_decisions(exchange, current_user),
                           may_attach=services.may_attach(exchange, current_user))


# Any user: the teacher, whatever their roles, completes and adds material; the
# service refuses everyone else.
@exchanges.route("/exchanges/<int:exchange_id>/decision", methods=["POST"])
@login_required
def decide(exchange_id: int):
    exchange = services.exchange_for(exchange_id, current_user, "decide")
    try:
        services.decide(exchange, request.form.get("decision", ""), current_user,
                        request.form.get("report", ""))
    except (Conflict, Invalid) as exc:
        flash_error(exc)
    else:
        flash(_("The exchange is now %(s)s.", s=exchange_state(exchange.status)), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id))


@exchanges.route("/exchanges/<int:exchange_id>/files", methods=["POST"])
@login_required
def attach(exchange_id: int):
    exchange = services.exchange_for(exchange_id, current_user, "attach")
    upload = request.files.get("file")
    try:
        if not upload or not upload.filename:
            raise Invalid(details=[{"field": "file", "message": _("Choose a file.")}])
        services.attach_file(exchange, current_user, upload.filename, upload)
    except Invalid as exc:
        flash_error(exc)
    else:
        flash(_("The material is attached."), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id))


@exchanges.route("/exchanges/<int:exchange_id>/files/<int:file_id>")
@login_required
def download(exchange_id: int, file_id: int):
    exchange = services.exchange_for(exchange_id, current_user)
    item = next((f for f in exchange.files if f.id == file_id), None)
    if item is None:
        raise NotFound(_("This exchange has no such file."))
    return Response(item.data, mimetype=item.content_type,
                    headers={"Content-Disposition": f'attachment; filename="{item.name}"'})


@exchanges.route("/exchanges/year/<int:year>")
@roles_required(*STAFF)
def year(year: int):
    if not YEARS[0] <= year <= YEARS[1]:
        # no exchange falls in that year, and dates cannot hold some of them
        raise NotFound(_("There are no exchanges in %(year)s.", year=year))
    rows = services.visible(current_user, year=year)
    return render_template("exchanges/year.html", year=year, exchanges=rows,
                           chart=timeline(rows, year), colours=COLOURS)


@exchanges.route("/exchanges/statistics")
@roles_required(*STAFF)
def statistics():
    chosen = query_int("year", low=YEARS[0], high=YEARS[1])
    rows = services.statistics(chosen)
    return render_template("exchanges/statistics.html", rows=rows, countries=services.by_country(rows),
                           chart=statistics_chart(rows), year=chosen, this_year=date.today().year)
