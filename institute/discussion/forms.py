"""Web forms of the discussion; the services check the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField


class ThreadForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Your post"), render_kw={"rows": 8})
    submit = SubmitField(_l("Start the thread"))


class PostForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), render_kw={"rows": 6})
    submit = SubmitField(_l("Post the reply"))


class EditForm(FlaskForm):
    body = TextAreaField(_l("Your post"), render_kw={"rows": 8})
    submit = SubmitField(_l("Save the post"))


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Why is it hidden?"), render_kw={"rows": 3})
    submit = SubmitField(_l("Hide the post"))


class SubscriptionForm(FlaskForm):
    delivery = RadioField(_l("Emails"), choices=[("each-post", _l("An email per post")),
                                                  ("daily-digest", _l("A daily digest"))],
                          default="each-post", validate_choice=False)
    submit = SubmitField(_l("Follow by email"))
