"""One typed date/time → an aware UTC moment; the clock is fixed at 2026-11-22 18:00 Shanghai
(a Sunday), i.e. 10:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from shopguard.dates import (
    DateError,
    ParsedMoment,
    find_moments,
    fold_text,
    parse_moment,
    small_number,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TZ = "Asia/Shanghai"


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, tz: str = TZ) -> datetime:
    """The UTC instant of a wall-clock time in ``tz``."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=ZoneInfo(tz)).astimezone(UTC)


PAST = [
    # absolute dates
    ("2026-11-03", local(2026, 11, 3), False),
    ("2026/11/03", local(2026, 11, 3), False),
    ("2026.11.03", local(2026, 11, 3), False),
    ("2026年11月3日", local(2026, 11, 3), False),
    ("2026 年 11 月 3 号", local(2026, 11, 3), False),
    ("26年11月3日", local(2026, 11, 3), False),
    ("２０２６－１１－０３", local(2026, 11, 3), False),
    ("2026/03/04", local(2026, 3, 4), False),  # year first: never ambiguous
    ("13/04/2026", local(2026, 4, 13), False),  # 13 cannot be a month: day first
    ("04/13/2026", local(2026, 4, 13), False),  # 13 cannot be a month: month first
    ("03/03/2026", local(2026, 3, 3), False),  # both readings are the same day
    ("2016-11-22", local(2016, 11, 22), False),  # exactly ten years back is still accepted
    # month and day, no year: the most recent past occurrence
    ("11月3日", local(2026, 11, 3), False),
    ("11月3号", local(2026, 11, 3), False),
    ("十一月三号", local(2026, 11, 3), False),
    ("11-03", local(2026, 11, 3), False),
    ("11.3号", local(2026, 11, 3), False),
    ("12月25日", local(2025, 12, 25), False),
    ("2月29日", local(2024, 2, 29), False),  # 2026 has none: the last one that existed
    ("双十一", local(2026, 11, 11), False),
    ("3号", local(2026, 11, 3), False),
    ("25号", local(2026, 10, 25), False),  # the 25th of November is still ahead
    ("31号", local(2026, 10, 31), False),  # November has no 31st
    ("上个月5号", local(2026, 10, 5), False),
    ("本月1日", local(2026, 11, 1), False),
    ("Nov 3", local(2026, 11, 3), False),
    ("3 Nov", local(2026, 11, 3), False),
    ("3rd of November", local(2026, 11, 3), False),
    ("November 3, 2026", local(2026, 11, 3), False),
    ("Dec 25", local(2025, 12, 25), False),
    # with a time
    ("2026-11-03 15:30", local(2026, 11, 3, 15, 30), True),
    ("2026-11-03T15:30:00+08:00", local(2026, 11, 3, 15, 30), True),
    ("2026-11-03T07:30:00Z", local(2026, 11, 3, 15, 30), True),
    ("11月3日 15:30", local(2026, 11, 3, 15, 30), True),
    ("11月3号下午3点", local(2026, 11, 3, 15), True),
    ("11月3号晚上8点半", local(2026, 11, 3, 20, 30), True),
    ("11月3日15时20分", local(2026, 11, 3, 15, 20), True),
    ("昨天下午3点", local(2026, 11, 21, 15), True),
    ("昨晚8点", local(2026, 11, 21, 20), True),
    ("前天上午十点一刻", local(2026, 11, 20, 10, 15), True),
    ("昨天凌晨12点", local(2026, 11, 21, 0), True),
    ("Nov 3 at 3pm", local(2026, 11, 3, 15), True),
    ("yesterday 3:30 pm", local(2026, 11, 21, 15, 30), True),
    ("昨天下午", local(2026, 11, 21), False),  # a period without an hour is no time
    ("昨天3点", local(2026, 11, 21, 3), True),  # no 上午/下午: read literally
    # a time alone: its most recent past occurrence
    ("15:30", local(2026, 11, 22, 15, 30), True),
    ("下午3点", local(2026, 11, 22, 15), True),
    ("晚上8点半", local(2026, 11, 21, 20, 30), True),  # 20:30 today is still ahead
    ("3pm", local(2026, 11, 22, 15), True),
    # relative, Chinese
    ("今天", local(2026, 11, 22), False),
    ("昨天", local(2026, 11, 21), False),
    ("前天", local(2026, 11, 20), False),
    ("大前天", local(2026, 11, 19), False),
    ("3天前", local(2026, 11, 19), False),
    ("三天前", local(2026, 11, 19), False),
    ("两天前", local(2026, 11, 20), False),
    ("十天前", local(2026, 11, 12), False),
    ("一周前", local(2026, 11, 15), False),
    ("2个月前", local(2026, 9, 22), False),
    ("半个月前", local(2026, 11, 7), False),
    ("星期7", local(2026, 11, 22), False),
    ("上周一", local(2026, 11, 9), False),  # Monday of the previous calendar week
    ("上个星期五", local(2026, 11, 13), False),
    ("周一", local(2026, 11, 16), False),
    ("星期天", local(2026, 11, 22), False),  # today is Sunday
    ("3小时前", NOW - timedelta(hours=3), True),
    ("半小时前", NOW - timedelta(minutes=30), True),
    ("刚才", NOW, True),
    ("刚刚", NOW, True),
    # relative, English
    ("today", local(2026, 11, 22), False),
    ("Yesterday", local(2026, 11, 21), False),
    ("the day before yesterday", local(2026, 11, 20), False),
    ("3 days ago", local(2026, 11, 19), False),
    ("a week ago", local(2026, 11, 15), False),
    ("last Monday", local(2026, 11, 16), False),  # the most recent Monday
    ("last Sunday", local(2026, 11, 15), False),  # "last" never means today
    ("2 hours ago", NOW - timedelta(hours=2), True),
    ("just now", NOW, True),
    # fillers a shopper adds
    ("大概11月3号吧", local(2026, 11, 3), False),
    ("on Nov 3.", local(2026, 11, 3), False),
    ("11月3号左右", local(2026, 11, 3), False),
]


