"""Web forms of accounts. They collect input; the services hold the rules.

Fields carry no validators of their own where a service checks them, so a page
shows every problem at once, in the service's words.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .models import PartnerKind, Role

# Marked for extraction so that templates can show ``_(role)`` and ``_(kind)`` translated.
ROLE_LABELS = {Role.TRAINEE: _l("trainee"), Role.PARTNER: _l("partner"),
               Role.INSTRUCTOR: _l("instructor"), Role.ADMIN: _l("admin")}
KIND_LABELS = {PartnerKind.INSTITUTE: _l("institute"), PartnerKind.UNIVERSITY: _l("university"),
               PartnerKind.RESEARCH_CENTRE: _l("research-centre"),
               PartnerKind.TRAINING_CENTRE: _l("training-centre"), PartnerKind.OTHER: _l("other")}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes rather than a multi-select: usable by keyboard and on small screens."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"))
    email = EmailField(_l("Email"))
    country = SelectField(_l("Country"), validators=[Optional()])
    password = PasswordField(_l("Password"))
    submit = SubmitField(_l("Create account"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"))
    country = SelectField(_l("Country"), validators=[Optional()])
    locale = SelectField(_l("Language"), validators=[Optional()])
    timezone = SelectField(_l("Time zone"), validators=[Optional()])
    emails = MultiCheckboxField(_l("Emails I want besides those I must get"), validators=[Optional()])
    submit = SubmitField(_l("Save profile"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))
    submit = SubmitField(_l("Change password"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Optional()])
    submit = SubmitField(_l("Create token"))


class ConfirmForm(FlaskForm):
    """An empty form: a button whose POST carries a CSRF token."""

    submit = SubmitField(_l("Confirm"))


class UserEditForm(FlaskForm):
    name = StringField(_l("Full name"))
    email = EmailField(_l("Email"))
    roles = MultiCheckboxField(_l("Roles"), choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    partner = SelectField(_l("Partner institution"), validators=[Optional()])
    active = BooleanField(_l("Active (can log in)"))
    submit = SubmitField(_l("Save user"))


class UserCreateForm(FlaskForm):
    name = StringField(_l("Full name"))
    email = EmailField(_l("Email"))
    password = PasswordField(_l("Initial password"))
    roles = MultiCheckboxField(_l("Roles"), choices=[(r.value, ROLE_LABELS[r]) for r in Role],
                               default=[Role.TRAINEE.value])
    partner = SelectField(_l("Partner institution"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    submit = SubmitField(_l("Create user"))


class PartnerForm(FlaskForm):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    country = SelectField(_l("Country"))
    kind = SelectField(_l("Kind"), choices=[(k.value, KIND_LABELS[k]) for k in PartnerKind])
    submit = SubmitField(_l("Save partner"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired()])
    submit = SubmitField(_l("Send me a link"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"))
    submit = SubmitField(_l("Set password"))
