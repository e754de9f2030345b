"""Worked examples: case facts → exact due moments (domain.md §2–3).

Every expected moment is written as local time in the case's zone; "24:00" is the end of that
day. Holiday facts used below, from chinese_calendar (State Council notice for 2026):
春节 2026-02-15..23 (make-up workdays Sat 02-14, Sat 02-28), 元旦 01-01..03 (make-up Sun 01-04),
清明 04-04..06, 劳动节 05-01..05 (make-up Sat 05-09), 端午 06-19..21, 中秋 09-25..27,
国庆 10-01..07 (make-up Sun 09-20, Sat 10-10). chinese_calendar knows nothing after 2026.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from shopguard.deadlines import (
    CaseFacts,
    Deadline,
    Exclusion,
    Missing,
    compute_deadlines,
    time_left,
    upcoming,
)

SH = "Asia/Shanghai"
NY = "America/New_York"
LDN = "Europe/London"


def local(text: str, tz: str = SH) -> datetime:
    """'2026-10-07 24:00' in ``tz`` → aware UTC (24:00 = 00:00 of the next day)."""
    day_text, clock = text.split(" ")
    day = date.fromisoformat(day_text)
    if clock == "24:00":
        day, clock = day + timedelta(days=1), "00:00"
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(tz)).astimezone(UTC)


@dataclass(frozen=True)
class Case:
    name: str
    rule_id: str
    due: str
    legal: str
    confidence: str
    moments: dict[str, str]  # CaseFacts moment → local text in ``tz``
    platform: str = "douyin"
    problem: str = "quality_defect"
    category: str | None = "general"
    tz: str = SH
    extra: dict[str, Any] = field(default_factory=dict)

    def facts(self) -> CaseFacts:
        moments: dict[str, Any] = {n: local(text, self.tz) for n, text in self.moments.items()}
        return CaseFacts(
            platform=self.platform,
            category=self.category,
            problem_type=self.problem,
            **moments,
            **self.extra,
        )


CASES = [
    # --- 7-day no-reason return (day after 签收, ends 24:00; conservative = earlier of 7×24 h)
    Case(
        "no_reason_guoqing_date_only",
        "return_no_reason",
        due="2026-10-07 24:00",  # 10-07 is the last 国庆 holiday …
        legal="2026-10-08 24:00",  # … so the law moves the last day to Thursday 10-08
        confidence="high",
        moments={"signed_at": "2026-09-30 00:00"},
    ),
    Case(
        "no_reason_guoqing_signed_15h",
        "return_no_reason",
        due="2026-10-07 15:00",  # 7×24 h is earlier than 24:00
        legal="2026-10-08 24:00",
        confidence="high",
        moments={"signed_at": "2026-09-30 15:00"},
    ),
    Case(
        "no_reason_plain_week_time_known",
        "return_no_reason",
        due="2026-03-09 10:30",
        legal="2026-03-09 24:00",
        confidence="high",
        moments={"signed_at": "2026-03-02 10:30"},
    ),
    Case(
        "no_reason_plain_week_date_only",
        "return_no_reason",
        due="2026-03-09 24:00",
        legal="2026-03-09 24:00",
        confidence="high",
        moments={"signed_at": "2026-03-02 00:00"},
    ),
    Case(
        "no_reason_lands_on_makeup_saturday_10_10",
        "return_no_reason",
        due="2026-10-10 24:00",
        legal="2026-10-10 24:00",  # a make-up workday: no extension
        confidence="high",
        moments={"signed_at": "2026-10-03 00:00"},
    ),
    Case(
        "no_reason_lands_on_plain_sunday",
        "return_no_reason",
        due="2026-10-11 24:00",
        legal="2026-10-12 24:00",  # a rest day: extended to Monday
        confidence="high",
        moments={"signed_at": "2026-10-04 00:00"},
    ),
    Case(
        "no_reason_lands_on_makeup_sunday_09_20",
        "return_no_reason",
        due="2026-09-20 24:00",
        legal="2026-09-20 24:00",
        confidence="high",
        moments={"signed_at": "2026-09-13 00:00"},
    ),
    Case(
        "no_reason_lands_on_makeup_saturday_02_14",
        "return_no_reason",
        due="2026-02-14 24:00",
        legal="2026-02-14 24:00",
        confidence="high",
        moments={"signed_at": "2026-02-07 00:00"},
    ),
    Case(
        "no_reason_lands_in_chunjie",
        "return_no_reason",
        due="2026-02-17 24:00",
        legal="2026-02-24 24:00",  # 02-17 … 02-23 are 春节 holidays
        confidence="high",
        moments={"signed_at": "2026-02-10 00:00"},
    ),
    Case(
        "no_reason_shop_promises_15_days",
        "return_no_reason",
        due="2026-03-17 24:00",
        legal="2026-03-17 24:00",
        confidence="high",
        moments={"signed_at": "2026-03-02 00:00"},
        extra={"return_days_promise": 15},
    ),
    Case(
        "no_reason_shorter_shop_promise_ignored",
        "return_no_reason",
        due="2026-03-09 24:00",
        legal="2026-03-09 24:00",
        confidence="high",
        moments={"signed_at": "2026-03-02 00:00"},
        extra={"return_days_promise": 5},
    ),
    Case(
        "no_reason_makeup_sunday_01_04_from_new_year",
        "return_no_reason",
        due="2026-01-04 24:00",
        legal="2026-01-04 24:00",
        confidence="high",
        moments={"signed_at": "2025-12-28 00:00"},
    ),
    # --- the return itself
    Case(
        "refund_7_days_after_seller_received_return",
        "return_refund",
        due="2026-05-05 14:00",
        legal="2026-05-06 24:00",  # 05-05 is the last 劳动节 holiday
        confidence="high",
        moments={"return_received_at": "2026-04-28 14:00"},
    ),
    Case(
        "return_unhandled_15_days",
        "return_unhandled",
        due="2026-06-25 09:00",
        legal="2026-06-25 24:00",
        confidence="high",
        moments={"return_requested_at": "2026-06-10 09:00"},
    ),
    Case(
        "refund_overdue_15_days",
        "refund_overdue",
        due="2026-05-13 14:00",
        legal="2026-05-13 24:00",
        confidence="high",
        moments={"return_received_at": "2026-04-28 14:00"},
    ),
    # --- quality
    Case(
        "quality_return_lands_on_duanwu",
        "quality_return",
        due="2026-06-19 24:00",
        legal="2026-06-22 24:00",
        confidence="high",
        moments={"signed_at": "2026-06-12 00:00"},
    ),
    Case(
        "sanbao_return_electronics",
        "sanbao_return",
        due="2026-01-17 20:00",
        legal="2026-01-19 24:00",
        confidence="medium",
        category="electronics",
        moments={"signed_at": "2026-01-10 20:00"},
    ),
    Case(
        "sanbao_exchange_electronics",
        "sanbao_exchange",
        due="2026-01-25 20:00",
        legal="2026-01-26 24:00",
        confidence="medium",
        category="electronics",
        moments={"signed_at": "2026-01-10 20:00"},
    ),
    Case(
        "warranty_one_year_to_a_sunday",
        "warranty",
        due="2026-03-15 24:00",
        legal="2026-03-16 24:00",
        confidence="medium",
        category="electronics",
        moments={"signed_at": "2025-03-15 00:00"},
    ),
    Case(
        "durable_burden_six_months_month_end_on_makeup_day",
        "durable_burden",
        due="2026-02-28 24:00",  # 08-31 + 6 months: no 02-31, so the month's last day
        legal="2026-02-28 24:00",  # a make-up workday
        confidence="high",
        category="electronics",
        moments={"signed_at": "2025-08-31 16:45"},
    ),
    Case(
        "defect_notice_two_years_to_labour_day",
        "defect_notice_longstop",
        due="2026-05-01 24:00",
        legal="2026-05-06 24:00",
        confidence="high",
        moments={"signed_at": "2024-05-01 00:00"},
    ),
    # --- 12315 (working days via chinese_calendar)
    Case(
        "12315_accept_across_chunjie",
        "12315_accept",
        due="2026-02-28 24:00",  # 02-13, 02-14*, 02-24 … 02-27, 02-28* (*make-up)
        legal="2026-02-28 24:00",
        confidence="high",
        moments={"complaint_12315_filed_at": "2026-02-12 10:00"},
    ),
    Case(
        "12315_accept_plain_weeks",
        "12315_accept",
        due="2026-03-16 24:00",
        legal="2026-03-16 24:00",
        confidence="high",
        moments={"complaint_12315_filed_at": "2026-03-05 16:00"},
    ),
    Case(
        "12315_accept_into_2027_falls_back_to_weekdays",
        "12315_accept",
        due="2027-01-06 24:00",  # 2027-01-01 counted as a plain Friday: calendar unknown
        legal="2027-01-06 24:00",
        confidence="low",
        moments={"complaint_12315_filed_at": "2026-12-28 09:00"},
    ),
    Case(
        "12315_accept_wholly_in_2027",
        "12315_accept",
        due="2027-03-10 24:00",
        legal="2027-03-10 24:00",
        confidence="low",
        moments={"complaint_12315_filed_at": "2027-03-01 11:00"},
    ),
    Case(
        "12315_mediation_45_working_days_over_guoqing",
        "12315_mediation",
        due="2026-11-09 24:00",
        legal="2026-11-09 24:00",
        confidence="high",
        moments={"complaint_12315_accepted_at": "2026-09-01 10:00"},
    ),
    Case(
        "12315_mediation_60_days_reading",
        "12315_mediation_60d",
        due="2026-10-31 24:00",
        legal="2026-11-02 24:00",
        confidence="high",
        moments={"complaint_12315_accepted_at": "2026-09-01 00:00"},
    ),
    Case(
        "12315_limit_three_years",
        "12315_limit",
        due="2029-01-15 24:00",
        legal="2029-01-15 24:00",
        confidence="high",
        moments={"knew_of_harm_at": "2026-01-15 00:00"},
    ),
    Case(
        "lawsuit_limit_three_years",
        "lawsuit_limit",
        due="2029-03-20 24:00",
        legal="2029-03-20 24:00",
        confidence="high",
        moments={"knew_of_harm_at": "2026-03-20 14:00"},
    ),
    Case(
        "records_kept_three_years_from_signed",
        "records_kept",
        due="2029-05-10 24:00",
        legal="2029-05-10 24:00",
        confidence="high",
        moments={"signed_at": "2026-05-10 00:00"},
    ),
    # --- platform windows
    Case(
        "seller_reply_jd_24h_high",
        "seller_reply",
        due="2026-10-02 09:15",
        legal="2026-10-02 09:15",
        confidence="high",
        platform="jd",
        moments={"seller_contacted_at": "2026-10-01 09:15"},
    ),
    Case(
        "seller_reply_douyin_48h_low",
        "seller_reply",
        due="2026-10-03 09:15",
        legal="2026-10-03 09:15",
        confidence="low",
        moments={"seller_contacted_at": "2026-10-01 09:15"},
    ),
    *[
        Case(
            f"seller_reply_default_48h_{platform}",
            "seller_reply",
            due="2026-10-03 09:15",
            legal="2026-10-03 09:15",
            confidence="low",
            platform=platform,
            moments={"seller_contacted_at": "2026-10-01 09:15"},
        )
        for platform in ("taobao", "pinduoduo", "kuaishou", "other")
    ],
    Case(
        "ticket_reply_72h_ignores_holidays",
        "ticket_reply",
        due="2026-02-17 18:00",
        legal="2026-02-17 18:00",
        confidence="low",
        moments={"ticket_filed_at": "2026-02-14 18:00"},
    ),
    Case(
        "pickup_48h_after_payment",
        "pickup",
        due="2026-07-03 20:00",
        legal="2026-07-03 20:00",
        confidence="low",
        problem="logistics",
        moments={"paid_at": "2026-07-01 20:00"},
    ),
    Case(
        "logistics_stall_3_days",
        "logistics_stall",
        due="2026-07-05 08:00",
        legal="2026-07-06 24:00",
        confidence="low",
        problem="logistics",
        moments={"last_tracking_at": "2026-07-02 08:00"},
    ),
    Case(
        "jd_intervention_opens_after_24h",
        "jd_intervention",
        due="2026-05-05 10:00",
        legal="2026-05-05 10:00",
        confidence="high",
        platform="jd",
        moments={"dispute_opened_at": "2026-05-04 10:00"},
    ),
    Case(
        "jd_intervention_limit_15_days",
        "jd_intervention_limit",
        due="2026-05-19 10:00",
        legal="2026-05-19 24:00",
        confidence="high",
        platform="jd",
        moments={"seller_refused_at": "2026-05-04 10:00"},
    ),
    # --- 价保
    Case(
        "price_protect_jd_self_operated_from_signed_30d",
        "price_protect",
        due="2026-04-01 24:00",
        legal="2026-04-01 24:00",
        confidence="medium",
        platform="jd",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00", "signed_at": "2026-03-02 00:00"},
        extra={"jd_self_operated": True, "price_protect_days": 30},
    ),
    Case(
        "price_protect_jd_third_party_from_order_30d",
        "price_protect",
        due="2026-03-29 11:00",
        legal="2026-03-30 24:00",
        confidence="medium",
        platform="jd",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00", "signed_at": "2026-03-02 00:00"},
        extra={"jd_self_operated": False, "price_protect_days": 30},
    ),
    Case(
        "price_protect_jd_unknown_operator_low",
        "price_protect",
        due="2026-03-29 11:00",
        legal="2026-03-30 24:00",
        confidence="low",
        platform="jd",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00", "signed_at": "2026-03-02 00:00"},
        extra={"price_protect_days": 30},
    ),
    Case(
        "price_protect_shopper_start_beats_jd_variant",
        "price_protect",
        due="2026-03-29 11:00",
        legal="2026-03-30 24:00",
        confidence="medium",
        platform="jd",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00", "signed_at": "2026-03-02 00:00"},
        extra={"jd_self_operated": True, "price_protect_days": 30, "price_protect_from": "order"},
    ),
    Case(
        "price_protect_douyin_defaults_low",
        "price_protect",
        due="2026-03-06 11:00",
        legal="2026-03-06 24:00",
        confidence="low",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00"},
    ),
    Case(
        "price_protect_douyin_promise_known_start_unknown",
        "price_protect",
        due="2026-03-14 11:00",
        legal="2026-03-16 24:00",
        confidence="low",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00"},
        extra={"price_protect_days": 15},
    ),
    Case(
        "price_protect_douyin_15d_from_signed_confirmed",
        "price_protect",
        due="2026-03-17 15:00",
        legal="2026-03-17 24:00",
        confidence="medium",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00", "signed_at": "2026-03-02 15:00"},
        extra={"price_protect_days": 15, "price_protect_from": "signed"},
    ),
    Case(
        "price_protect_taobao_30d_from_signed",
        "price_protect",
        due="2026-04-01 24:00",
        legal="2026-04-01 24:00",
        confidence="medium",
        platform="taobao",
        problem="price_drop",
        moments={"ordered_at": "2026-02-27 11:00", "signed_at": "2026-03-02 00:00"},
        extra={"price_protect_days": 30, "price_protect_from": "signed"},
    ),
    # --- time zones: 24:00 is the shopper's midnight; DST switches change the 7×24 h reading
    Case(
        "dst_new_york_spring_24h_reading_is_later",
        "return_no_reason",
        due="2026-03-14 24:00",  # 7×24 h from 23:30 EST lands at 00:30 EDT on 03-15
        legal="2026-03-16 24:00",
        confidence="high",
        tz=NY,
        moments={"signed_at": "2026-03-07 23:30"},
    ),
    Case(
        "same_instant_in_shanghai",
        "return_no_reason",
        due="2026-03-15 12:30",
        legal="2026-03-16 24:00",
        confidence="high",
        moments={"signed_at": "2026-03-08 12:30"},  # = 2026-03-07 23:30 EST
    ),
    Case(
        "same_instant_in_london",
        "return_no_reason",
        due="2026-03-15 04:30",
        legal="2026-03-16 24:00",
        confidence="high",
        tz=LDN,
        moments={"signed_at": "2026-03-08 04:30"},  # = 2026-03-07 23:30 EST
    ),
    Case(
        "dst_london_spring_24_00_is_earlier",
        "return_no_reason",
        due="2026-04-04 24:00",
        legal="2026-04-07 24:00",  # 04-04 … 04-06 is 清明
        confidence="high",
        tz=LDN,
        moments={"signed_at": "2026-03-28 23:30"},
    ),
    Case(
        "dst_new_york_autumn_24h_reading_on_previous_local_day",
        "return_no_reason",
        due="2026-11-06 23:30",  # 7×24 h from 00:30 EDT is 23:30 EST the day before
        legal="2026-11-09 24:00",
        confidence="high",
        tz=NY,
        moments={"signed_at": "2026-10-31 00:30"},
    ),
    Case(
        "new_york_midnight_is_date_only_there",
        "return_no_reason",
        due="2026-03-09 24:00",
        legal="2026-03-09 24:00",
        confidence="high",
        tz=NY,
        moments={"signed_at": "2026-03-02 00:00"},
    ),
    Case(
        "same_instant_has_a_time_in_shanghai",
        "return_no_reason",
        due="2026-03-09 13:00",
        legal="2026-03-09 24:00",
        confidence="high",
        moments={"signed_at": "2026-03-02 13:00"},  # = 2026-03-02 00:00 EST
    ),
]


def test_enough_worked_examples() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_worked_example(case: Case) -> None:
    report = compute_deadlines(case.facts(), case.tz)
    deadline = report.get(case.rule_id)
    assert deadline is not None, f"{case.rule_id} missing: {report.missing} {report.exclusions}"
    assert deadline.due_at == local(case.due, case.tz)
    assert deadline.legal_due_at == local(case.legal, case.tz)
    assert deadline.confidence == case.confidence
    assert deadline.typical is (case.confidence == "low")
    assert deadline.due_at.tzinfo is UTC
    assert deadline.legal_due_at.tzinfo is UTC
    assert deadline.starts_at.tzinfo is UTC
    assert deadline.legal_due_at >= deadline.due_at


def test_calendar_facts_the_examples_rely_on() -> None:
    holidays = [date(2026, 10, d) for d in range(1, 8)]
    assert all(chinese_calendar.is_holiday(day) for day in holidays)
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    for makeup in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"):
        day = date.fromisoformat(makeup)
        assert day.weekday() >= 5 and chinese_calendar.is_workday(day)
    assert all(chinese_calendar.is_holiday(date(2026, 2, d)) for d in range(15, 24))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


# --- exclusions, missing facts, shape of the report ---------------------------------------------


@pytest.mark.parametrize(
    ("category", "words"),
    [
        ("fresh", ("鲜活易腐", "perishable")),
        ("made_to_order", ("定作", "made-to-order")),
        ("digital", ("数字化商品", "digital goods")),
    ],
)
def test_excluded_category_says_why(category: str, words: tuple[str, str]) -> None:
    facts = CaseFacts(
        platform="taobao",
        category=category,
        problem_type="quality_defect",
        signed_at=local("2026-03-02 10:00"),
    )
    report = compute_deadlines(facts, SH)
    assert report.get("return_no_reason") is None
    assert [e.rule_id for e in report.exclusions] == ["return_no_reason"]
    exclusion = report.exclusions[0]
    assert isinstance(exclusion, Exclusion)
    assert words[0] in exclusion.reason_zh
    assert words[1] in exclusion.reason_en
    quality = report.get("quality_return")  # the quality-problem return still applies
    assert quality is not None and quality.due_at == local("2026-03-09 10:00")


def test_unknown_category_is_not_excluded_and_gets_no_category_rules() -> None:
    facts = CaseFacts(
        platform="jd",
        category=None,
        problem_type="quality_defect",
        signed_at=local("2026-03-02 10:00"),
    )
    report = compute_deadlines(facts, SH)
    assert report.exclusions == ()
    assert report.get("return_no_reason") is not None
    assert report.get("sanbao_return") is None and report.get("warranty") is None


def test_missing_signed_time_is_listed() -> None:
    facts = CaseFacts(platform="douyin", category="clothing", problem_type="not_as_described")
    report = compute_deadlines(facts, SH)
    assert report.deadlines == ()
    missing = {m.rule_id: m for m in report.missing}
    assert missing["return_no_reason"] == Missing(
        rule_id="return_no_reason",
        title_zh="七天无理由退货：提出退货申请的期限",
        title_en="7-day no-reason return: request the return by",
        fact="signed_at",
        awaiting_event=False,
    )
    assert missing["seller_reply"].fact == "seller_contacted_at"
    assert missing["seller_reply"].awaiting_event is True
    assert missing["12315_limit"].fact == "knew_of_harm_at"
    assert missing["12315_limit"].awaiting_event is False
    assert "quality_return" not in missing  # not a quality problem
    assert "price_protect" not in missing  # not a price drop


def test_price_protect_missing_the_chosen_start() -> None:
    facts = CaseFacts(
        platform="jd",
        category="electronics",
        problem_type="price_drop",
        ordered_at=local("2026-02-27 11:00"),
        jd_self_operated=True,
    )
    report = compute_deadlines(facts, SH)
    assert report.get("price_protect") is None
    assert [(m.rule_id, m.fact) for m in report.missing if m.rule_id == "price_protect"] == [
        ("price_protect", "signed_at")
    ]


def test_problem_specific_rules_only_for_their_problem() -> None:
    common: dict[str, Any] = {
        "paid_at": local("2026-07-01 20:00"),
        "last_tracking_at": local("2026-07-02 08:00"),
    }
    other = compute_deadlines(CaseFacts("douyin", "general", "counterfeit", **common), SH)
    logistics = compute_deadlines(CaseFacts("douyin", "general", "logistics", **common), SH)
    assert other.get("pickup") is None and other.get("logistics_stall") is None
    assert logistics.get("pickup") is not None and logistics.get("logistics_stall") is not None


def test_jd_only_rules_stay_on_jd() -> None:
    moments: dict[str, Any] = {"dispute_opened_at": local("2026-05-04 10:00")}
    assert compute_deadlines(CaseFacts("jd", "general", "other", **moments), SH).get(
        "jd_intervention"
    )
    assert (
        compute_deadlines(CaseFacts("douyin", "general", "other", **moments), SH).get(
            "jd_intervention"
        )
        is None
    )


def _full_case() -> CaseFacts:
    return CaseFacts(
        platform="jd",
        category="electronics",
        problem_type="quality_defect",
        ordered_at=local("2026-02-27 11:00"),
        signed_at=local("2026-03-02 15:00"),
        seller_contacted_at=local("2026-03-03 09:00"),
        ticket_filed_at=local("2026-03-04 09:00"),
        knew_of_harm_at=local("2026-03-03 00:00"),
    )


def test_deadlines_sorted_by_due_moment() -> None:
    report = compute_deadlines(_full_case(), SH)
    dues = [d.due_at for d in report.deadlines]
    assert dues == sorted(dues)
    assert [d.rule_id for d in report.deadlines[:4]] == [
        "seller_reply",  # 03-04 09:00
        "ticket_reply",  # 03-07 09:00
        "quality_return",  # 03-09 15:00
        "return_no_reason",  # 03-09 15:00 (ties by id)
    ]


def test_upcoming_and_time_left() -> None:
    report = compute_deadlines(_full_case(), SH)
    now = local("2026-03-05 12:00")
    ahead = upcoming(report, now)
    assert [d.rule_id for d in ahead[:3]] == ["ticket_reply", "quality_return", "return_no_reason"]
    assert all(d.due_at > now for d in ahead)
    assert isinstance(ahead[0], Deadline)
    assert time_left(ahead[0], now) == timedelta(days=1, hours=21)
    seller = report.get("seller_reply")
    assert seller is not None and time_left(seller, now) == -timedelta(days=1, hours=3)
    assert upcoming(report, local("2030-01-01 00:00")) == []


def test_reminds_flags() -> None:
    report = compute_deadlines(_full_case(), SH)
    flags = {d.rule_id: d.reminds for d in report.deadlines}
    assert flags["return_no_reason"] and flags["seller_reply"] and flags["ticket_reply"]
    assert not flags["12315_limit"] and not flags["lawsuit_limit"]


def test_mediation_conflict_shows_both_readings_with_notes() -> None:
    facts = CaseFacts(
        "taobao", "general", "counterfeit", complaint_12315_accepted_at=local("2026-09-01 10:00")
    )
    report = compute_deadlines(facts, SH)
    a, b = report.get("12315_mediation"), report.get("12315_mediation_60d")
    assert a is not None and b is not None
    assert a.counting == "working_days" and a.amount == 45
    assert b.counting == "calendar_days" and b.amount == 60
    for deadline in (a, b):
        assert deadline.note_en is not None and "both are shown" in deadline.note_en
        assert deadline.note_zh is not None and "两者都列出" in deadline.note_zh


def test_2027_working_days_note_and_flag() -> None:
    facts = CaseFacts(
        "douyin", "food", "food_safety", complaint_12315_filed_at=local("2026-12-28 09:00")
    )
    deadline = compute_deadlines(facts, SH).get("12315_accept")
    assert deadline is not None
    assert deadline.holiday_calendar_known is False
    assert deadline.note_en is not None and "2027" in deadline.note_en
    assert deadline.note_zh is not None and "2027年" in deadline.note_zh


def test_known_calendar_is_flagged_known() -> None:
    deadline = compute_deadlines(_full_case(), SH).get("return_no_reason")
    assert deadline is not None and deadline.holiday_calendar_known is True


def test_date_only_start_is_marked_and_explained() -> None:
    facts = CaseFacts("douyin", "general", "other", signed_at=local("2026-03-02 00:00"))
    deadline = compute_deadlines(facts, SH).get("return_no_reason")
    assert deadline is not None
    assert deadline.start_time_known is False
    assert deadline.note_en is not None and "7×24 h" in deadline.note_en
    timed = compute_deadlines(
        CaseFacts("douyin", "general", "other", signed_at=local("2026-03-02 08:00")), SH
    ).get("return_no_reason")
    assert timed is not None and timed.start_time_known is True
    assert timed.note_en is not None and "7×24 h" not in timed.note_en


def test_shop_promise_is_noted() -> None:
    facts = CaseFacts(
        "douyin", "general", "other", signed_at=local("2026-03-02 08:00"), return_days_promise=15
    )
    deadline = compute_deadlines(facts, SH).get("return_no_reason")
    assert deadline is not None and deadline.amount == 15
    assert deadline.note_zh is not None and "店铺承诺的15天" in deadline.note_zh


def test_kinds() -> None:
    report = compute_deadlines(_full_case(), SH)
    kinds = {d.rule_id: d.kind for d in report.deadlines}
    assert kinds["return_no_reason"] == "act_by"
    assert kinds["seller_reply"] == "wait_for"


# --- input checks ---------------------------------------------------------------------------------


def test_naive_moment_rejected() -> None:
    with pytest.raises(ValueError, match="signed_at"):
        CaseFacts("douyin", None, "other", signed_at=datetime(2026, 3, 2, 10, 0))


def test_bad_promise_rejected() -> None:
    with pytest.raises(ValueError, match="return_days_promise"):
        CaseFacts("douyin", None, "other", return_days_promise=0)


def test_moments_are_normalised_to_utc() -> None:
    facts = CaseFacts(
        "douyin", None, "other", signed_at=datetime(2026, 3, 2, 10, tzinfo=ZoneInfo(SH))
    )
    assert facts.signed_at == datetime(2026, 3, 2, 2, tzinfo=UTC)
    assert facts.signed_at is not None and facts.signed_at.tzinfo is UTC


def test_unknown_zone_rejected() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        compute_deadlines(CaseFacts("douyin", None, "other"), "Mars/Olympus")


def test_naive_now_rejected() -> None:
    report = compute_deadlines(_full_case(), SH)
    with pytest.raises(ValueError):
        upcoming(report, datetime(2026, 3, 5, 12, 0))
