"""Admin pages of accounts: users (list, search, create, edit) and partners."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import public, roles_required
from ..door import query_int
from ..errors import Conflict, Invalid
from ..web import apply_errors
from . import recovery, services
from .countries import country_choices
from .forms import ConfirmForm, PartnerForm, UserCreateForm, UserEditForm

accounts_admin = Blueprint("accounts_admin", __name__, template_folder="templates")


def _partner_choices() -> list[tuple[str, str]]:
    return [("", _("— none —"))] + [(p.code, f"{p.code} — {p.name}") for p in services.list_partners()]



@accounts_admin.route("/admin/users")
@roles_required("admin")
def users():
    query = request.args.get("q", "").strip()
    page = query_int("page", 1, low=1)
    pagination = services.search_users(query, page, current_app.config["USERS_PER_PAGE"])
    return render_template("accounts/admin_users.html", pagination=pagination, query=query)


@accounts_admin.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def create_user():
    form = UserCreateForm()
    form.partner.choices = _partner_choices()
    form.country.choices = country_choices(_("— none —"))
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.name.data, form.password.data, form.roles.data,
                form.partner.data or None, form.country.data or None,
            )
        except (Conflict, Invalid) as exc:
            apply_errors(form, exc, field="email")
        else:
            flash(_("The user %(email)s is created.", email=user.email), "success")
            return redirect(url_for("accounts_admin.users"))
    return render_template("accounts/admin_user_new.html", form=form)


@accounts_admin.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = UserEditForm(
        data={"name": user.name, "email": user.email, "roles": sorted(user.roles),
              "partner": user.partner.code if user.partner else "", "active": user.active}
    ) if request.method == "GET" else UserEditForm()
    form.partner.choices = _partner_choices()
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, form.roles.data or [], form.partner.data or None,
                                 form.active.data, name=form.name.data, email=form.email.data)
        except (Invalid, Conflict) as exc:
            apply_errors(form, exc)
        else:
            flash(_("The user %(email)s is saved.", email=user.email), "success")
            return redirect(url_for("accounts_admin.users"))
    return render_template("accounts/admin_user_edit.html", form=form, target=user, reset_form=ConfirmForm())


@accounts_admin.route("/admin/users/<int:user_id>/password-reset", methods=["POST"])
@roles_required("admin")
def send_password_reset(user_id: int):
    user = services.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        recovery.send_password_reset(user)
        flash(_("A link to choose a new password is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts_admin.edit_user", user_id=user.id))


@accounts_admin.route("/partners")
@public
def partners():
    return render_template("accounts/partners.html", partners=services.list_partners())


@accounts_admin.route("/admin/partners/new", methods=["GET", "POST"])
@roles_required("admin")
def create_partner():
    form = PartnerForm()
    form.country.choices = country_choices(_("— choose —"))
    if form.validate_on_submit():
        try:
            partner = services.create_partner(
                form.code.data, form.name.data, form.country.data, form.kind.data
            )
        except (Conflict, Invalid) as exc:
            apply_errors(form, exc, field="code")
        else:
            flash(_("The partner %(code)s is added.", code=partner.code), "success")
            return redirect(url_for("accounts_admin.partners"))
    return render_template("accounts/partner_form.html", form=form, partner=None)


@accounts_admin.route("/admin/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_partner(partner_id: int):
    partner = services.get_partner(partner_id)
    form = PartnerForm(obj=partner)
    form.country.choices = country_choices(_("— choose —"))
    if form.validate_on_submit():
        try:
            services.update_partner(partner, form.name.data or "", form.country.data, form.kind.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("The partner %(code)s is saved.", code=partner.code), "success")
            return redirect(url_for("accounts_admin.partners"))
    return render_template("accounts/partner_form.html", form=form, partner=partner)
