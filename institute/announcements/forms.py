"""The announcement form; the service checks the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Announcement (Markdown)"))
    submit = SubmitField(_l("Post to the cohort"))
