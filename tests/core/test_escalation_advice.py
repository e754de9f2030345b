"""The rest of an advice: reason parameters and texts, what to prepare, drafts, guides,
limits, sources, warnings, the resolved summary, and input checks (exact values)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from shopguard.escalation import (
    ActBy,
    Action,
    AdvisorCase,
    ContactChannel,
    DraftChannel,
    EvidenceCoverage,
    MissingEvidence,
    ReasonCode,
    RegulatorBody,
    ResolvedOutcome,
    SellerResponse,
    SourceRef,
    Step,
    TimelineEntry,
    advise,
)
from tests.core.test_escalation import (
    CHAT,
    SCENARIOS,
    SH,
    TICKET_STALLED,
    by_name,
    contacted,
    filed,
    local,
)

R = ReasonCode
E = TimelineEntry


# --- reason parameters and words -------------------------------------------------------------


def test_seller_window_elapsed_parameters_and_typical_words() -> None:
    advice = by_name("douyin_seller_window_elapsed").advise()
    (reason,) = advice.reasons
    assert reason.code is R.SELLER_WINDOW_ELAPSED
    assert reason.params == {
        "rule": "seller_reply",
        "window_hours": 48,
        "started_at": local("2026-03-03 10:00"),
        "elapsed_hours": 52,
        "ended_at": local("2026-03-05 10:00"),
    }
    assert reason.rule_id == "seller_reply"
    assert reason.typical is True
    assert reason.confidence == "low"
    assert reason.source == "抖音平台规则 (platform rules)"
    assert reason.text_en == (
        "The seller's reply window (48 h) has passed: you contacted them on 2026-03-03 10:00, "
        "52 h ago (typical, not law — check the app)."
    )
    assert reason.text_zh == (
        "商家回复时限（48小时）已过：你在2026-03-03 10:00联系商家，已过去52小时"
        "（常见时限，非法定，请以App内显示为准）。"
    )
    assert reason.text("zh") == reason.text_zh


def test_jd_window_is_high_confidence_so_not_typical() -> None:
    (reason,) = by_name("jd_seller_window_elapsed").advise().reasons
    assert reason.params["window_hours"] == 24
    assert reason.params["elapsed_hours"] == 25
    assert reason.typical is False
    assert reason.confidence == "high"
    assert reason.source == "京东平台规则 (platform rules)"
    assert "typical" not in reason.text_en
    assert "常见" not in reason.text_zh


def test_ticket_window_is_typical_72h() -> None:
    (reason,) = by_name("ticket_stalled").advise().reasons
    assert reason.params["window_hours"] == 72
    assert reason.params["elapsed_hours"] == 73
    assert reason.rule_id == "ticket_reply"
    assert reason.typical is True
    assert reason.source == "seed article"


def test_partial_offer_parameters() -> None:
    (reason,) = by_name("seller_partial_offer_in_chat").advise().reasons
    assert reason.params == {
        "replied_at": local("2026-03-03 14:00"),
        "offer_fen": 10000,
        "amount_fen": 39800,
        "offer_percent": 25,
    }
    assert "(¥100.00)" in reason.text_en
    assert "accept and log it resolved" in reason.text_en


def test_mediation_uses_the_earlier_rule() -> None:
    (reason,) = by_name("12315_mediation_earlier_of_two_periods").advise().reasons
    assert reason.rule_id == "12315_mediation_60d"
    assert reason.params["ends_at"] == local("2026-05-11 10:00")
    assert reason.source == "消费者权益保护法实施条例 第46条"


def test_12315_acceptance_ends_at_midnight_shown_as_24_00() -> None:
    (reason,) = by_name("12315_acceptance_7_working_days").advise().reasons
    assert reason.params["window_days"] == 7
    assert "by 2026-03-18 24:00" in reason.text_en
    assert reason.typical is False


def test_limit_passed_parameters() -> None:
    advice = by_name("ruled_against_after_3_years_no_12315").advise()
    limit = advice.reason(R.REGULATOR_LIMIT_PASSED)
    assert limit is not None
    assert limit.params == {
        "rule": "12315_limit",
        "knew_at": local("2023-03-01 10:00"),
        "knew_from": "knew_of_harm_at",
        "ended_at": local("2026-03-01 24:00"),
    }
    fallback = by_name("limit_from_signed_at_when_harm_date_unknown").advise()
    limit = fallback.reason(R.REGULATOR_LIMIT_PASSED)
    assert limit is not None
    assert limit.params["knew_from"] == "signed_at"
    assert limit.params["ended_at"] == local("2026-01-05 24:00")


def test_every_reason_code_is_exercised() -> None:
    seen = {code for s in SCENARIOS for code in s.reasons}
    checked_elsewhere = {R.CASE_RESOLVED, R.OFF_PLATFORM_REQUEST, R.OFF_PLATFORM_CONTACT}
    checked_elsewhere |= {R.BOTH_REGULATORS}
    assert seen | checked_elsewhere == set(ReasonCode)


# --- limits to beat ----------------------------------------------------------------------------


def test_jd_intervention_limit_is_an_act_by() -> None:
    advice = by_name("jd_refused_intervention_open").advise()
    assert [(a.rule_id, a.due_at) for a in advice.act_by] == [
        ("jd_intervention_limit", local("2026-03-18 12:00"))
    ]
    assert advice.act_by[0].confidence == "high"


def test_12315_limit_is_an_act_by_when_12315_is_next() -> None:
    advice = by_name("ruled_against_one_day_inside_the_limit").advise()
    assert advice.act_by == (
        ActBy(
            rule_id="12315_limit",
            due_at=local("2026-03-10 24:00"),
            title_zh="12315投诉时限：超过即不予受理",
            title_en="12315 complaint limit: refused if filed later than",
            confidence="high",
            source="市场监督管理投诉举报处理暂行办法 第15条",
        ),
    )


def test_no_act_by_while_waiting_on_the_seller() -> None:
    assert by_name("douyin_seller_window_48h_running").advise().act_by == ()


# --- what to prepare -----------------------------------------------------------------------


def test_missing_evidence_lists_checklist_then_step_needs() -> None:
    coverage = EvidenceCoverage(
        covered=frozenset({"order_page"}),
        missing_required=("product_photo",),
        missing_recommended=("inspection_report",),
    )
    advice = by_name("ticket_stalled").advise(coverage)
    assert advice.step is Step.PLATFORM_INTERVENTION
    assert advice.missing_evidence == (
        MissingEvidence("product_photo", True, None),
        MissingEvidence("chat_record", True, Step.PLATFORM_INTERVENTION),
        MissingEvidence("payment_proof", True, Step.PLATFORM_INTERVENTION),
        MissingEvidence("inspection_report", False, None),
    )


def test_while_waiting_prepare_for_the_step_that_opens() -> None:
    coverage = EvidenceCoverage(covered=frozenset({"chat_record", "payment_proof"}))
    advice = by_name("ticket_72h_running").advise(coverage)
    assert advice.missing_evidence == (
        MissingEvidence("order_page", True, Step.PLATFORM_INTERVENTION),
    )
    assert [p.id for p in advice.prepare] == ["intervention_statement"]
    assert advice.drafts == (DraftChannel.PLATFORM_INTERVENTION,)


def test_counterfeit_prepares_for_every_parallel_step() -> None:
    advice = by_name("counterfeit_platform_and_12315_in_parallel").advise()
    assert advice.drafts == (
        DraftChannel.SELLER_CHAT,
        DraftChannel.PLATFORM_TICKET,
        DraftChannel.COMPLAINT_12315,
    )
    assert advice.missing_evidence == (
        MissingEvidence("order_page", True, Step.REGULATOR_12315),
        MissingEvidence("payment_proof", True, Step.REGULATOR_12315),
        MissingEvidence("chat_record", False, Step.REGULATOR_12315),
        MissingEvidence("inspection_report", False, None),
    )
    assert [p.id for p in advice.prepare] == [
        "seller_message",
        "three_elements",
        "real_identity",
        "business_info",
        "specific_demand",
        "keep_product",
    ]


def test_injury_keeps_everything_and_asks_a_lawyer() -> None:
    advice = by_name("injury_12315_and_lawyer_now").advise()
    assert [p.id for p in advice.prepare] == [
        "real_identity",
        "business_info",
        "specific_demand",
        "keep_originals",
        "heimao_fields",
        "legal_advice",
        "keep_product",
        "medical_care",
        "lawyer",
    ]
    assert MissingEvidence("medical_record", False, None) in advice.missing_evidence
    assert advice.drafts == (DraftChannel.COMPLAINT_12315, DraftChannel.HEIMAO)


def test_resolved_after_a_partial_refund_is_a_summary() -> None:
    timeline = [
        *CHAT,
        E.seller_replied(local("2026-03-04 09:00"), SellerResponse.PARTIAL_OFFER, 20000),
        E.resolved(local("2026-03-08 20:00"), ResolvedOutcome.PARTIAL_REFUND, 20000),
        E.off_platform_request(local("2026-03-09 08:00")),
    ]
    case = AdvisorCase(platform="douyin", problem_type="not_as_described", amount_fen=39800)
    advice = advise(case, timeline, EvidenceCoverage(), local("2026-03-10 09:00"), SH)
    assert advice.kind == "summary"
    assert (advice.step, advice.action, advice.next_step_at) == (Step.NONE, Action.NONE, None)
    summary = advice.summary
    assert summary is not None
    assert summary.outcome is ResolvedOutcome.PARTIAL_REFUND
    assert summary.amount_recovered_fen == 20000
    assert summary.amount_fen == 39800
    assert summary.started_at == local("2026-03-03 10:00")
    assert summary.resolved_at == local("2026-03-08 20:00")
    assert summary.days_taken == 5
    (reason,) = advice.reasons
    assert (
        reason.text_en
        == "Resolved on 2026-03-08 20:00: partial refund, ¥200.00 recovered, in 5 days."
    )
    assert reason.text_zh == "已于2026-03-08 20:00解决：部分退款，追回¥200.00，历时5天。"
    empty = (advice.parallel, advice.warnings, advice.missing_evidence, advice.prepare)
    assert empty == ((), (), (), ())
    assert (advice.drafts, advice.guides, advice.act_by) == ((), (), ())


# --- where: the channel guide inside the advice --------------------------------------------


def test_guides_for_the_step_and_the_step_that_opens() -> None:
    advice = by_name("douyin_seller_window_48h_running").advise()
    assert [(g.step, g.language.value) for g in advice.guides] == [
        (Step.SELLER, "zh"),
        (Step.SELLER, "en"),
        (Step.PLATFORM_TICKET, "zh"),
        (Step.PLATFORM_TICKET, "en"),
    ]
    seller_zh = advice.guides_in("zh")[0]
    assert seller_zh.route == ("我的", "订单", "订单详情", "联系商家")
    assert "live_room" not in [item.id for item in seller_zh.include]  # not a live-stream order


def test_guide_asks_for_the_live_room_on_live_stream_orders() -> None:
    case = AdvisorCase(platform="douyin", problem_type="quality_defect", live_stream=True)
    advice = advise(case, CHAT, EvidenceCoverage(), local("2026-03-04 10:00"), SH)
    items = [item.id for item in advice.guides_in("en")[0].include]
    assert items == ["order_number", "short_request", "live_room"]


def test_parallel_steps_get_guides_too() -> None:
    advice = by_name("counterfeit_platform_and_12315_in_parallel").advise()
    steps = [g.step for g in advice.guides_in("en")]
    assert steps == [Step.SELLER, Step.PLATFORM_TICKET, Step.REGULATOR_12315]
    assert advice.guides_in("en")[2].route[0].startswith("the national 12315 platform")


# --- sources -----------------------------------------------------------------------------


def test_sources_name_the_rule_and_the_ladder() -> None:
    advice = by_name("douyin_seller_window_elapsed").advise()
    assert advice.sources == (
        SourceRef(
            "escalation:step.platform_ticket",
            "domain.md §5 step 2 (after-sales request / ticket with the three elements; wait 72 h)",
            "medium",
        ),
        SourceRef("seller_reply", "抖音平台规则 (platform rules)", "low"),
    )


def test_sources_of_a_limit() -> None:
    advice = by_name("ruled_against_one_day_inside_the_limit").advise()
    ids = [s.id for s in advice.sources]
    assert ids == [
        "escalation:step.regulator_12315",
        "escalation:ruled_against",
        "12315_limit",
    ]


# --- warnings --------------------------------------------------------------------------------


def test_off_platform_request_warns_without_changing_the_step() -> None:
    timeline = [*CHAT, E.off_platform_request(local("2026-03-03 11:00"))]
    case = by_name("douyin_seller_window_48h_running").advisor_case()
    advice = advise(case, timeline, EvidenceCoverage(), local("2026-03-04 10:00"), SH)
    assert (advice.step, advice.action) == (Step.SELLER, Action.WAIT)
    assert advice.next_step_at == local("2026-03-05 10:00")
    (warning,) = advice.warnings
    assert warning.code is R.OFF_PLATFORM_REQUEST
    assert warning.params == {"at": local("2026-03-03 11:00")}
    assert warning.text_en.startswith("On 2026-03-03 11:00 the seller asked you to pay or chat")


def test_off_platform_request_warns_at_a_later_step_too() -> None:
    timeline = [*TICKET_STALLED, E.off_platform_request(local("2026-03-05 11:00"))]
    case = by_name("ticket_stalled").advisor_case()
    advice = advise(case, timeline, EvidenceCoverage(), local("2026-03-06 11:00"), SH)
    assert advice.step is Step.PLATFORM_INTERVENTION
    assert [w.code for w in advice.warnings] == [R.OFF_PLATFORM_REQUEST]


def test_contacting_the_seller_off_platform_warns() -> None:
    timeline = [E.seller_contacted(local("2026-03-03 10:00"), ContactChannel.OFF_PLATFORM)]
    case = by_name("douyin_seller_window_48h_running").advisor_case()
    advice = advise(case, timeline, EvidenceCoverage(), local("2026-03-04 10:00"), SH)
    assert [w.code for w in advice.warnings] == [R.OFF_PLATFORM_CONTACT]
    assert advice.step is Step.SELLER


def test_both_regulators_warns_and_follows_the_first() -> None:
    timeline = [
        filed("2026-03-09 10:00", RegulatorBody.CONSUMER_ASSOCIATION),
        filed("2026-03-10 10:00"),
    ]
    case = by_name("start_with_the_seller").advisor_case()
    advice = advise(case, timeline, EvidenceCoverage(), local("2026-03-11 10:00"), SH)
    assert [w.code for w in advice.warnings] == [R.BOTH_REGULATORS]
    assert advice.step is Step.CONSUMER_ASSOCIATION
    assert advice.next_step_at == local("2026-04-08 10:00")


# --- purity and input checks ----------------------------------------------------------------


def test_same_inputs_same_advice_whatever_the_entry_order() -> None:
    s = by_name("request_and_ticket_earliest_window_wins")
    shuffled = list(reversed(s.timeline))
    random.Random(6).shuffle(shuffled)
    first = s.advise()
    again = advise(s.advisor_case(), shuffled, EvidenceCoverage(), local(s.now), SH)
    assert first == again


def test_a_zone_far_away_changes_only_the_words() -> None:
    s = by_name("12315_acceptance_7_working_days")
    advice = advise(s.advisor_case(), s.timeline, EvidenceCoverage(), local(s.now), "Europe/London")
    assert advice.next_step_at == local("2026-03-18 24:00", "Europe/London")


@pytest.mark.parametrize(
    ("now", "tz", "message"),
    [
        (datetime(2026, 3, 3, 10, 0), SH, "aware"),
        (local("2026-03-03 10:00"), "Mars/Olympus", "unknown time zone"),
    ],
)
def test_bad_clock_or_zone(now: datetime, tz: str, message: str) -> None:
    case = AdvisorCase(platform="douyin", problem_type="quality_defect")
    with pytest.raises(ValueError, match=message):
        advise(case, [], EvidenceCoverage(), now, tz)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"platform": "amazon"}, "unknown platform"),
        ({"problem_type": "bad_vibes"}, "unknown problem type"),
        ({"amount_fen": -1}, "must not be negative"),
        ({"amount_fen": 398.0}, "whole number of fen"),
        ({"amount_fen": True}, "whole number of fen"),
        ({"signed_at": datetime(2026, 3, 2, 10, 0)}, "signed_at must be an aware"),
    ],
)
def test_bad_case(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"platform": "douyin", "problem_type": "quality_defect"}
    values.update(kwargs)
    with pytest.raises(ValueError, match=message):
        AdvisorCase(**values)  # type: ignore[arg-type]


def test_bad_coverage() -> None:
    with pytest.raises(ValueError, match="unknown evidence kinds"):
        EvidenceCoverage(missing_required=("selfie",))


def test_case_moments_are_stored_in_utc() -> None:
    case = AdvisorCase(
        platform="jd", problem_type="quality_defect", signed_at=local("2026-03-02 10:00")
    )
    assert case.signed_at is not None and case.signed_at.utcoffset() is not None
    assert case.signed_at.isoformat() == "2026-03-02T02:00:00+00:00"


def test_contacted_helper_is_local() -> None:
    assert contacted("2026-03-03 10:00").at.isoformat() == "2026-03-03T02:00:00+00:00"
