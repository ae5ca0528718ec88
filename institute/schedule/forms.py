"""Web forms of the schedule; the services check the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional


class EventForm(FlaskForm):
    title = StringField(_l("Title"))
    kind = SelectField(_l("Kind"))
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField(_l("Place"))
    quiz = SelectField(_l("Closes the quiz"), validators=[Optional()])
    description = TextAreaField(_l("What to bring, what to read first"))
    submit = SubmitField(_l("Save event"))
