"""Worked examples: case facts + timeline + clock → the advised step and when the next opens.

Every moment is written as local time in Asia/Shanghai ("24:00" = the end of that day) and was
counted by hand from the rules (domain.md §3): seller reply Douyin 48 h (low), JD 24 h (high),
others 48 h (low); ticket 72 h (low); JD 京东介入 after 24 h / within 15 days of a refusal;
12315 acceptance 7 working days; mediation the earlier of 45 working days and 60 days; the
12315 / lawsuit limits 3 years from knowing of the harm. March 2026 has no holidays (Mon 03-02);
清明 04-04..06, 劳动节 05-01..05 with the make-up workday Sat 05-09, so 45 working days after
Thu 03-12 end on 05-19 while 60 days end on 05-11 10:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shopguard.escalation import (
    Action,
    AdvisorCase,
    AfterSalesType,
    EvidenceCoverage,
    Forum,
    ReasonCode,
    RegulatorBody,
    RegulatorOutcome,
    ResolvedOutcome,
    Ruling,
    SellerResponse,
    Step,
    TimelineEntry,
    advise,
)

SH = "Asia/Shanghai"
R = ReasonCode
E = TimelineEntry


def local(text: str, tz: str = SH) -> datetime:
    """'2026-03-18 24:00' in ``tz`` → aware UTC (24:00 = 00:00 of the next day)."""
    day_text, clock = text.split(" ")
    day = date.fromisoformat(day_text)
    if clock == "24:00":
        day, clock = day + timedelta(days=1), "00:00"
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(tz)).astimezone(UTC)


# --- timeline shorthands (local Shanghai times) ------------------------------------------


def contacted(at: str) -> TimelineEntry:
    return E.seller_contacted(local(at))


def replied(at: str, response: SellerResponse, offer_fen: int | None = None) -> TimelineEntry:
    return E.seller_replied(local(at), response, offer_fen)


def requested(at: str, kind: AfterSalesType = AfterSalesType.RETURN_AND_REFUND) -> TimelineEntry:
    return E.after_sales_filed(local(at), kind)


def ticket(at: str) -> TimelineEntry:
    return E.ticket_filed(local(at), "GD2026030300017")


def intervention(at: str) -> TimelineEntry:
    return E.intervention_requested(local(at))


def ruled(at: str, ruling: Ruling) -> TimelineEntry:
    return E.platform_ruled(local(at), ruling)


def filed(at: str, body: RegulatorBody = RegulatorBody.R12315) -> TimelineEntry:
    return E.regulator_filed(local(at), body, "1100002026030900001")


def accepted(at: str) -> TimelineEntry:
    return E.regulator_accepted(local(at), RegulatorBody.R12315)


def closed(at: str, body: RegulatorBody, outcome: RegulatorOutcome) -> TimelineEntry:
    return E.regulator_closed(local(at), body, outcome)


REFUSED = SellerResponse.REFUSED
CA = RegulatorBody.CONSUMER_ASSOCIATION
CHAT = [contacted("2026-03-03 10:00")]
SELLER_REFUSED_REQUEST = [
    contacted("2026-03-02 09:00"),
    requested("2026-03-03 10:00"),
    replied("2026-03-03 12:00", REFUSED),
]
TICKET_STALLED = [contacted("2026-03-02 09:00"), ticket("2026-03-03 10:00")]
INTERVENTION = [*SELLER_REFUSED_REQUEST, intervention("2026-03-06 10:00")]


@dataclass(frozen=True)
class Scenario:
    name: str
    now: str
    timeline: list[TimelineEntry]
    step: Step
    action: Action
    reasons: tuple[ReasonCode, ...]
    then: Step | None = None
    next_at: str | None = None
    parallel: tuple[Step, ...] = ()
    alternative: Step | None = None
    platform: str = "douyin"
    problem: str = "quality_defect"
    case: dict[str, Any] = field(default_factory=dict)

    def advisor_case(self) -> AdvisorCase:
        facts: dict[str, Any] = {"amount_fen": 39800, "signed_at": local("2026-03-02 10:00")}
        facts.update(self.case)
        return AdvisorCase(platform=self.platform, problem_type=self.problem, **facts)

    def advise(self, evidence: EvidenceCoverage | None = None) -> Any:
        return advise(
            self.advisor_case(), self.timeline, evidence or EvidenceCoverage(), local(self.now), SH
        )


ACT, WAIT = Action.ACT, Action.WAIT
SCENARIOS = [
    # --- step 0 / 1: nothing logged yet ------------------------------------------------------
    Scenario(
        "start_with_the_seller", "2026-03-03 09:00", [], Step.SELLER, ACT, (R.NO_CONTACT_YET,)
    ),
    Scenario(
        "robot_first_refund_not_received",
        "2026-03-03 09:00",
        [],
        Step.SELF_SERVICE,
        ACT,
        (R.SELF_SERVICE_FIRST,),
        problem="refund_not_received",
    ),
    Scenario(
        "robot_first_price_drop",
        "2026-03-03 09:00",
        [],
        Step.SELF_SERVICE,
        ACT,
        (R.SELF_SERVICE_FIRST,),
        platform="jd",
        problem="price_drop",
    ),
    Scenario(
        "logistics_pickup_window_running",
        "2026-03-03 10:00",
        [],
        Step.SELF_SERVICE,
        WAIT,
        (R.PICKUP_WINDOW_RUNNING,),
        then=Step.SELLER,
        next_at="2026-03-04 10:00",  # payment + 48 h (typical)
        problem="logistics",
        case={"paid_at": local("2026-03-02 10:00"), "signed_at": None},
    ),
    Scenario(
        "logistics_no_pickup_contact_seller",
        "2026-03-04 12:00",
        [],
        Step.SELLER,
        ACT,
        (R.NO_PICKUP,),
        problem="logistics",
        case={"paid_at": local("2026-03-02 10:00"), "signed_at": None},
    ),
    Scenario(
        "logistics_tracking_window_running",
        "2026-03-04 09:00",
        [],
        Step.SELF_SERVICE,
        WAIT,
        (R.TRACKING_WINDOW_RUNNING,),
        then=Step.PLATFORM_TICKET,
        next_at="2026-03-05 15:00",  # earlier of 3×24 h and 24:00 of 03-05
        problem="logistics",
        case={"last_tracking_at": local("2026-03-02 15:00"), "signed_at": None},
    ),
    Scenario(
        "logistics_tracking_stalled_platform",
        "2026-03-05 16:00",
        [],
        Step.PLATFORM_TICKET,
        ACT,
        (R.TRACKING_STALLED,),
        problem="logistics",
        case={"last_tracking_at": local("2026-03-02 15:00"), "signed_at": None},
    ),
    # --- step 1: the seller's reply window, per platform ---------------------------------------
    Scenario(
        "douyin_seller_window_48h_running",
        "2026-03-04 10:00",
        CHAT,
        Step.SELLER,
        WAIT,
        (R.SELLER_WINDOW_RUNNING,),
        then=Step.PLATFORM_TICKET,
        next_at="2026-03-05 10:00",
    ),
    Scenario(
        "douyin_seller_window_elapsed",
        "2026-03-05 14:00",
        CHAT,
        Step.PLATFORM_TICKET,
        ACT,
        (R.SELLER_WINDOW_ELAPSED,),
    ),
    Scenario(
        "jd_seller_window_24h_running",
        "2026-03-03 20:00",
        CHAT,
        Step.SELLER,
        WAIT,
        (R.SELLER_WINDOW_RUNNING,),
        then=Step.PLATFORM_TICKET,
        next_at="2026-03-04 10:00",
        platform="jd",
    ),
    Scenario(
        "jd_seller_window_elapsed",
        "2026-03-04 11:00",
        CHAT,
        Step.PLATFORM_TICKET,
        ACT,
        (R.SELLER_WINDOW_ELAPSED,),
        platform="jd",
    ),
    *(
        Scenario(
            f"{platform}_seller_window_default_48h",
            "2026-03-04 10:00",
            CHAT,
            Step.SELLER,
            WAIT,
            (R.SELLER_WINDOW_RUNNING,),
            then=Step.PLATFORM_TICKET,
            next_at="2026-03-05 10:00",
            platform=platform,
        )
        for platform in ("taobao", "pinduoduo", "kuaishou", "other")
    ),
    # --- step 1: what the seller answered ------------------------------------------------------
    Scenario(
        "seller_refused_in_chat",
        "2026-03-03 15:00",
        [*CHAT, replied("2026-03-03 14:00", REFUSED)],
        Step.PLATFORM_TICKET,
        ACT,
        (R.SELLER_REFUSED,),
    ),
    Scenario(
        "seller_stalling_in_chat",
        "2026-03-03 15:00",
        [*CHAT, replied("2026-03-03 14:00", SellerResponse.STALLING)],
        Step.PLATFORM_TICKET,
        ACT,
        (R.SELLER_STALLING,),
    ),
    Scenario(
        "seller_partial_offer_in_chat",
        "2026-03-03 15:00",
        [*CHAT, replied("2026-03-03 14:00", SellerResponse.PARTIAL_OFFER, 10000)],
        Step.PLATFORM_TICKET,
        ACT,
        (R.SELLER_PARTIAL_OFFER,),
    ),
    Scenario(
        "seller_agreed_follow_through",
        "2026-03-03 15:00",
        [*CHAT, replied("2026-03-03 14:00", SellerResponse.AGREED)],
        Step.SELLER,
        WAIT,
        (R.SELLER_AGREED,),
    ),
    Scenario(
        "no_answer_logged_early_window_still_runs",
        "2026-03-03 15:00",
        [*CHAT, replied("2026-03-03 14:00", SellerResponse.NO_ANSWER)],
        Step.SELLER,
        WAIT,
        (R.SELLER_WINDOW_RUNNING,),
        then=Step.PLATFORM_TICKET,
        next_at="2026-03-05 10:00",
    ),
    Scenario(
        "refusal_then_agreement_latest_counts",
        "2026-03-03 18:00",
        [
            *CHAT,
            replied("2026-03-03 12:00", REFUSED),
            replied("2026-03-03 17:00", SellerResponse.AGREED),
        ],
        Step.SELLER,
        WAIT,
        (R.SELLER_AGREED,),
    ),
    # --- step 2: after-sales request and ticket ------------------------------------------------
    Scenario(
        "after_sales_request_window_running",
        "2026-03-04 09:00",
        [requested("2026-03-03 10:00")],
        Step.PLATFORM_TICKET,
        WAIT,
        (R.REQUEST_WINDOW_RUNNING,),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-05 10:00",
    ),
    Scenario(
        "after_sales_request_unanswered",
        "2026-03-05 10:00",
        [requested("2026-03-03 10:00")],
        Step.PLATFORM_INTERVENTION,
        ACT,
        (R.REQUEST_WINDOW_ELAPSED,),
    ),
    Scenario(
        "ticket_72h_running",
        "2026-03-05 10:00",
        TICKET_STALLED,
        Step.PLATFORM_TICKET,
        WAIT,
        (R.TICKET_WINDOW_RUNNING,),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-06 10:00",
    ),
    Scenario(
        "ticket_stalled",
        "2026-03-06 11:00",
        TICKET_STALLED,
        Step.PLATFORM_INTERVENTION,
        ACT,
        (R.TICKET_WINDOW_ELAPSED,),
    ),
    Scenario(
        "request_and_ticket_earliest_window_wins",
        "2026-03-04 12:00",
        [requested("2026-03-03 10:00"), ticket("2026-03-04 09:00")],
        Step.PLATFORM_TICKET,
        WAIT,
        (R.REQUEST_WINDOW_RUNNING, R.TICKET_WINDOW_RUNNING),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-05 10:00",
    ),
    Scenario(
        "seller_refused_the_request",
        "2026-03-03 13:00",
        SELLER_REFUSED_REQUEST,
        Step.PLATFORM_INTERVENTION,
        ACT,
        (R.SELLER_REFUSED,),
    ),
    Scenario(
        "partial_offer_on_the_request",
        "2026-03-03 13:00",
        [
            requested("2026-03-03 10:00"),
            replied("2026-03-03 12:00", SellerResponse.PARTIAL_OFFER, 5000),
        ],
        Step.PLATFORM_INTERVENTION,
        ACT,
        (R.SELLER_PARTIAL_OFFER,),
    ),
    Scenario(
        "seller_agreed_the_request",
        "2026-03-03 13:00",
        [requested("2026-03-03 10:00"), replied("2026-03-03 12:00", SellerResponse.AGREED)],
        Step.PLATFORM_TICKET,
        WAIT,
        (R.SELLER_AGREED,),
    ),
    # --- JD: 京东介入 opens 24 h after the dispute, closes 15 days after a refusal ------------
    Scenario(
        "jd_refused_intervention_not_open_yet",
        "2026-03-03 15:00",
        SELLER_REFUSED_REQUEST,
        Step.PLATFORM_TICKET,
        WAIT,
        (R.SELLER_REFUSED, R.JD_INTERVENTION_OPENS),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-04 10:00",
        platform="jd",
    ),
    Scenario(
        "jd_refused_intervention_open",
        "2026-03-04 10:30",
        SELLER_REFUSED_REQUEST,
        Step.PLATFORM_INTERVENTION,
        ACT,
        (R.SELLER_REFUSED,),
        platform="jd",
    ),
    Scenario(
        "jd_request_window_and_gate_together",
        "2026-03-03 20:00",
        [requested("2026-03-03 10:00")],
        Step.PLATFORM_TICKET,
        WAIT,
        (R.REQUEST_WINDOW_RUNNING, R.JD_INTERVENTION_OPENS),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-04 10:00",
        platform="jd",
    ),
    Scenario(
        "jd_intervention_limit_passed_go_to_12315",
        "2026-03-19 09:00",
        SELLER_REFUSED_REQUEST,
        Step.REGULATOR_12315,
        ACT,
        (R.SELLER_REFUSED, R.JD_INTERVENTION_LIMIT_PASSED),
        alternative=Step.CONSUMER_ASSOCIATION,
        platform="jd",
    ),
    # --- step 3: platform intervention ---------------------------------------------------------
    Scenario(
        "intervention_pending_typical_72h",
        "2026-03-07 10:00",
        INTERVENTION,
        Step.PLATFORM_INTERVENTION,
        WAIT,
        (R.INTERVENTION_WINDOW_RUNNING,),
        then=Step.REGULATOR_12315,
        next_at="2026-03-09 10:00",
        alternative=Step.CONSUMER_ASSOCIATION,
    ),
    Scenario(
        "intervention_stalled_go_to_12315",
        "2026-03-09 11:00",
        INTERVENTION,
        Step.REGULATOR_12315,
        ACT,
        (R.INTERVENTION_STALLED,),
        alternative=Step.CONSUMER_ASSOCIATION,
    ),
    Scenario(
        "ruled_against_go_to_12315",
        "2026-03-08 10:00",
        [*INTERVENTION, ruled("2026-03-07 16:00", Ruling.AGAINST)],
        Step.REGULATOR_12315,
        ACT,
        (R.RULED_AGAINST,),
        alternative=Step.CONSUMER_ASSOCIATION,
    ),
    Scenario(
        "ruled_partial_accept_or_12315",
        "2026-03-08 10:00",
        [*INTERVENTION, ruled("2026-03-07 16:00", Ruling.PARTIAL)],
        Step.REGULATOR_12315,
        ACT,
        (R.RULED_PARTIAL,),
        alternative=Step.CONSUMER_ASSOCIATION,
    ),
    Scenario(
        "ruled_for_shopper_follow_through",
        "2026-03-08 10:00",
        [*INTERVENTION, ruled("2026-03-07 16:00", Ruling.FOR_SHOPPER)],
        Step.PLATFORM_INTERVENTION,
        WAIT,
        (R.RULED_FOR_SHOPPER,),
    ),
    # --- step 4: 12315 and 消协 ------------------------------------------------------------
    Scenario(
        "12315_acceptance_7_working_days",
        "2026-03-10 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00")],
        Step.REGULATOR_12315,
        WAIT,
        (R.REGULATOR_ACCEPT_RUNNING,),
        then=Step.BEYOND,
        next_at="2026-03-18 24:00",
    ),
    Scenario(
        "12315_not_answered_in_time",
        "2026-03-19 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00")],
        Step.BEYOND,
        ACT,
        (R.REGULATOR_ACCEPT_ELAPSED,),
    ),
    Scenario(
        "12315_mediation_earlier_of_two_periods",
        "2026-03-20 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00"), accepted("2026-03-12 10:00")],
        Step.REGULATOR_12315,
        WAIT,
        (R.MEDIATION_RUNNING,),
        then=Step.BEYOND,
        next_at="2026-05-11 10:00",
    ),
    Scenario(
        "12315_mediation_over",
        "2026-05-12 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00"), accepted("2026-03-12 10:00")],
        Step.BEYOND,
        ACT,
        (R.MEDIATION_ELAPSED,),
    ),
    Scenario(
        "12315_not_accepted",
        "2026-03-13 09:00",
        [
            *INTERVENTION,
            filed("2026-03-09 10:00"),
            closed("2026-03-12 10:00", RegulatorBody.R12315, RegulatorOutcome.NOT_ACCEPTED),
        ],
        Step.BEYOND,
        ACT,
        (R.REGULATOR_CLOSED,),
    ),
    Scenario(
        "consumer_association_typical_30_days",
        "2026-03-10 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00", CA)],
        Step.CONSUMER_ASSOCIATION,
        WAIT,
        (R.ASSOCIATION_WINDOW_RUNNING,),
        then=Step.BEYOND,
        next_at="2026-04-08 10:00",
    ),
    Scenario(
        "consumer_association_no_result",
        "2026-04-09 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00", CA)],
        Step.BEYOND,
        ACT,
        (R.ASSOCIATION_WINDOW_ELAPSED,),
    ),
    Scenario(
        "consumer_association_closed_no_agreement",
        "2026-03-20 09:00",
        [
            filed("2026-03-09 10:00", CA),
            closed("2026-03-19 10:00", CA, RegulatorOutcome.NO_AGREEMENT),
        ],
        Step.BEYOND,
        ACT,
        (R.REGULATOR_CLOSED,),
    ),
    # --- step 5: a court or arbitration has it -------------------------------------------------
    Scenario(
        "court_handles_no_12315",
        "2026-04-01 09:00",
        [*INTERVENTION, E.court_or_arbitration(local("2026-03-20 10:00"), Forum.COURT)],
        Step.BEYOND,
        WAIT,
        (R.COURT_HANDLES,),
        problem="counterfeit",
    ),
    # --- shortcuts ---------------------------------------------------------------------------
    Scenario(
        "counterfeit_platform_and_12315_in_parallel",
        "2026-03-03 09:00",
        [],
        Step.SELLER,
        ACT,
        (R.COUNTERFEIT_PARALLEL, R.NO_CONTACT_YET),
        parallel=(Step.PLATFORM_TICKET, Step.REGULATOR_12315),
        alternative=Step.CONSUMER_ASSOCIATION,
        problem="counterfeit",
    ),
    Scenario(
        "food_safety_parallel_while_seller_window_runs",
        "2026-03-04 10:00",
        CHAT,
        Step.SELLER,
        WAIT,
        (R.FOOD_SAFETY_PARALLEL, R.SELLER_WINDOW_RUNNING),
        then=Step.PLATFORM_TICKET,
        next_at="2026-03-05 10:00",
        parallel=(Step.PLATFORM_TICKET, Step.REGULATOR_12315),
        alternative=Step.CONSUMER_ASSOCIATION,
        problem="food_safety",
        case={"category": "food"},
    ),
    Scenario(
        "counterfeit_at_ticket_adds_only_12315",
        "2026-03-05 10:00",
        TICKET_STALLED,
        Step.PLATFORM_TICKET,
        WAIT,
        (R.COUNTERFEIT_PARALLEL, R.TICKET_WINDOW_RUNNING),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-06 10:00",
        parallel=(Step.REGULATOR_12315,),
        alternative=Step.CONSUMER_ASSOCIATION,
        problem="counterfeit",
    ),
    Scenario(
        "counterfeit_while_consumer_association_handles_no_12315",
        "2026-03-10 09:00",
        [*INTERVENTION, filed("2026-03-09 10:00", CA)],
        Step.CONSUMER_ASSOCIATION,
        WAIT,
        (R.ASSOCIATION_WINDOW_RUNNING, R.ASSOCIATION_HANDLES),
        then=Step.BEYOND,
        next_at="2026-04-08 10:00",
        problem="counterfeit",
    ),
    Scenario(
        "counterfeit_while_12315_handles_no_consumer_association",
        "2026-03-10 09:00",
        [filed("2026-03-09 10:00")],
        Step.REGULATOR_12315,
        WAIT,
        (R.REGULATOR_ACCEPT_RUNNING,),
        then=Step.BEYOND,
        next_at="2026-03-18 24:00",
        problem="counterfeit",
    ),
    Scenario(
        "injury_12315_and_lawyer_now",
        "2026-03-03 09:00",
        [],
        Step.REGULATOR_12315,
        ACT,
        (R.INJURY_OR_HAZARD,),
        parallel=(Step.BEYOND,),
        alternative=Step.CONSUMER_ASSOCIATION,
        case={"injury_or_hazard": True},
    ),
    Scenario(
        "injury_does_not_wait_for_the_seller",
        "2026-03-04 10:00",
        CHAT,
        Step.REGULATOR_12315,
        ACT,
        (R.INJURY_OR_HAZARD,),
        parallel=(Step.BEYOND,),
        alternative=Step.CONSUMER_ASSOCIATION,
        case={"injury_or_hazard": True},
    ),
    Scenario(
        "injury_with_12315_filed_adds_lawyer",
        "2026-03-10 09:00",
        [filed("2026-03-09 10:00")],
        Step.REGULATOR_12315,
        WAIT,
        (R.INJURY_OR_HAZARD, R.REGULATOR_ACCEPT_RUNNING),
        then=Step.BEYOND,
        next_at="2026-03-18 24:00",
        parallel=(Step.BEYOND,),
        case={"injury_or_hazard": True},
    ),
    Scenario(
        "injury_after_three_years_lawyer_only",
        "2026-03-10 09:00",
        [],
        Step.BEYOND,
        ACT,
        (R.INJURY_OR_HAZARD, R.REGULATOR_LIMIT_PASSED, R.LAWSUIT_LIMIT_PASSED),
        case={"injury_or_hazard": True, "knew_of_harm_at": local("2022-06-01 10:00")},
    ),
    # --- the 3-year limit ----------------------------------------------------------------------
    Scenario(
        "ruled_against_after_3_years_no_12315",
        "2026-03-10 09:00",
        [intervention("2026-03-01 10:00"), ruled("2026-03-05 10:00", Ruling.AGAINST)],
        Step.BEYOND,
        ACT,
        (R.RULED_AGAINST, R.REGULATOR_LIMIT_PASSED, R.LAWSUIT_LIMIT_PASSED),
        case={"knew_of_harm_at": local("2023-03-01 10:00")},
    ),
    Scenario(
        "ruled_against_one_day_inside_the_limit",
        "2026-03-09 09:00",
        [intervention("2026-03-01 10:00"), ruled("2026-03-05 10:00", Ruling.AGAINST)],
        Step.REGULATOR_12315,
        ACT,
        (R.RULED_AGAINST,),
        alternative=Step.CONSUMER_ASSOCIATION,
        case={"knew_of_harm_at": local("2023-03-10 10:00")},
    ),
    Scenario(
        "limit_from_signed_at_when_harm_date_unknown",
        "2026-03-10 09:00",
        [intervention("2026-03-01 10:00"), ruled("2026-03-05 10:00", Ruling.AGAINST)],
        Step.BEYOND,
        ACT,
        (R.RULED_AGAINST, R.REGULATOR_LIMIT_PASSED, R.LAWSUIT_LIMIT_PASSED),
        case={"signed_at": local("2023-01-05 10:00")},
    ),
    Scenario(
        "waiting_on_intervention_after_the_limit_then_beyond",
        "2026-03-07 10:00",
        INTERVENTION,
        Step.PLATFORM_INTERVENTION,
        WAIT,
        (R.INTERVENTION_WINDOW_RUNNING, R.REGULATOR_LIMIT_PASSED, R.LAWSUIT_LIMIT_PASSED),
        then=Step.BEYOND,
        next_at="2026-03-09 10:00",
        case={"knew_of_harm_at": local("2023-03-01 10:00")},
    ),
    # --- the clock: entries after now have not happened ----------------------------------------
    Scenario(
        "future_entries_are_ignored",
        "2026-03-03 09:00",
        [contacted("2026-03-03 10:00")],
        Step.SELLER,
        ACT,
        (R.NO_CONTACT_YET,),
    ),
    Scenario(
        "resolution_followed_by_a_ticket_reopens",
        "2026-03-09 10:00",
        [
            *CHAT,
            E.resolved(local("2026-03-04 10:00"), ResolvedOutcome.FULL_REFUND, 39800),
            ticket("2026-03-08 10:00"),
        ],
        Step.PLATFORM_TICKET,
        WAIT,
        (R.TICKET_WINDOW_RUNNING,),
        then=Step.PLATFORM_INTERVENTION,
        next_at="2026-03-11 10:00",
    ),
]


@pytest.mark.parametrize("s", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(s: Scenario) -> None:
    advice = s.advise()
    assert advice.step is s.step
    assert advice.action is s.action
    assert advice.reason_codes == s.reasons
    assert advice.then is s.then
    assert advice.next_step_at == (local(s.next_at) if s.next_at else None)
    assert advice.parallel == s.parallel
    assert advice.alternative is s.alternative
    assert advice.summary is None


def test_there_are_at_least_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


def by_name(name: str) -> Scenario:
    return next(s for s in SCENARIOS if s.name == name)
