"""What pages and feeds call an event's kind and a fellow's presence, in the reader's language."""

from flask_babel import lazy_pgettext

from .models import EventKind, Presence

_KINDS: dict[str, object] = {
    EventKind.LECTURE: lazy_pgettext("event kind", "lecture"),
    EventKind.FIELD_TRIP: lazy_pgettext("event kind", "field trip"),
    EventKind.DEADLINE: lazy_pgettext("event kind", "deadline"),
    EventKind.OTHER: lazy_pgettext("event kind", "other"),
}

_PRESENCE: dict[str, object] = {
    Presence.PRESENT: lazy_pgettext("attendance", "present"),
    Presence.ABSENT: lazy_pgettext("attendance", "absent"),
    Presence.EXCUSED: lazy_pgettext("attendance", "excused"),
}


def event_kind(kind: str) -> str:
    label = _KINDS.get(kind)
    return str(label) if label is not None else str(kind)


def presence(value: str | None) -> str:
    label = _PRESENCE.get(value or "")
    return str(label) if label is not None else str(value or "")


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.value, event_kind(kind)) for kind in EventKind]
