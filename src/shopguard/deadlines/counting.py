"""How a period is counted (domain.md §2), in the shopper's time zone.

- ``calendar_days`` (民法典 Art. 201–203): the day of the event is not counted; the period
  ends at 24:00 of the last day, local time. Platforms often count by system timestamp
  instead (N×24 h from the event), so ``due_at`` is the **earlier** of the two readings. When
  only the date of the event is known (it sits exactly on local midnight, which is how a
  date without a time is stored), the 24:00 reading is the only one that can be made.
- ``hours``: N hours from the event instant, nothing else.
- ``working_days`` (12315 clocks): skip weekends and China's statutory holidays, count the
  make-up workdays (``chinese_calendar``); ends at 24:00 of the last working day.
- ``months`` / ``years`` (民法典 Art. 202): the last day is the corresponding day of the
  month the period ends in, or that month's last day when it has none (29 Feb → 28 Feb).

``legal_due_at`` adds the law's extension (民法典 Art. 203): a last day that falls on a
法定休假日 moves to the next working day. 法定休假日 is read as courts read it — statutory
holidays *and* weekend rest days — while a make-up workday is a working day, so a period
ending on one is not extended.

``chinese_calendar`` only knows the years the State Council has published; outside them it
raises ``NotImplementedError``. Then a day counts as a working day when it is Monday–Friday,
and the year is reported in ``unknown_years`` so the caller can lower the confidence.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from shopguard.deadlines.rules import Counting

_MAX_SCAN_DAYS = 400  # a run of rest days is never near this long; guards against a bad table


@dataclass(frozen=True)
class Count:
    due_at: datetime  # aware UTC: the conservative reading
    legal_due_at: datetime  # aware UTC: with the holiday extension; never before due_at
    last_day: date | None  # local last day of the period (legal reading, before any extension)
    unknown_years: tuple[int, ...] = ()  # years whose holiday calendar was not known


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """24:00 of ``day`` in ``zone`` (= 00:00 of the next day) as an aware UTC instant."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def is_date_only(instant: datetime, zone: ZoneInfo) -> bool:
    """True when ``instant`` sits exactly on local midnight: a date typed without a time."""
    return instant.astimezone(zone).time() == time(0)


@lru_cache(maxsize=4096)
def working_day(day: date) -> tuple[bool, bool]:
    """(is it a working day in mainland China, is that known from the official calendar)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


def nth_working_day_after(day: date, n: int) -> tuple[date, tuple[int, ...]]:
    """The ``n``-th working day after ``day`` (``day`` itself is not counted)."""
    unknown: set[int] = set()
    counted = 0
    current = day
    while counted < n:
        current += timedelta(days=1)
        is_work, known = working_day(current)
        if not known:
            unknown.add(current.year)
        if is_work:
            counted += 1
    return current, tuple(sorted(unknown))


def working_day_on_or_after(day: date) -> tuple[date, tuple[int, ...]]:
    """``day`` when it is a working day, else the next working day."""
    unknown: set[int] = set()
    current = day
    for _ in range(_MAX_SCAN_DAYS):
        is_work, known = working_day(current)
        if not known:
            unknown.add(current.year)
        if is_work:
            return current, tuple(sorted(unknown))
        current += timedelta(days=1)
    raise RuntimeError(f"no working day within {_MAX_SCAN_DAYS} days of {day}")


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later, or the last day of that month (民法典 Art. 202)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def count_period(
    counting: Counting, start: datetime, amount: int, zone: ZoneInfo, *, time_known: bool
) -> Count:
    """The due moments of a period of ``amount`` units starting at the instant ``start``.

    ``time_known`` is False when only the date of ``start`` is known; the N×24 h reading of a
    calendar-day period is then left out (it would be measured from a made-up midnight).
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if amount <= 0:
        raise ValueError("amount must be positive")
    start = start.astimezone(UTC)
    if counting == "hours":
        due = start + timedelta(hours=amount)
        return Count(due_at=due, legal_due_at=due, last_day=None)
    first = local_date(start, zone)
    if counting == "working_days":
        last, unknown = nth_working_day_after(first, amount)
        due = end_of_local_day(last, zone)
        return Count(due_at=due, legal_due_at=due, last_day=last, unknown_years=unknown)
    if counting == "calendar_days":
        last = first + timedelta(days=amount)
    elif counting == "months":
        last = add_months(first, amount)
    else:
        last = add_months(first, 12 * amount)
    due = end_of_local_day(last, zone)
    if counting == "calendar_days" and time_known:
        due = min(due, start + timedelta(hours=24 * amount))
    legal_last, unknown = working_day_on_or_after(last)
    return Count(
        due_at=due,
        legal_due_at=end_of_local_day(legal_last, zone),
        last_day=last,
        unknown_years=unknown,
    )