@pytest.mark.parametrize(("text", "at", "has_time"), PAST, ids=[t for t, _, _ in PAST])
def test_parse_moment(text: str, at: datetime, has_time: bool) -> None:
    moment = parse_moment(text, NOW, TZ)
    assert moment == ParsedMoment(at=at, has_time=has_time)
    assert moment.at.tzinfo is UTC


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "unrecognised"),
    ("11月", "unrecognised"),
    ("11月3号签收", "unrecognised"),  # a field takes a date, not a sentence
    ("3点", "unrecognised"),  # a bare hour is not taken on its own
    ("2026-13-40", "invalid"),
    ("2026-02-29", "invalid"),
    ("2月30日", "invalid"),
    ("4月31号", "invalid"),
    ("32号", "invalid"),
    ("11月3号 25:00", "invalid"),
    ("13pm", "invalid"),
    ("明天", "future"),
    ("后天", "future"),
    ("tomorrow", "future"),
    ("3天后", "future"),
    ("in 3 days", "future"),
    ("下周一", "future"),
    ("next Monday", "future"),
    ("2027-01-01", "future"),
    ("今天晚上8点", "future"),  # today, but 20:00 has not come yet
    ("11月22日 20:00", "future"),
    ("03/04/2026", "ambiguous"),
    ("3/4", "ambiguous"),
    ("11/3", "ambiguous"),
    ("03-04-2026", "ambiguous"),
    ("2016-11-21", "too_old"),
    ("2010年1月1日", "too_old"),
    ("11年前", "too_old"),
    ("半天前", "unrecognised"),
    ("5000天前", "too_old"),
    ("1899-01-01", "too_old"),
]


