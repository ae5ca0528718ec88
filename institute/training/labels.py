"""What pages and messages call an application's state, and the phrases stored in English
that are shown in the reader's language."""

from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from .models import ApplicationStatus
from .progress import Missing, MissingKind

# One English word may say two things ("rejected" of an application, of an exchange):
# each state is translated in its own context.
_STATES: dict[str, object] = {
    ApplicationStatus.APPLIED: lazy_pgettext("application state", "applied"),
    ApplicationStatus.ACCEPTED: lazy_pgettext("application state", "accepted"),
    ApplicationStatus.WAITLISTED: lazy_pgettext("application state", "waitlisted"),
    ApplicationStatus.REJECTED: lazy_pgettext("application state", "rejected"),
    ApplicationStatus.WITHDRAWN: lazy_pgettext("application state", "withdrawn"),
    ApplicationStatus.DECLINED: lazy_pgettext("application state", "declined"),
    ApplicationStatus.LAPSED: lazy_pgettext("application state", "offer lapsed"),
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


def _percent(value: float) -> str:
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def missing_text(missing: Missing) -> str:
    """One reason a fellow has not completed, in the reader's language: the one place
    that puts ``progress.Missing`` into words (pages, the API and the command line)."""
    if missing.kind == MissingKind.MODULE:
        return _("Module “%(m)s” of “%(c)s” not done", m=missing.title, c=missing.course)
    if missing.kind == MissingKind.ESSAY:
        return _("Quiz “%(q)s” of “%(c)s”: essay waiting for grading", q=missing.title, c=missing.course)
    if missing.kind == MissingKind.QUIZ:
        if missing.best is None:
            return _("Quiz “%(q)s” of “%(c)s” not taken yet (pass mark %(p)s)", q=missing.title,
                     c=missing.course, p=_percent(missing.pass_mark or 0))
        return _("Quiz “%(q)s” of “%(c)s” not passed (best %(b)s, pass mark %(p)s)", q=missing.title,
                 c=missing.course, b=_percent(missing.best), p=_percent(missing.pass_mark or 0))
    if missing.kind == MissingKind.ATTENDANCE:
        if missing.best is None:
            return _("Attendance: none taken yet (%(r)s required)", r=_percent(missing.pass_mark or 0))
        return _("Attendance %(a)s, below the %(r)s required", a=_percent(missing.best),
                 r=_percent(missing.pass_mark or 0))
    if missing.kind == MissingKind.ASSIGNMENT_PENDING:
        return _("Assignment “%(a)s” of “%(c)s”: waiting for grading", a=missing.title, c=missing.course)
    if missing.kind == MissingKind.ASSIGNMENT:
        if missing.best is None:
            return _("Assignment “%(a)s” of “%(c)s” not submitted yet (pass mark %(p)s points)",
                     a=missing.title, c=missing.course, p=f"{missing.pass_mark or 0:g}")
        return _("Assignment “%(a)s” of “%(c)s” not passed (%(b)s points, pass mark %(p)s)",
                 a=missing.title, c=missing.course, b=f"{missing.best:g}", p=f"{missing.pass_mark or 0:g}")
    return _("The session has no course.")


def missing_texts(reasons: list[Missing]) -> list[str]:
    return [missing_text(reason) for reason in reasons]
