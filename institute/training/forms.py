"""Web forms of training sessions; the services check the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from ..accounts.forms import MultiCheckboxField


class SessionForm(FlaskForm):
    title = StringField(_l("Title"))
    year = IntegerField(_l("Year"), validators=[Optional()])
    sequence = SelectField(_l("Session in the year"), choices=[("1", "1"), ("2", "2")])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    place = StringField(_l("Place"))
    on_site_days = IntegerField(_l("Days on site"), validators=[Optional()])
    attendance_required = IntegerField(_l("Attendance required for completion (%)"), validators=[Optional()])
    seats = IntegerField(_l("Seats"), default=15, validators=[Optional()])
    applications_open = DateField(_l("Applications open"), validators=[Optional()])
    applications_close = DateField(_l("Applications close"), validators=[Optional()])
    courses = MultiCheckboxField(_l("Courses"))
    instructors = MultiCheckboxField(_l("Instructors"))
    description = TextAreaField(_l("Description"))
    questions = TextAreaField(_l("Application questions"), render_kw={"rows": 6, "spellcheck": "false"})
    submit = SubmitField(_l("Save session"))


class ApplyForm(FlaskForm):
    """The fixed fields of an application; the session's own questions are rendered from
    its ``questions`` and read by admissions (``admissions.views.apply``)."""

    motivation = TextAreaField(_l("Why do you apply? What will you do with what you learn?"))
    passport_name = StringField(_l("Name as in your passport"))
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    institution = StringField(_l("Your institution"))
    submit = SubmitField(_l("Apply"))


class EnrolForm(FlaskForm):
    file = FileField(_l("CSV file (email,name,country,partner)"))
    submit = SubmitField(_l("Enrol"))