@pytest.mark.parametrize(("text", "code"), REFUSED, ids=[f"{t!r}-{c}" for t, c in REFUSED])
def test_parse_moment_refuses_with_code(text: str, code: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_moment(text, NOW, TZ)
    assert caught.value.code == code


def test_ambiguous_date_offers_both_readings() -> None:
    with pytest.raises(DateError) as caught:
        parse_moment("03/04/2026", NOW, TZ)
    assert [o.at for o in caught.value.options] == [local(2026, 3, 4), local(2026, 4, 3)]


def test_ambiguous_options_leave_out_a_reading_in_the_future() -> None:
    with pytest.raises(DateError) as caught:
        parse_moment("11/12/2026", NOW, TZ)  # 12 November, or 11 December (not yet)
    assert caught.value.code == "ambiguous"
    assert [o.at for o in caught.value.options] == [local(2026, 11, 12)]


def test_month_slash_day_is_chinese_order_when_the_text_has_cjk() -> None:
    [found] = find_moments("3/4签收的", NOW, TZ)
    assert found.moment == ParsedMoment(local(2026, 3, 4), False)


def test_yearless_date_resolves_to_last_year_early_in_january() -> None:
    jan_3 = datetime(2026, 1, 3, 4, 0, tzinfo=UTC)
    assert parse_moment("12月25日", jan_3, TZ).at == local(2025, 12, 25)


FUTURE_ALLOWED = [
    ("明天", local(2026, 11, 23)),
    ("tomorrow 9am", local(2026, 11, 23, 9)),
    ("3天后", local(2026, 11, 25)),
    ("2027-01-01", local(2027, 1, 1)),
    ("12月25日", local(2026, 12, 25)),  # year-less: the next occurrence
    ("11月3日", local(2027, 11, 3)),
    ("3号", local(2026, 12, 3)),
    ("下周一", local(2026, 11, 23)),
    ("next Monday", local(2026, 11, 23)),
    ("晚上8点", local(2026, 11, 22, 20)),
    ("昨天", local(2026, 11, 21)),  # the past is still accepted
]


@pytest.mark.parametrize(("text", "at"), FUTURE_ALLOWED, ids=[t for t, _ in FUTURE_ALLOWED])
def test_parse_moment_allow_future(text: str, at: datetime) -> None:
    assert parse_moment(text, NOW, TZ, allow_future=True).at == at


OTHER_ZONES = [
    # 10:00 UTC is 05:00 in New York and 10:00 in London on 2026-11-22
    ("America/New_York", "2026-11-03", local(2026, 11, 3, tz="America/New_York")),
    ("America/New_York", "today", datetime(2026, 11, 22, 5, 0, tzinfo=UTC)),
    ("America/New_York", "yesterday 3pm", datetime(2026, 11, 21, 20, 0, tzinfo=UTC)),
    ("America/New_York", "15:30", datetime(2026, 11, 21, 20, 30, tzinfo=UTC)),  # not yet today
    ("America/New_York", "2026-07-04 12:00", datetime(2026, 7, 4, 16, 0, tzinfo=UTC)),  # EDT
    ("Europe/London", "2026-11-03", datetime(2026, 11, 3, 0, 0, tzinfo=UTC)),
    ("Europe/London", "2026-07-01", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),  # BST
    ("Europe/London", "15:30", datetime(2026, 11, 21, 15, 30, tzinfo=UTC)),
    ("Europe/London", "3 days ago", datetime(2026, 11, 19, 0, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(
    ("tz", "text", "at"), OTHER_ZONES, ids=[f"{tz}-{text}" for tz, text, _ in OTHER_ZONES]
)
def test_local_dates_in_other_zones(tz: str, text: str, at: datetime) -> None:
    assert parse_moment(text, NOW, tz).at == at


def test_today_follows_the_shoppers_zone_not_utc() -> None:
    late_utc = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # already 23 Nov 04:00 in Shanghai
    assert parse_moment("今天", late_utc, TZ).at == local(2026, 11, 23)
    assert parse_moment("today", late_utc, "Europe/London").at == local(2026, 11, 22, tz="UTC")


def test_now_in_any_offset_is_accepted() -> None:
    shanghai_now = NOW.astimezone(timezone(timedelta(hours=8)))
    assert parse_moment("昨天", shanghai_now, TZ).at == local(2026, 11, 21)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_moment("昨天", datetime(2026, 11, 22, 10, 0), TZ)


FIND = [
    (
        "11月1号下单，11月3号签收，昨天下午3点发现漏发",
        [
            ("11月1号", local(2026, 11, 1)),
            ("11月3号", local(2026, 11, 3)),
            ("昨天下午3点", local(2026, 11, 21, 15)),
        ],
    ),
    (
        "ordered on Nov 1, received Nov 3 at 3pm",
        [("Nov 1", local(2026, 11, 1)), ("Nov 3 at 3pm", local(2026, 11, 3, 15))],
    ),
    ("订单号 4829301756218843，花了 398.50 元", []),  # numbers that are not dates
    ("7日内发货，3号楼，1-2天到，3-5个工作日，5号线，一号店，每周一上新", []),
    ("用了一周一直不好，之前天猫买过", []),
    ("周一下单的", [("周一", local(2026, 11, 16))]),
    ("半天前还好好的", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND, ids=[t[:16] for t, _ in FIND])
def test_find_moments(text: str, expected: list[tuple[str, datetime]]) -> None:
    found = find_moments(text, NOW, TZ)
    assert [(f.text, f.moment.at if f.moment else None) for f in found] == expected
    assert all(text[f.start : f.end] == f.text and f.span == (f.start, f.end) for f in found)


def test_find_moments_reports_refused_dates_with_their_spans() -> None:
    found = find_moments("明天到货，I got it 3/4", NOW, TZ)
    assert [(f.span, f.error.code if f.error else None) for f in found] == [
        ((0, 2), "future"),
        ((14, 17), None),  # the text has CJK: 3/4 is month/day
    ]


def test_find_moments_in_english_text_keeps_slash_dates_ambiguous() -> None:
    [found] = find_moments("I got it 3/4 and it broke", NOW, TZ)
    assert found.span == (9, 12)
    assert found.error is not None and found.error.code == "ambiguous"
    assert found.moment is None


def test_fold_text_keeps_every_index() -> None:
    text = "１１月３日 ＡＢＣ ㎏ 🙂"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded == "11月3日 abc ㎏ 🙂"


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("三", 3), ("两", 2), ("十", 10), ("十二", 12), ("二十一", 21), ("three", 3)],
)
def test_small_number(text: str, value: int) -> None:
    assert small_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "十十", "3.5", "-1"])
def test_small_number_refuses(text: str) -> None:
    assert small_number(text) is None
