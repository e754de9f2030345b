"""Custom follow-ups, reminder offsets and quiet hours as shoppers type them (zh and en).

The clock reads Sunday 2026-11-22 18:00 in Asia/Shanghai (10:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopguard.errors import InputError
from shopguard.reminders.parse import (
    MAX_AHEAD,
    duration_minutes,
    is_reminder_request,
    parse_follow_up,
    parse_offsets,
    parse_quiet_hours,
)
from shopguard.reminders.schedule import MAX_OFFSET, MAX_OFFSETS, MIN_OFFSET, QuietHours
from tests.conftest import NOW

SH = "Asia/Shanghai"


def shown(at: datetime) -> str:
    return at.astimezone(ZoneInfo(SH)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "due", "task", "has_time"),
    [
        ("2h 跟进商家回复", "2026-11-22 20:00", "跟进商家回复", True),
        ("明天上午10点提醒我申请价保", "2026-11-23 10:00", "申请价保", True),
        ("remind me in 3 days to check the refund", "2026-11-25 18:00", "check the refund", True),
        ("30分钟 看看物流", "2026-11-22 18:30", "看看物流", True),
        ("半小时后提醒我打电话", "2026-11-22 18:30", "打电话", True),
        ("一个半小时后提醒我去取快递", "2026-11-22 19:30", "取快递", True),
        ("提醒我3天后去申请价保", "2026-11-25 18:00", "申请价保", True),
        ("3天后下午2点提醒我申请价保", "2026-11-25 14:00", "申请价保", True),
        ("remind me tomorrow at 10am to call the shop", "2026-11-23 10:00", "call the shop", True),
        ("remind me at 8pm to file the ticket", "2026-11-22 20:00", "file the ticket", True),
        ("in 2 hours check refund", "2026-11-22 20:00", "check refund", True),
        ("1h30m 跟进", "2026-11-22 19:30", "跟进", True),
        (
            "2 hours and 30 minutes later ping the seller",
            "2026-11-22 20:30",
            "ping the seller",
            True,
        ),
        ("remind me in an hour to call", "2026-11-22 19:00", "call", True),
        ("提醒我 ２小时后 跟进", "2026-11-22 20:00", "跟进", True),
        ("提醒我15点半打电话", "2026-11-23 15:30", "打电话", True),
        ("3个月后提醒我查保修", "2027-02-22 18:00", "查保修", True),
        ("下周一提醒我退货", "2026-11-23 09:00", "退货", False),  # a day alone: 09:00
        # "7 days" inside the task is not a moment: no "in"/"后" and not at the start
        (
            "remind me to check the 7 days return tomorrow",
            "2026-11-23 09:00",
            "check the 7 days return",
            False,
        ),
    ],
)
def test_follow_ups_in_chinese_and_english(text: str, due: str, task: str, has_time: bool) -> None:
    follow_up = parse_follow_up(text, NOW, SH)
    assert (shown(follow_up.due_at), follow_up.text, follow_up.has_time) == (due, task, has_time)
    assert follow_up.due_at.tzinfo == UTC


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("昨天提醒我退货", "remind.past", {}),
        ("今天提醒我退货", "remind.past", {}),  # today 09:00 has passed
        ("2026-11-01 10:00 提醒我退货", "remind.past", {}),
        ("remind me to check", "remind.no_time", {}),
        ("提醒我", "remind.no_time", {}),
        ("提醒我 10点 打电话", "remind.which_half", {"hour": 10}),
        ("remind me in 400 days to renew", "remind.too_far", {}),
        ("9999999999999 days 跟进", "remind.too_far", {}),
        ("99999999999个月后提醒我查", "remind.too_far", {}),
        ("9" * 400 + "h 跟进", "remind.too_far", {}),
        ("2h", "remind.no_text", {}),
        ("明天上午10点提醒我", "remind.no_text", {}),
        ("2026-13-40 提醒我退货", "date.invalid", {"text": "2026-13-40"}),
        ("remind me on 03/04/2027 to renew", "date.ambiguous", {"text": "03/04/2027"}),
        ("2h " + "跟" * 600, "remind.too_long", {"max": 500, "length": 603}),
    ],
)
def test_follow_ups_that_cannot_be_set_say_why(text: str, code: str, params: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError) as caught:
        parse_follow_up(text, NOW, SH)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天上午10点提醒我申请价保", True),
        ("3天后提醒我申请价保", True),
        ("提醒我申请价保", True),  # opens with it: ours, even without a time (we ask for one)
        ("remind me in 3 days to check the refund", True),
        ("Please remind me to call", True),
        ("昨天提醒我退货", True),  # ours: the answer says the time has passed
        ("商家说发货后会提醒我", False),  # a description for intake
        ("抖音买的奶粉，客服说3天后提醒我", False),
        ("抖音买的奶粉怀疑是假货，订单号 4829301756218843", False),
    ],
)
def test_which_free_text_is_a_reminder_request(text: str, expected: bool) -> None:
    assert is_reminder_request(text, NOW, SH) is expected


@pytest.mark.parametrize(
    ("body", "minutes", "months"),
    [
        ("2h", 120, 0),
        ("30分钟", 30, 0),
        ("半小时", 30, 0),
        ("两个半小时", 150, 0),
        ("1天2小时", 1560, 0),
        ("1.5h", 90, 0),
        ("half an hour", 30, 0),
        ("2 weeks", 20160, 0),
        ("3个月", 0, 3),
    ],
)
def test_durations(body: str, minutes: float, months: int) -> None:
    assert duration_minutes(body) == (minutes, months)


@pytest.mark.parametrize(
    ("text", "offsets"),
    [
        ("3天 1天 3小时", (4320, 1440, 180)),
        ("3d,1d,3h", (4320, 1440, 180)),
        ("1小时、2天、1天", (2880, 1440, 60)),
        ("2 days, 12 hours", (2880, 720)),
        ("1天 1天", (1440,)),
        ("关闭", ()),
        ("off", ()),
    ],
)
def test_offsets(text: str, offsets: tuple[int, ...]) -> None:
    assert parse_offsets(text) == offsets


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "remind.offsets_empty", {}),
        ("5分钟", "remind.offset_range", {"min": 10, "max_days": 30}),
        ("40天", "remind.offset_range", {"min": 10, "max_days": 30}),
        ("9" * 400 + "d", "remind.offset_range", {"min": 10, "max_days": 30}),
        ("1d 2x", "remind.offsets_unrecognised", {}),
        ("soon", "remind.offsets_unrecognised", {}),
        ("7d 3d 1d 12h 3h 1h", "remind.offsets_many", {"max": 5}),
    ],
)
def test_offsets_refused(text: str, code: str, params: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError) as caught:
        parse_offsets(text)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("22:00-08:00", time(22), time(8)),
        ("22-8", time(22), time(8)),
        ("23：30～07：00", time(23, 30), time(7)),
        ("晚上10点到早上8点", time(22), time(8)),
        ("10pm-8am", time(22), time(8)),
        ("12:30 to 14:00", time(12, 30), time(14)),
        ("22-24", time(22), time(0)),
        ("下午1点到2点", time(13), time(14)),  # the end keeps the start's half of the day …
        ("1pm-3", time(13), time(15)),
        ("晚上10点到8点", time(22), time(8)),  # … unless that would end before it starts
        ("晚上11点到1点", time(23), time(1)),
        ("10pm-8", time(22), time(8)),
    ],
)
def test_quiet_hours(text: str, start: time, end: time) -> None:
    assert parse_quiet_hours(text) == QuietHours(start, end)


@pytest.mark.parametrize(
    ("text", "result"),
    [("关闭", None), ("off", None), ("不要", None)],
)
def test_quiet_hours_off(text: str, result: None) -> None:
    assert parse_quiet_hours(text) is result


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("8-8", "remind.quiet_same"),
        ("25-8", "remind.quiet_invalid"),
        ("22:75-8", "remind.quiet_invalid"),
        ("whenever", "remind.quiet_unrecognised"),
    ],
)
def test_quiet_hours_refused(text: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_quiet_hours(text)
    assert caught.value.code == code


# --- hostile input: a value of the promised shape, or a coded refusal ---------------------------

REMIND_TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("0123456789天小时分钟半个后前提醒我明今下午晚点:-hdmw ")),
        st.sampled_from(["remind me ", "in ", " hours", " days", "and ", "提醒我", "点半"]),
    ),
    max_size=60,
).map("".join)
FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZONES = st.sampled_from([SH, "Europe/London", "America/New_York", "UTC"])


@FUZZ
@given(REMIND_TEXT, ZONES)
def test_follow_ups_are_ahead_and_worded_or_refused_with_a_code(text: str, tz: str) -> None:
    detected = is_reminder_request(text, NOW, tz)
    try:
        follow_up = parse_follow_up(text, NOW, tz)
    except InputError as err:
        assert err.code.startswith(("remind.", "date."))
        return
    assert NOW < follow_up.due_at <= NOW + MAX_AHEAD
    assert follow_up.text and follow_up.text == follow_up.text.strip()
    assert isinstance(detected, bool)


@FUZZ
@given(REMIND_TEXT)
def test_offsets_and_quiet_hours_parse_or_refuse_with_a_code(text: str) -> None:
    try:
        offsets = parse_offsets(text)
    except InputError as err:
        assert err.code.startswith("remind.")
    else:
        assert len(offsets) <= MAX_OFFSETS
        assert all(MIN_OFFSET <= minutes <= MAX_OFFSET for minutes in offsets)
        assert list(offsets) == sorted(set(offsets), reverse=True)
    try:
        quiet = parse_quiet_hours(text)
    except InputError as err:
        assert err.code.startswith("remind.")
    else:
        assert quiet is None or quiet.start != quiet.end
