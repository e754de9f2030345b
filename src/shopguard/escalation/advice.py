"""The advisor's input (:class:`AdvisorCase`, :class:`EvidenceCoverage`) and output
(:class:`Advice`): frozen dataclasses, no database, no Telegram.

Every reason is machine-readable (a :class:`ReasonCode` and its parameters) and carries its
zh / en text; every moment is an aware UTC ``datetime``; money is integer fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from shopguard.deadlines.rules import Confidence
from shopguard.escalation.guide import Guide
from shopguard.escalation.steps import Action, DraftChannel, Step
from shopguard.escalation.timeline import ResolvedOutcome
from shopguard.evidence.kinds import EvidenceKind
from shopguard.taxonomy import Language, Platform, ProblemType

ParamValue = int | str | datetime


class ReasonCode(StrEnum):
    """Why the advisor recommends what it does; texts live in ``rules/escalation.toml``."""

    NO_CONTACT_YET = "no_contact_yet"
    SELF_SERVICE_FIRST = "self_service_first"
    PICKUP_WINDOW_RUNNING = "pickup_window_running"
    NO_PICKUP = "no_pickup"
    TRACKING_WINDOW_RUNNING = "tracking_window_running"
    TRACKING_STALLED = "tracking_stalled"
    SELLER_WINDOW_RUNNING = "seller_window_running"
    SELLER_WINDOW_ELAPSED = "seller_window_elapsed"
    SELLER_AGREED = "seller_agreed"
    SELLER_PARTIAL_OFFER = "seller_partial_offer"
    SELLER_REFUSED = "seller_refused"
    SELLER_STALLING = "seller_stalling"
    REQUEST_WINDOW_RUNNING = "request_window_running"
    REQUEST_WINDOW_ELAPSED = "request_window_elapsed"
    TICKET_WINDOW_RUNNING = "ticket_window_running"
    TICKET_WINDOW_ELAPSED = "ticket_window_elapsed"
    JD_INTERVENTION_OPENS = "jd_intervention_opens"
    JD_INTERVENTION_LIMIT_PASSED = "jd_intervention_limit_passed"
    INTERVENTION_WINDOW_RUNNING = "intervention_window_running"
    INTERVENTION_STALLED = "intervention_stalled"
    RULED_FOR_SHOPPER = "ruled_for_shopper"
    RULED_AGAINST = "ruled_against"
    RULED_PARTIAL = "ruled_partial"
    REGULATOR_ACCEPT_RUNNING = "regulator_accept_running"
    REGULATOR_ACCEPT_ELAPSED = "regulator_accept_elapsed"
    MEDIATION_RUNNING = "mediation_running"
    MEDIATION_ELAPSED = "mediation_elapsed"
    REGULATOR_CLOSED = "regulator_closed"
    ASSOCIATION_WINDOW_RUNNING = "association_window_running"
    ASSOCIATION_WINDOW_ELAPSED = "association_window_elapsed"
    COURT_HANDLES = "court_handles"
    REGULATOR_LIMIT_PASSED = "regulator_limit_passed"
    LAWSUIT_LIMIT_PASSED = "lawsuit_limit_passed"
    ASSOCIATION_HANDLES = "association_handles"
    COUNTERFEIT_PARALLEL = "counterfeit_parallel"
    FOOD_SAFETY_PARALLEL = "food_safety_parallel"
    INJURY_OR_HAZARD = "injury_or_hazard"
    CASE_RESOLVED = "case_resolved"
    # warnings (Advice.warnings)
    OFF_PLATFORM_REQUEST = "off_platform_request"
    OFF_PLATFORM_CONTACT = "off_platform_contact"
    BOTH_REGULATORS = "both_regulators"


@dataclass(frozen=True)
class AdvisorCase:
    """The case facts the advisor reads (the UI fills it from the ``Case`` row)."""

    platform: str
    problem_type: str
    category: str | None = None
    amount_fen: int | None = None  # price paid
    ordered_at: datetime | None = None
    paid_at: datetime | None = None
    signed_at: datetime | None = None  # 签收
    knew_of_harm_at: datetime | None = None  # starts the 12315 / lawsuit 3-year limits
    last_tracking_at: datetime | None = None
    injury_or_hazard: bool = False
    live_stream: bool = False  # bought in a live room (the guide asks for the live-room id)
    special_price: bool = False  # sold as 特价商品
    jd_self_operated: bool | None = None

    def __post_init__(self) -> None:
        if self.platform not in set(Platform):
            raise ValueError(f"unknown platform {self.platform!r}")
        if self.problem_type not in set(ProblemType):
            raise ValueError(f"unknown problem type {self.problem_type!r}")
        amount = self.amount_fen
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise ValueError("amount_fen must be a whole number of fen")
        if amount is not None and amount < 0:
            raise ValueError("amount_fen must not be negative")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                if value.tzinfo is None or value.utcoffset() is None:
                    raise ValueError(f"{f.name} must be an aware datetime")
                object.__setattr__(self, f.name, value.astimezone(UTC))


@dataclass(frozen=True)
class EvidenceCoverage:
    """What the evidence locker knows, as evidence kind ids (:class:`EvidenceKind` values).

    ``covered``: kinds the case holds at least one piece of (or the shopper ticked as held);
    ``missing_required`` / ``missing_recommended``: kinds that would close the problem
    checklist's open items, in the order to ask for them.
    """

    covered: frozenset[str] = frozenset()
    missing_required: tuple[str, ...] = ()
    missing_recommended: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        known = set(EvidenceKind)
        for name in ("covered", "missing_required", "missing_recommended"):
            unknown = sorted(set(getattr(self, name)) - known)
            if unknown:
                raise ValueError(f"{name}: unknown evidence kinds {unknown}")
        object.__setattr__(self, "covered", frozenset(self.covered))


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    params: Mapping[str, ParamValue]  # e.g. rule="seller_reply", elapsed_hours=52
    rule_id: str | None  # the deadline rule behind it, if any
    typical: bool  # low confidence: the text says "typical"
    text_zh: str
    text_en: str
    source: str
    confidence: Confidence

    def text(self, language: Language | str) -> str:
        return self.text_zh if Language(language) is Language.ZH else self.text_en


@dataclass(frozen=True)
class MissingEvidence:
    kind: str  # an EvidenceKind value; the UI names it (its evidence.need.* texts)
    required: bool
    for_step: Step | None  # None: the problem's own checklist; else the step that needs it


@dataclass(frozen=True)
class PrepItem:
    id: str
    text_zh: str
    text_en: str
    source: str
    confidence: Confidence

    def text(self, language: Language | str) -> str:
        return self.text_zh if Language(language) is Language.ZH else self.text_en


@dataclass(frozen=True)
class ActBy:
    """A limit the recommended step must beat (e.g. JD intervention, the 12315 3-year limit)."""

    rule_id: str
    due_at: datetime  # aware UTC, conservative
    title_zh: str
    title_en: str
    confidence: Confidence
    source: str


@dataclass(frozen=True)
class SourceRef:
    id: str  # a deadline rule id, or "escalation:<step or reason code>"
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class ResolutionSummary:
    outcome: ResolvedOutcome
    amount_recovered_fen: int
    amount_fen: int | None  # the price paid, when known
    started_at: datetime  # the first timeline entry
    resolved_at: datetime
    days_taken: int  # local calendar days from started_at to resolved_at


AdviceKind = Literal["advice", "summary"]


@dataclass(frozen=True)
class Advice:
    """The next step, why, what to prepare, where, and when the following step opens.

    ``action`` says whether to take ``step`` now (``act``) or wait on it (``wait``); while
    waiting, ``next_step_at`` is when ``then`` becomes appropriate (schedule "remind me then").
    A resolved case has ``step = none`` and a ``summary``, and nothing else.
    """

    step: Step
    action: Action
    next_step_at: datetime | None  # aware UTC
    then: Step | None  # the step that opens at next_step_at
    parallel: tuple[Step, ...]  # take these at the same time (shortcuts)
    alternative: Step | None  # 消协 instead of 12315 (never both)
    reasons: tuple[Reason, ...]
    warnings: tuple[Reason, ...]
    missing_evidence: tuple[MissingEvidence, ...]
    prepare: tuple[PrepItem, ...]
    drafts: tuple[DraftChannel, ...]
    guides: tuple[Guide, ...]  # zh and en, for step, parallel steps and then
    act_by: tuple[ActBy, ...]
    sources: tuple[SourceRef, ...]
    summary: ResolutionSummary | None = None

    @property
    def kind(self) -> AdviceKind:
        return "summary" if self.summary is not None else "advice"

    def guides_in(self, language: Language | str) -> tuple[Guide, ...]:
        lang = Language(language)
        return tuple(g for g in self.guides if g.language is lang)

    def reason(self, code: ReasonCode) -> Reason | None:
        return next((r for r in (*self.reasons, *self.warnings) if r.code is code), None)

    @property
    def reason_codes(self) -> tuple[ReasonCode, ...]:
        return tuple(r.code for r in self.reasons)
