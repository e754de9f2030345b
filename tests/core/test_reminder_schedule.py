"""Deadline reminders: offsets, quiet hours, and keeping the stored ones in step with the facts.

The case used throughout: Douyin, quality defect, general goods, received (签收) on
2026-11-20 (date only) by a shopper in Asia/Shanghai; the clock reads 2026-11-22 18:00 local.
Its reminding deadlines are the 7-day no-reason return and the quality-problem return, both
ending 2026-11-27 24:00 local (16:00 UTC). Default offsets 3 d / 1 d / 3 h put the first two at
midnight — inside the quiet hours — so they move to 22:00 the evening before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_deadlines import case_deadlines
from shopguard.cases import open_case, set_field, set_status
from shopguard.db.models import Case, Reminder, User
from shopguard.reminders.actions import add_custom, mark_done, snooze
from shopguard.reminders.schedule import (
    DEFAULT_OFFSETS,
    DEFAULT_QUIET,
    NOW_OFFSET,
    QuietHours,
    ReminderPrefs,
    next_pending_at,
    outside_quiet,
    plan_reminders,
    prefs_of,
    resync_user,
    set_offsets,
    set_quiet_hours,
)
from shopguard.reminders.store import Status
from shopguard.taxonomy import CaseStatus
from shopguard.users import ensure_user, set_timezone
from tests.conftest import NOW

SH = "Asia/Shanghai"
USER = 501
BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def local(text: str, tz: str = SH) -> datetime:
    """'2026-11-24 22:00' in ``tz`` → aware UTC; '24:00' is the end of that day."""
    day_text, clock = text.split(" ")
    day = date.fromisoformat(day_text)
    if clock == "24:00":
        day, clock = day + timedelta(days=1), "00:00"
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(tz)).astimezone(UTC)


DUE = local("2026-11-27 24:00")
PLANNED = {  # (deadline, offset) → send time
    ("quality_return", 4320): local("2026-11-24 22:00"),  # 11-25 00:00 is quiet → 22:00 before
    ("quality_return", 1440): local("2026-11-26 22:00"),
    ("quality_return", 180): local("2026-11-27 21:00"),
    ("return_no_reason", 4320): local("2026-11-24 22:00"),
    ("return_no_reason", 1440): local("2026-11-26 22:00"),
    ("return_no_reason", 180): local("2026-11-27 21:00"),
}


async def new_case(db: AsyncSession, user_id: int = USER, **facts: object) -> Case:
    await ensure_user(db, user_id, NOW)
    facts.setdefault("signed_at", local("2026-11-20 00:00"))
    return await open_case(
        db, user_id, NOW, platform="douyin", problem_type="quality_defect", category="general",
        **facts,
    )  # fmt: skip


async def rows(db: AsyncSession, case_id: int | None = None) -> list[Reminder]:
    statement = select(Reminder).order_by(col(Reminder.id))
    if case_id is not None:
        statement = statement.where(col(Reminder.case_id) == case_id)
    return list((await db.exec(statement)).all())


def pending(reminders: list[Reminder]) -> dict[tuple[str | None, int | None], datetime]:
    return {
        (r.deadline_key, r.offset_minutes): r.due_at
        for r in reminders
        if r.status == Status.PENDING and r.kind == "deadline"
    }


# --- quiet hours and planning (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "moved"),
    [
        ("2026-11-24 23:30", "2026-11-24 22:00"),  # late evening → when the quiet hours began
        ("2026-11-25 02:00", "2026-11-24 22:00"),  # after midnight → the evening before
        ("2026-11-25 07:59", "2026-11-24 22:00"),
        ("2026-11-25 08:00", "2026-11-25 08:00"),  # the boundary minutes are allowed
        ("2026-11-24 22:00", "2026-11-24 22:00"),
        ("2026-11-24 21:59", "2026-11-24 21:59"),
        ("2026-11-24 12:00", "2026-11-24 12:00"),
    ],
)
def test_a_moment_in_quiet_hours_moves_to_their_start(at: str, moved: str) -> None:
    assert outside_quiet(local(at), DEFAULT_QUIET, SH) == local(moved)


def test_quiet_hours_that_do_not_wrap_midnight_and_other_zones() -> None:
    lunch = QuietHours(time(12, 0), time(14, 0))
    assert outside_quiet(local("2026-11-24 13:15"), lunch, SH) == local("2026-11-24 12:00")
    assert outside_quiet(local("2026-11-24 14:00"), lunch, SH) == local("2026-11-24 14:00")
    ny = "America/New_York"
    at = local("2026-11-25 03:00", ny)
    assert outside_quiet(at, DEFAULT_QUIET, ny) == local("2026-11-24 22:00", ny)
    assert outside_quiet(at, None, ny) == at


def test_quiet_hours_must_have_a_length() -> None:
    with pytest.raises(ValueError, match="same time"):
        QuietHours(time(8, 0), time(8, 0))


def _report_deadlines(signed: str, now: datetime = NOW):  # type: ignore[no-untyped-def]
    case = Case(
        user_id=1, number=1, platform="douyin", problem_type="quality_defect",
        category="general", signed_at=local(signed), created_at=now, updated_at=now,
    )  # fmt: skip
    return case_deadlines(case, SH).deadlines


def test_plan_uses_the_offsets_and_moves_quiet_ones_earlier() -> None:
    prefs = ReminderPrefs(DEFAULT_OFFSETS, DEFAULT_QUIET)
    planned = plan_reminders(_report_deadlines("2026-11-20 00:00"), prefs, SH, NOW)
    assert {(p.deadline_key, p.offset_minutes): p.due_at for p in planned} == PLANNED
    assert {p.deadline_at for p in planned} == {DUE}


def test_plan_skips_passed_offsets_and_rules_that_do_not_remind() -> None:
    # received 11-16: due 11-23 24:00; 3 d before (11-21) has passed
    deadlines = _report_deadlines("2026-11-16 00:00")
    assert {d.rule_id for d in deadlines if not d.reminds} == {
        "defect_notice_longstop",
        "records_kept",
    }
    planned = plan_reminders(deadlines, ReminderPrefs(DEFAULT_OFFSETS, DEFAULT_QUIET), SH, NOW)
    assert sorted((p.deadline_key, p.offset_minutes, p.due_at) for p in planned) == [
        ("quality_return", 180, local("2026-11-23 21:00")),
        ("quality_return", 1440, local("2026-11-22 22:00")),
        ("return_no_reason", 180, local("2026-11-23 21:00")),
        ("return_no_reason", 1440, local("2026-11-22 22:00")),
    ]


def test_two_offsets_moved_to_the_same_moment_send_once() -> None:
    # due 11-27 24:00: 1 h and 2 h before are 23:00 and 22:00 → both 22:00; the larger offset stays
    prefs = ReminderPrefs((60, 120), DEFAULT_QUIET)
    planned = plan_reminders(_report_deadlines("2026-11-20 00:00"), prefs, SH, NOW)
    assert sorted((p.deadline_key, p.offset_minutes, p.due_at) for p in planned) == [
        ("quality_return", 120, local("2026-11-27 22:00")),
        ("return_no_reason", 120, local("2026-11-27 22:00")),
    ]


# --- stored reminders follow the case ------------------------------------------------------------


@BOTH
async def test_opening_a_case_with_facts_stores_its_reminders(db: AsyncSession) -> None:
    case = await new_case(db)
    stored = await rows(db, case.id)
    assert pending(stored) == PLANNED
    assert {(r.kind, r.deadline_at, r.available_at == r.due_at) for r in stored} == {
        ("deadline", DUE, True)
    }
    assert {(r.user_id, r.text) for r in stored} == {(USER, "")}
    assert await next_pending_at(db, USER) == local("2026-11-24 22:00")


@BOTH
async def test_a_case_without_moments_has_no_reminders(db: AsyncSession) -> None:
    case = await new_case(db, signed_at=None)
    assert await rows(db, case.id) == []


@BOTH
async def test_changing_the_signed_date_reschedules(db: AsyncSession) -> None:
    case = await new_case(db)
    before = await rows(db, case.id)
    await db.exec(  # the first one already went out: it is history and stays as it was
        update(Reminder).where(col(Reminder.id) == before[0].id).values(status=Status.SENT)
    )
    assert case.id is not None
    await set_field(db, USER, case.id, "signed_at", local("2026-11-21 00:00"), NOW)
    after = await rows(db, case.id)
    by_id = {r.id: r.status for r in after}
    assert by_id[before[0].id] == Status.SENT
    assert [by_id[r.id] for r in before[1:]] == [Status.CANCELLED] * 5
    day = timedelta(days=1)
    assert pending(after) == {key: due + day for key, due in PLANNED.items()}
    assert {r.deadline_at for r in after if r.status == Status.PENDING} == {DUE + day}


@BOTH
async def test_a_fact_that_changes_no_deadline_changes_no_reminder(db: AsyncSession) -> None:
    case = await new_case(db)
    assert case.id is not None
    before = [(r.id, r.status, r.due_at) for r in await rows(db, case.id)]
    await set_field(db, USER, case.id, "shop_name", "某某旗舰店", NOW)
    await resync_user(db, USER, NOW)  # and re-planning with nothing new is a no-op
    assert [(r.id, r.status, r.due_at) for r in await rows(db, case.id)] == before


@BOTH
async def test_every_offset_past_gives_one_reminder_now_once(db: AsyncSession) -> None:
    # received 11-15 20:00: the 7 days end 11-22 20:00 local (12:00 UTC), two hours from now
    case = await new_case(db, signed_at=local("2026-11-15 20:00"))
    stored = await rows(db, case.id)
    assert {(r.deadline_key, r.offset_minutes, r.due_at) for r in stored} == {
        ("quality_return", NOW_OFFSET, NOW),
        ("return_no_reason", NOW_OFFSET, NOW),
    }
    await db.exec(update(Reminder).values(status=Status.SENT))
    later = NOW + timedelta(minutes=30)
    await resync_user(db, USER, later)
    assert len(await rows(db, case.id)) == 2  # told once; not again on every re-plan


@BOTH
async def test_no_reminder_now_after_the_last_planned_one_went_out(db: AsyncSession) -> None:
    case = await new_case(db)
    await db.exec(update(Reminder).values(status=Status.SENT))  # all six went out in time
    after_last = local("2026-11-27 21:30")  # every offset has passed, the deadline has not
    await resync_user(db, USER, after_last)
    assert [r.status for r in await rows(db, case.id)] == [Status.SENT] * 6


@BOTH
async def test_a_due_reminder_not_yet_sent_is_kept(db: AsyncSession) -> None:
    case = await new_case(db)
    first = (await rows(db, case.id))[0]
    at = first.due_at + timedelta(seconds=5)  # the dispatcher has not claimed it yet
    await resync_user(db, USER, at)
    kept = await db.get(Reminder, first.id)
    assert kept is not None and kept.status == Status.PENDING
    assert len(await rows(db, case.id)) == 6


@BOTH
async def test_done_stops_a_deadline_even_when_offsets_change(db: AsyncSession) -> None:
    case = await new_case(db)
    assert case.id is not None
    stored = await rows(db, case.id)
    pressed = next(
        r for r in stored if (r.deadline_key, r.offset_minutes) == ("return_no_reason", 4320)
    )
    await db.exec(update(Reminder).where(col(Reminder.id) == pressed.id).values(status=Status.SENT))
    assert await mark_done(db, USER, pressed.id) == 2  # type: ignore[arg-type]
    user = await db.get(User, USER)
    assert user is not None
    await set_offsets(db, user, (4320, 1440, 180, 60), NOW)
    now_pending = pending(await rows(db, case.id))
    assert set(now_pending) == {
        ("quality_return", 4320), ("quality_return", 1440), ("quality_return", 180),
        ("quality_return", 60),
    }  # fmt: skip
    # the deadline moves (another 签收 date): it is a new deadline, reminded again
    await set_field(db, USER, case.id, "signed_at", local("2026-11-21 00:00"), NOW)
    assert {k for k in pending(await rows(db, case.id)) if k[0] == "return_no_reason"} == {
        ("return_no_reason", 4320), ("return_no_reason", 1440), ("return_no_reason", 180),
        ("return_no_reason", 60),
    }  # fmt: skip


@BOTH
async def test_done_on_the_last_reminder_is_remembered(db: AsyncSession) -> None:
    case = await new_case(db)
    stored = await rows(db, case.id)
    last = [r for r in stored if r.deadline_key == "return_no_reason"]
    await db.exec(
        update(Reminder)
        .where(col(Reminder.id).in_([r.id for r in last]))
        .values(status=Status.SENT)
    )
    assert await mark_done(db, USER, last[-1].id) == 0  # type: ignore[arg-type]
    pressed = await db.get(Reminder, last[-1].id)
    assert pressed is not None and pressed.status == Status.DONE
    user = await db.get(User, USER)
    assert user is not None
    await set_offsets(db, user, (60,), NOW)
    assert set(pending(await rows(db, case.id))) == {("quality_return", 60)}


@BOTH
async def test_a_snoozed_reminder_lives_as_long_as_its_deadline(db: AsyncSession) -> None:
    case = await new_case(db)
    assert case.id is not None
    first = (await rows(db, case.id))[0]
    copy = await snooze(db, USER, first.id, until=NOW + timedelta(hours=1), now=NOW)  # type: ignore[arg-type]
    user = await db.get(User, USER)
    assert user is not None
    await set_quiet_hours(db, user, None, NOW)
    assert (await db.get(Reminder, copy.id)).status == Status.PENDING  # type: ignore[union-attr]
    await set_field(db, USER, case.id, "signed_at", local("2026-11-21 00:00"), NOW)
    assert (await db.get(Reminder, copy.id)).status == Status.CANCELLED  # type: ignore[union-attr]


@BOTH
async def test_quiet_hours_and_offsets_are_the_shoppers(db: AsyncSession) -> None:
    case = await new_case(db)
    user = await db.get(User, USER)
    assert user is not None
    await set_quiet_hours(db, user, None, NOW)
    assert user.quiet_hours == "off"
    assert pending(await rows(db, case.id))[("return_no_reason", 4320)] == local("2026-11-24 24:00")
    await set_quiet_hours(db, user, QuietHours(time(23, 0), time(7, 0)), NOW)
    assert (user.quiet_hours, prefs_of(user).quiet) == (
        "23:00-07:00",
        QuietHours(time(23), time(7)),
    )
    assert pending(await rows(db, case.id))[("return_no_reason", 4320)] == local("2026-11-24 23:00")
    await set_quiet_hours(db, user, DEFAULT_QUIET, NOW)
    assert user.quiet_hours is None  # the default is stored as "default", not as a copy
    await set_offsets(db, user, (), NOW)
    assert (user.reminder_offsets, pending(await rows(db, case.id))) == ("", {})
    await set_offsets(db, user, DEFAULT_OFFSETS, NOW)
    assert user.reminder_offsets is None
    assert pending(await rows(db, case.id)) == PLANNED


@BOTH
async def test_closing_cancels_everything_pending_and_reopening_replans(db: AsyncSession) -> None:
    case = await new_case(db)
    assert case.id is not None
    custom = await add_custom(
        db, USER, text="跟进商家", due_at=NOW + timedelta(hours=2), now=NOW, case_id=case.id
    )
    await set_status(db, USER, case.id, CaseStatus.CLOSED, NOW)
    assert {r.status for r in await rows(db, case.id)} == {Status.CANCELLED}
    await set_status(db, USER, case.id, CaseStatus.OPEN, NOW)
    assert pending(await rows(db, case.id)) == PLANNED
    assert (await db.get(Reminder, custom.id)).status == Status.CANCELLED  # type: ignore[union-attr]


@BOTH
async def test_a_new_time_zone_replans_every_open_case(db: AsyncSession) -> None:
    case = await new_case(db)
    user = await db.get(User, USER)
    assert user is not None
    await set_timezone(db, user, "Europe/London", now=NOW)
    # the 签收 date was stored as Shanghai midnight: in London that is 16:00 the day before,
    # a known time, so the 7 days end 7×24 h later
    due = local("2026-11-26 16:00", "Europe/London")
    assert {r.deadline_at for r in await rows(db, case.id) if r.status == Status.PENDING} == {due}
    assert pending(await rows(db, case.id))[("return_no_reason", 180)] == due - timedelta(hours=3)


@BOTH
async def test_replanning_one_shopper_leaves_others_alone(db: AsyncSession) -> None:
    mine = await new_case(db)
    theirs = await new_case(db, user_id=USER + 1)
    before = [(r.id, r.status, r.due_at) for r in await rows(db, theirs.id)]
    user = await db.get(User, USER)
    assert user is not None and mine.id is not None
    await set_offsets(db, user, (60,), NOW)
    await set_status(db, USER, mine.id, CaseStatus.CLOSED, NOW)
    assert [(r.id, r.status, r.due_at) for r in await rows(db, theirs.id)] == before
