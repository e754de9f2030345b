"""Deadline reminders: when to remind before each deadline, and keeping the stored ones in step.

A deadline that reminds (``reminds = true`` in the rules) gets one reminder per offset of the
shopper (default 3 days, 1 day and 3 hours before). A reminder that would fall inside the
shopper's quiet hours (default 22:00–08:00 in their zone; the two boundary minutes themselves
are allowed) is moved *earlier*, to the moment the quiet hours begin — later could be past the
deadline. Offsets whose moment has already passed are skipped; when every one has passed but
the deadline is still ahead and the shopper has heard nothing about it yet, one reminder goes
out now.

:func:`sync_case_reminders` is called whenever something the plan depends on changes (a fact,
the status of the case, the shopper's zone, offsets or quiet hours). It diffs the wanted
reminders against the case's stored ones, keyed by ``(deadline_key, offset_minutes,
deadline_at)``: pending ones no longer wanted are cancelled, new ones inserted, the rest left
alone. Sent, sending, done and failed rows are never touched, a deadline the shopper marked
Done is never reminded again (unless its moment changes), and a snoozed copy (no offset) lives
as long as its deadline does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_deadlines import case_deadlines
from shopguard.db.models import Case, Reminder, User
from shopguard.deadlines import Deadline
from shopguard.reminders.store import Status
from shopguard.taxonomy import CaseStatus

KIND_DEADLINE: Final = "deadline"
DEFAULT_OFFSETS: Final[tuple[int, ...]] = (3 * 24 * 60, 24 * 60, 3 * 60)  # minutes before
MIN_OFFSET: Final = 10  # minutes
MAX_OFFSET: Final = 30 * 24 * 60
MAX_OFFSETS: Final = 5
NOW_OFFSET: Final = 0  # the one "now" reminder of a deadline whose offsets have all passed
QUIET_OFF: Final = "off"
_CANCELLABLE: Final = (Status.PENDING, Status.PAUSED)

Key = tuple[str | None, int | None, datetime | None]  # (deadline_key, offset, deadline_at)
DeadlineId = tuple[str | None, datetime | None]  # (deadline_key, deadline_at)


@dataclass(frozen=True)
class QuietHours:
    """Local times between which no reminder is sent; may wrap midnight (22:00–08:00)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("quiet hours must not start and end at the same time")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are local wall-clock times")

    def contains(self, moment: time) -> bool:
        """Strictly inside: a reminder at the first or the last minute is allowed."""
        if self.start < self.end:
            return self.start < moment < self.end
        return moment > self.start or moment < self.end

    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DEFAULT_QUIET: Final = QuietHours(time(22, 0), time(8, 0))


@dataclass(frozen=True)
class ReminderPrefs:
    offsets: tuple[int, ...]  # minutes before the deadline, largest first; empty: no reminders
    quiet: QuietHours | None  # None: no quiet hours


@dataclass(frozen=True)
class Planned:
    deadline_key: str
    offset_minutes: int
    deadline_at: datetime
    due_at: datetime  # when to send: the deadline minus the offset, moved out of quiet hours

    @property
    def key(self) -> Key:
        return (self.deadline_key, self.offset_minutes, self.deadline_at)


# --- preferences as stored on the user ----------------------------------------------------------


def offsets_text(offsets: Iterable[int]) -> str:
    return ",".join(str(minutes) for minutes in offsets)


def read_offsets(stored: str | None) -> tuple[int, ...]:
    if stored is None:
        return DEFAULT_OFFSETS
    return tuple(sorted({int(part) for part in stored.split(",") if part.strip()}, reverse=True))


def read_quiet(stored: str | None) -> QuietHours | None:
    if stored is None:
        return DEFAULT_QUIET
    if stored == QUIET_OFF:
        return None
    start, end = stored.split("-")
    return QuietHours(time.fromisoformat(start), time.fromisoformat(end))


def prefs_of(user: User) -> ReminderPrefs:
    return ReminderPrefs(read_offsets(user.reminder_offsets), read_quiet(user.quiet_hours))


# --- planning (pure) ------------------------------------------------------------------------------


def outside_quiet(at: datetime, quiet: QuietHours | None, tz: str) -> datetime:
    """``at``, or the start of the quiet hours it falls into (always earlier, as UTC)."""
    if quiet is None:
        return at
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    clock = local.time()
    if not quiet.contains(clock):
        return at
    day = local.date()
    if quiet.start > quiet.end and clock < quiet.end:  # after midnight, in hours that began
        day -= timedelta(days=1)  # the evening before
    return datetime.combine(day, quiet.start, tzinfo=zone).astimezone(UTC)


def plan_reminders(
    deadlines: Iterable[Deadline], prefs: ReminderPrefs, tz: str, now: datetime
) -> list[Planned]:
    """The reminders still ahead for ``deadlines``; two offsets moved to one moment send once."""
    planned: list[Planned] = []
    for deadline in deadlines:
        if not deadline.reminds or deadline.due_at <= now:
            continue
        moments: set[datetime] = set()
        for offset in sorted(prefs.offsets, reverse=True):
            due = outside_quiet(deadline.due_at - timedelta(minutes=offset), prefs.quiet, tz)
            if due <= now or due in moments:
                continue
            moments.add(due)
            planned.append(Planned(deadline.rule_id, offset, deadline.due_at, due))
    return planned


# --- keeping the stored reminders in step -------------------------------------------------------


