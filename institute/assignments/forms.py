"""Web forms of assignments: CSRF and fields here; the services check the values (the
points per criterion are read from the posted fields by the view)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField


class SubmitForm(FlaskForm):
    text = TextAreaField(_l("Your text"), render_kw={"rows": 10, "maxlength": 50_000})
    file = FileField(_l("Your file (PDF, DOCX, ODT, PNG or JPEG)"))
    submit = SubmitField(_l("Send my work"))


class GradeForm(FlaskForm):
    feedback = TextAreaField(_l("Feedback for the fellow"), render_kw={"rows": 6, "maxlength": 10_000})
    submit = SubmitField(_l("Save the grade"))
