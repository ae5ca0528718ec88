"""Web forms of admissions; the services check the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

SCORES = [("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]


class ReviewForm(FlaskForm):
    score = SelectField(_l("Your score (1 to 5)"), choices=SCORES, validators=[Optional()])
    note = TextAreaField(_l("Your private note"))
    submit = SubmitField(_l("Save my review"))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("accept", _l("Accept")), ("waitlist", _l("Waitlist")),
                                                    ("reject", _l("Reject"))])
    reason = StringField(_l("Reason, for a rejection (the applicant reads it)"))
    submit = SubmitField(_l("Decide"))
