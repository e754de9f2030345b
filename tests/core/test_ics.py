"""The deadlines calendar file: exact RFC 5545 text, folding, escaping, durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopguard.deadlines.calendar_export import (
    CalendarEvent,
    calendar_text,
    deadline_uid,
    duration_text,
    escape_text,
    fold,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_the_exact_file() -> None:
    events = [
        CalendarEvent(
            uid=deadline_uid(7, "return_no_reason"),
            deadline=datetime(2026, 11, 27, 16, 0, tzinfo=UTC),  # 24:00 in Shanghai
            summary="七天无理由退货：提出退货申请的期限（案件 1）",
            description="截止：2026-11-27 24:00（Asia/Shanghai）\n"
            "依据：消保法 第25条; 暂行办法, 第10条",
            alarms=(timedelta(days=3), timedelta(minutes=30)),
        ),
        CalendarEvent(
            uid=deadline_uid(8, "seller_reply"),
            deadline=datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
            summary="Seller should answer within",
            description="Due: 2026-11-24 18:00",
        ),
    ]
    expected = (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//ShopGuard//ShopGuard deadlines//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:ShopGuard 维权期限\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:case7-return_no_reason@shopguard\r\n"
        "DTSTAMP:20261122T100000Z\r\n"
        "DTSTART:20261127T150000Z\r\n"
        "DTEND:20261127T160000Z\r\n"
        "SUMMARY:七天无理由退货：提出退货申请的期限（案件 1）\r\n"
        "DESCRIPTION:截止：2026-11-27 24:00（Asia/Shanghai）\\n依据：消保\r\n"
        " 法 第25条\\; 暂行办法\\, 第10条\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:七天无理由退货：提出退货申请的期限（案件 1\r\n"
        " ）\r\n"
        "TRIGGER:-P2DT23H\r\n"
        "END:VALARM\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:七天无理由退货：提出退货申请的期限（案件 1\r\n"
        " ）\r\n"
        "TRIGGER:PT30M\r\n"
        "END:VALARM\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:case8-seller_reply@shopguard\r\n"
        "DTSTAMP:20261122T100000Z\r\n"
        "DTSTART:20261124T090000Z\r\n"
        "DTEND:20261124T100000Z\r\n"
        "SUMMARY:Seller should answer within\r\n"
        "DESCRIPTION:Due: 2026-11-24 18:00\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    assert calendar_text(events, now=NOW, name="ShopGuard 维权期限") == expected


def test_an_empty_calendar_is_still_a_calendar() -> None:
    text = calendar_text([], now=NOW, name="x")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "VEVENT" not in text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (-timedelta(days=2, hours=23), "-P2DT23H"),
        (-timedelta(hours=23), "-PT23H"),
        (-timedelta(days=1), "-P1D"),
        (timedelta(minutes=30), "PT30M"),
        (-timedelta(hours=1, minutes=5), "-PT1H5M"),
        (timedelta(0), "PT0S"),
    ],
)
def test_durations(delta: timedelta, text: str) -> None:
    assert duration_text(delta) == text


def test_text_values_are_escaped() -> None:
    assert escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_naive_instants_are_refused() -> None:
    event = CalendarEvent("u", datetime(2026, 11, 27, 16, 0), "s", "d")
    with pytest.raises(ValueError, match="aware"):
        calendar_text([event], now=NOW, name="x")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_folding_keeps_lines_short_and_loses_nothing(value: str) -> None:
    line = "DESCRIPTION:" + value
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line  # unfolding (RFC 5545 §3.1) gives it back
