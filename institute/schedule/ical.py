"""A user's events as an iCalendar feed (RFC 5545), which phones and Outlook subscribe to.

Times are written in UTC (``…Z``): every calendar shows them in its owner's zone,
and no VTIMEZONE rules need shipping. An event keeps its UID for life; each
change raises its SEQUENCE, and a cancelled one stays with STATUS:CANCELLED, so
subscribed calendars update it instead of adding a second copy.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app

from ..links import external_url
from ..training.models import TrainingSession
from .models import Event

PRODUCT = "-//Global Desert Institute//e-training//EN"


def escape(text: str) -> str:
    """TEXT values (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space, never splitting a character (§3.1)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(event: Event) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"event-{event.id}@{host}"


def _event_lines(event: Event, session: TrainingSession, labels) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(event)}",
        f"DTSTAMP:{_utc(event.updated_at)}",
        f"CREATED:{_utc(event.created_at)}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTART:{_utc(event.starts_at)}",
    ]
    if event.ends_at > event.starts_at:  # a deadline is a moment: no DTEND (§3.6.1)
        lines.append(f"DTEND:{_utc(event.ends_at)}")
    lines += [
        f"SUMMARY:{escape(event.title)}",
        f"CATEGORIES:{escape(str(labels(event.kind)))}",
        f"STATUS:{'CANCELLED' if event.cancelled_at else 'CONFIRMED'}",
        f"URL:{external_url('schedule.event', event_id=event.id)}",
    ]
    if event.place:
        lines.append(f"LOCATION:{escape(event.place)}")
    description = "\n\n".join(part for part in (session.title, event.description) if part)
    lines.append(f"DESCRIPTION:{escape(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[tuple[Event, TrainingSession]], name: str, labels) -> str:
    """The whole feed; ``labels`` names an event's kind in the reader's language."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for event, session in events:
        lines += _event_lines(event, session, labels)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
