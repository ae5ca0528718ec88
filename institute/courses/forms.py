from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField


class UploadForm(FlaskForm):
    bundle = FileField(_l("Course bundle (.zip)"))
    message = StringField(_l("What changed (kept with the revision)"))
    submit = SubmitField(_l("Upload"))


class AdaptForm(FlaskForm):
    title = StringField(_l("Title of your copy"))
    slug = StringField(_l("Slug of your copy (its address: lowercase letters, digits and '-')"))
    submit = SubmitField(_l("Adapt"))


# Marked for extraction: the diff page shows ``_(file.status)``.
FILE_STATUS_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
