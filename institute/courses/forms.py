from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField


class UploadForm(FlaskForm):
    bundle = FileField(_l("Course bundle (.zip)"))
    message = StringField(_l("What changed (kept with the revision)"))
    submit = SubmitField(_l("Upload"))


# Marked for extraction: the diff page shows ``_(file.status)``.
FILE_STATUS_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
