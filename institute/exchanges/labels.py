"""What pages and messages call an exchange's state, in the reader's language."""

from flask_babel import lazy_pgettext

from .models import ExchangeStatus

# One English word may say two things ("rejected" of an exchange, of an application):
# each state is translated in its own context.
_STATES: dict[str, object] = {
    ExchangeStatus.PROPOSED: lazy_pgettext("exchange state", "proposed"),
    ExchangeStatus.CONFIRMED: lazy_pgettext("exchange state", "confirmed"),
    ExchangeStatus.APPROVED: lazy_pgettext("exchange state", "approved"),
    ExchangeStatus.REJECTED: lazy_pgettext("exchange state", "rejected"),
    ExchangeStatus.COMPLETED: lazy_pgettext("exchange state", "completed"),
    ExchangeStatus.CANCELLED: lazy_pgettext("exchange state", "cancelled"),
}


def exchange_state(status: str) -> str:
    """An exchange's state in the reader's language."""
    label = _STATES.get(status)  # a StrEnum member and its string are the same key
    return str(label) if label is not None else str(status)


def state_label(status: str):
    """The same, left lazy: for a message written later in its reader's language."""
    return _STATES.get(status, status)