async def sync_case_reminders(session: AsyncSession, case: Case, now: datetime) -> list[datetime]:
    """Bring the case's deadline reminders in line with its facts; returns the new due moments
    (for the caller to wake the dispatcher). A closed case keeps no pending reminders."""
    assert case.id is not None
    if case.status != CaseStatus.OPEN:
        await cancel_case_reminders(session, case.id)
        return []
    user = await session.get(User, case.user_id)
    if user is None:
        return []
    prefs = prefs_of(user)
    current: dict[DeadlineId, Deadline] = {
        (d.rule_id, d.due_at): d
        for d in case_deadlines(case, user.timezone).deadlines
        if d.reminds and d.due_at > now
    }
    wanted = {p.key: p for p in plan_reminders(current.values(), prefs, user.timezone, now)}
    rows = await session.exec(
        select(Reminder).where(
            col(Reminder.case_id) == case.id,
            col(Reminder.kind) == KIND_DEADLINE,
            col(Reminder.status) != Status.CANCELLED,
        )
    )
    cancel: list[int] = []
    taken: set[Key] = set()
    heard: set[DeadlineId] = set()  # deadlines with a reminder, sent or to come
    done: set[DeadlineId] = set()
    for row in rows.all():
        key: Key = (row.deadline_key, row.offset_minutes, row.deadline_at)
        deadline: DeadlineId = (row.deadline_key, row.deadline_at)
        if row.status in _CANCELLABLE and not _still_wanted(row, key, current, wanted, now):
            assert row.id is not None
            cancel.append(row.id)
            continue
        taken.add(key)
        heard.add(deadline)
        if row.status == Status.DONE:
            done.add(deadline)
    planned_for = {(p.deadline_key, p.deadline_at) for p in wanted.values()}
    if prefs.offsets:
        for d in current.values():
            if (d.rule_id, d.due_at) not in planned_for | heard:
                now_reminder = Planned(d.rule_id, NOW_OFFSET, d.due_at, now)
                wanted[now_reminder.key] = now_reminder
    new = [
        p
        for p in wanted.values()
        if p.key not in taken and (p.deadline_key, p.deadline_at) not in done
    ]
    if cancel:
        await session.exec(
            update(Reminder)
            .where(col(Reminder.id).in_(cancel), col(Reminder.status).in_(_CANCELLABLE))
            .values(status=Status.CANCELLED)
        )
    session.add_all(_reminder(case, p, now) for p in new)
    await session.flush()
    return sorted(p.due_at for p in new)


def _still_wanted(
    row: Reminder,
    key: Key,
    current: dict[DeadlineId, Deadline],
    wanted: dict[Key, Planned],
    now: datetime,
) -> bool:
    if (row.deadline_key, row.deadline_at) not in current:
        return False  # the deadline moved, passed or no longer applies
    if row.offset_minutes is None or row.due_at <= now:
        return True  # a snoozed copy, or one due this moment: it goes out as asked
    planned = wanted.get(key)
    return planned is not None and planned.due_at == row.due_at


def _reminder(case: Case, planned: Planned, now: datetime) -> Reminder:
    return Reminder(
        user_id=case.user_id,
        case_id=case.id,
        kind=KIND_DEADLINE,
        deadline_key=planned.deadline_key,
        offset_minutes=planned.offset_minutes,
        deadline_at=planned.deadline_at,
        due_at=planned.due_at,
        available_at=planned.due_at,
        created_at=now,
    )


async def cancel_case_reminders(session: AsyncSession, case_id: int) -> int:
    """Every pending reminder of the case (deadline and the shopper's own): the case is closed."""
    result = await session.exec(
        update(Reminder)
        .where(col(Reminder.case_id) == case_id, col(Reminder.status).in_(_CANCELLABLE))
        .values(status=Status.CANCELLED)
    )
    return int(result.rowcount)


async def resync_user(session: AsyncSession, user_id: int, now: datetime) -> list[datetime]:
    """Re-plan every open case of the shopper (their zone, offsets or quiet hours changed)."""
    cases = await session.exec(
        select(Case).where(col(Case.user_id) == user_id, col(Case.status) == CaseStatus.OPEN)
    )
    due: list[datetime] = []
    for case in cases.all():
        due += await sync_case_reminders(session, case, now)
    return sorted(due)


async def set_offsets(
    session: AsyncSession, user: User, offsets: tuple[int, ...], now: datetime
) -> list[datetime]:
    """Store the shopper's offsets and re-plan; the defaults are stored as NULL, so they follow
    a later change of ``DEFAULT_OFFSETS``."""
    user.reminder_offsets = None if offsets == DEFAULT_OFFSETS else offsets_text(offsets)
    session.add(user)
    await session.flush()
    return await resync_user(session, user.id, now)


async def set_quiet_hours(
    session: AsyncSession, user: User, quiet: QuietHours | None, now: datetime
) -> list[datetime]:
    if quiet == DEFAULT_QUIET:
        user.quiet_hours = None
    else:
        user.quiet_hours = QUIET_OFF if quiet is None else quiet.text()
    session.add(user)
    await session.flush()
    return await resync_user(session, user.id, now)


async def next_pending_at(session: AsyncSession, user_id: int) -> datetime | None:
    """The shopper's next pending reminder, for waking the dispatcher after a change."""
    value: datetime | None = (
        await session.exec(
            select(func.min(Reminder.due_at)).where(
                col(Reminder.user_id) == user_id, col(Reminder.status) == Status.PENDING
            )
        )
    ).one()
    return value
