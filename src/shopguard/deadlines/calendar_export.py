"""Deadlines as an iCalendar file (RFC 5545) to import into a phone calendar.

Written by hand, it is small: CRLF line endings, content lines folded at 75 octets (never
inside a UTF-8 character), TEXT values escaped, every instant in UTC with a ``Z``. A deadline
is an event of one hour that *ends* at the deadline, so a calendar shows it on the last day
("23:00–24:00"), with one alarm per reminder offset before the deadline. UIDs are stable
(case and rule), so importing a newer export updates the events instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

PRODID: Final = "-//ShopGuard//ShopGuard deadlines//EN"
EVENT_LENGTH: Final = timedelta(hours=1)
MAX_OCTETS: Final = 75
CRLF: Final = "\r\n"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    deadline: datetime  # aware; the event ends here
    summary: str
    description: str
    alarms: tuple[timedelta, ...] = ()  # how long before the deadline to alert


def deadline_uid(case_id: int, rule_id: str) -> str:
    return f"case{case_id}-{rule_id}@shopguard"


def calendar_text(events: Iterable[CalendarEvent], *, now: datetime, name: str) -> str:
    """The whole ``.ics`` file; ``now`` is every event's DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event, now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def _event_lines(event: CalendarEvent, now: datetime) -> list[str]:
    start = event.deadline - EVENT_LENGTH
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(start)}",
        f"DTEND:{utc_stamp(event.deadline)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        "TRANSP:TRANSPARENT",
    ]
    for before in event.alarms:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(event.summary)}",
            # relative to DTSTART, the form every calendar reads (RELATED=END is not)
            f"TRIGGER:{duration_text(EVENT_LENGTH - before)}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar instants must be aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def duration_text(delta: timedelta) -> str:
    """RFC 5545 dur-value to the minute: -P2DT23H, PT30M, PT0S."""
    sign = "-" if delta < timedelta(0) else ""
    minutes = round(abs(delta).total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    clock = (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "")
    if not days and not clock:
        return "PT0S"
    return f"{sign}P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, each continuation line starting
    with one space (which counts); a UTF-8 character is never cut in two."""
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)
