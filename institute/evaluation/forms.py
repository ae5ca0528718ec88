"""The evaluation's forms: CSRF and dates here; the questions and answers are read from
the posted fields by the views and checked by the service."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SubmitField
from wtforms.validators import Optional


class DefineForm(FlaskForm):
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])
    submit = SubmitField(_l("Save the evaluation"))


class AnswerForm(FlaskForm):
    submit = SubmitField(_l("Send my evaluation"))
