"""What pages and messages call an application's state, and the phrases stored in English
that are shown in the reader's language."""

from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from .models import ApplicationStatus

# One English word may say two things ("rejected" of an application, of an exchange):
# each state is translated in its own context.
_STATES: dict[str, object] = {
    ApplicationStatus.APPLIED: lazy_pgettext("application state", "applied"),
    ApplicationStatus.ACCEPTED: lazy_pgettext("application state", "accepted"),
    ApplicationStatus.WAITLISTED: lazy_pgettext("application state", "waitlisted"),
    ApplicationStatus.REJECTED: lazy_pgettext("application state", "rejected"),
    ApplicationStatus.WITHDRAWN: lazy_pgettext("application state", "withdrawn"),
}

# The motivation of a fellow the institute enrolled from a list: stored in English, as
# the database holds no language, and shown in the reader's.
ENROLLED_BY_THE_INSTITUTE = "Enrolled by the institute."


def application_state(status: str) -> str:
    """An application's state in the reader's language."""
    label = _STATES.get(status)  # a StrEnum member and its string are the same key
    return str(label) if label is not None else str(status)


def motivation_text(motivation: str) -> str:
    """An application's motivation as pages show it: the institute's own phrase translated."""
    if motivation == ENROLLED_BY_THE_INSTITUTE:
        return _("Enrolled by the institute.")
    return motivation
