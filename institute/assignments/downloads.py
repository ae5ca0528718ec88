"""A submission's file as an attachment, for the page and the API alike."""

import io

from flask import send_file
from flask_babel import gettext as _

from ..errors import NotFound
from .models import Submission


def file_response(submission: Submission):
    """The file, never shown inline and never cached: its reader was checked by the loader."""
    if submission.file_name is None or submission.file_data is None:
        raise NotFound(_("This submission has no file."))
    response = send_file(io.BytesIO(submission.file_data), mimetype=submission.file_type or "application/octet-stream",
                         as_attachment=True, download_name=submission.file_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
