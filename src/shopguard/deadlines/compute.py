"""A case's facts → its deadlines, exclusions and missing facts (pure: no clock, no I/O).

For every rule of the case's platform (:func:`~shopguard.deadlines.rules.load_rules`):

1. the rule must fit the problem and category (``applies_to_*``), else it is skipped;
2. an excluded category (fresh goods and the 7-day no-reason return …) gives an
   :class:`Exclusion` that says why;
3. the start moment is chosen (a JD self-operated / third-party variant, or the shopper's
   ``price_protect_from``); when the case does not know it, the rule is :class:`Missing`;
4. the amount is the rule's, or the shop's promise (``return_days_promise`` counts only when
   longer than the law's 7 days; ``price_protect_days`` replaces the typical default);
5. the period is counted (:mod:`shopguard.deadlines.counting`) and the confidence lowered
   where a fact is only a default (unconfirmed start, typical amount, unknown holiday year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopguard.deadlines.counting import Count, count_period, is_date_only
from shopguard.deadlines.rules import Confidence, Counting, Kind, Rule, StartFact, load_rules

PriceProtectFrom = Literal["order", "signed"]

FACT_LABELS: Final[Mapping[StartFact, tuple[str, str]]] = {
    "ordered_at": ("下单时间", "the order time"),
    "paid_at": ("付款时间", "the payment time"),
    "signed_at": ("签收时间", "the time you signed for the goods (签收)"),
    "return_requested_at": ("申请退货的时间", "when you requested the return"),
    "return_received_at": ("卖家签收退货的时间", "when the seller signed for the return"),
    "seller_contacted_at": ("联系卖家的时间", "when you contacted the seller"),
    "dispute_opened_at": ("发起售后纠纷的时间", "when the dispute was opened"),
    "seller_refused_at": ("卖家拒绝的时间", "when the seller refused"),
    "ticket_filed_at": ("提交工单的时间", "when the ticket was filed"),
    "complaint_12315_filed_at": ("提交12315投诉的时间", "when the 12315 complaint was filed"),
    "complaint_12315_accepted_at": ("12315受理的时间", "when 12315 accepted the complaint"),
    "knew_of_harm_at": ("知道权益受损的时间", "when you learned of the harm"),
    "last_tracking_at": ("最后一条物流信息的时间", "the last tracking event"),
}
"""What each start fact is called, (zh, en): for "please tell me …" prompts."""

AWAITING_EVENTS: Final[frozenset[StartFact]] = frozenset(
    {
        "return_requested_at",
        "return_received_at",
        "seller_contacted_at",
        "dispute_opened_at",
        "seller_refused_at",
        "ticket_filed_at",
        "complaint_12315_filed_at",
        "complaint_12315_accepted_at",
    }
)
"""Start facts that are steps of the dispute: unknown usually means "has not happened yet"."""

_PROMISE_STARTS: Final[Mapping[PriceProtectFrom, StartFact]] = {
    "order": "ordered_at",
    "signed": "signed_at",
}
_RANK: Final[Mapping[Confidence, int]] = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class CaseFacts:
    """What is known about a case. Every moment is an aware instant (stored as UTC); a date
    known without its time is local midnight in the shopper's zone, as the date parser gives.
    """

    platform: str
    category: str | None
    problem_type: str
    ordered_at: datetime | None = None
    paid_at: datetime | None = None
    signed_at: datetime | None = None
    return_requested_at: datetime | None = None
    return_received_at: datetime | None = None  # the seller signed for the returned goods
    seller_contacted_at: datetime | None = None
    dispute_opened_at: datetime | None = None
    seller_refused_at: datetime | None = None
    ticket_filed_at: datetime | None = None
    complaint_12315_filed_at: datetime | None = None
    complaint_12315_accepted_at: datetime | None = None
    knew_of_harm_at: datetime | None = None
    last_tracking_at: datetime | None = None
    return_days_promise: int | None = None  # the shop's no-reason return days (e.g. 15)
    price_protect_days: int | None = None  # the shop's 价保 period in days
    price_protect_from: PriceProtectFrom | None = None  # 价保 counted from order or 签收
    jd_self_operated: bool | None = None  # JD 自营 (True) or a third-party shop (False)

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, datetime):
                if value.tzinfo is None or value.utcoffset() is None:
                    raise ValueError(f"{field.name} must be an aware datetime")
                object.__setattr__(self, field.name, value.astimezone(UTC))
        for name in ("return_days_promise", "price_protect_days"):
            days = getattr(self, name)
            if days is not None and (isinstance(days, bool) or days <= 0):
                raise ValueError(f"{name} must be a positive number of days")
        if self.price_protect_from not in (None, *_PROMISE_STARTS):
            raise ValueError(
                f"price_protect_from must be 'order' or 'signed', not {self.price_protect_from!r}"
            )

    def moment(self, fact: StartFact) -> datetime | None:
        value = getattr(self, fact)
        return value if isinstance(value, datetime) else None


@dataclass(frozen=True)
class Deadline:
    rule_id: str
    title_zh: str
    title_en: str
    due_at: datetime  # aware UTC, the conservative moment (remind before this)
    legal_due_at: datetime  # aware UTC, the law's reading with the holiday extension
    starts_at: datetime  # aware UTC, the event that started the clock
    start_fact: StartFact
    counting: Counting
    amount: int  # after any shop promise
    kind: Kind  # act_by: the shopper acts before it; wait_for: the next step opens after it
    confidence: Confidence
    source: str
    note_zh: str | None
    note_en: str | None
    reminds: bool
    start_time_known: bool  # False: only the date of the start event is known
    holiday_calendar_known: bool  # False: a year outside chinese_calendar was involved

    @property
    def typical(self) -> bool:
        """Shown as "typical, check your order page", never as law."""
        return self.confidence == "low"


@dataclass(frozen=True)
class Exclusion:
    rule_id: str
    title_zh: str
    title_en: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class Missing:
    """A rule that applies but whose start moment the case does not know."""

    rule_id: str
    title_zh: str
    title_en: str
    fact: StartFact
    awaiting_event: bool  # the fact is a dispute step that may simply not have happened yet


@dataclass(frozen=True)
class DeadlineReport:
    deadlines: tuple[Deadline, ...]  # sorted by due_at, then rule id
    exclusions: tuple[Exclusion, ...]
    missing: tuple[Missing, ...]

    def get(self, rule_id: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.rule_id == rule_id), None)


def compute_deadlines(facts: CaseFacts, tz: str) -> DeadlineReport:
    """Every deadline the rules of ``facts.platform`` give for this case, in zone ``tz``."""
    zone = _zone(tz)
    deadlines: list[Deadline] = []
    exclusions: list[Exclusion] = []
    missing: list[Missing] = []
    for rule in load_rules(facts.platform):
        if not _applies(rule, facts):
            continue
        if facts.category is not None and facts.category in rule.excluded_categories:
            exclusions.append(_exclusion(rule))
            continue
        result = _deadline(rule, facts, zone)
        if isinstance(result, Deadline):
            deadlines.append(result)
        else:
            missing.append(
                Missing(
                    rule_id=rule.id,
                    title_zh=rule.title_zh,
                    title_en=rule.title_en,
                    fact=result,
                    awaiting_event=result in AWAITING_EVENTS,
                )
            )
    deadlines.sort(key=lambda d: (d.due_at, d.rule_id))
    return DeadlineReport(tuple(deadlines), tuple(exclusions), tuple(missing))


def upcoming(report: DeadlineReport, now: datetime) -> list[Deadline]:
    """The deadlines still ahead of ``now``, soonest first."""
    _check_aware(now)
    return sorted((d for d in report.deadlines if d.due_at > now), key=lambda d: d.due_at)


def time_left(deadline: Deadline, now: datetime) -> timedelta:
    """Time until the conservative due moment; negative once it has passed."""
    _check_aware(now)
    return deadline.due_at - now


# --- one rule --------------------------------------------------------------------------------


def _applies(rule: Rule, facts: CaseFacts) -> bool:
    if rule.applies_to_problems and facts.problem_type not in rule.applies_to_problems:
        return False
    return not rule.applies_to_categories or facts.category in rule.applies_to_categories


def _exclusion(rule: Rule) -> Exclusion:
    assert rule.exclusion_reason_zh is not None and rule.exclusion_reason_en is not None
    return Exclusion(
        rule_id=rule.id,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        reason_zh=rule.exclusion_reason_zh,
        reason_en=rule.exclusion_reason_en,
    )


def _deadline(rule: Rule, facts: CaseFacts, zone: ZoneInfo) -> Deadline | StartFact:
    """The deadline, or the start fact it still needs."""
    variant = None
    if facts.jd_self_operated is not None:
        variant = rule.self_operated if facts.jd_self_operated else rule.third_party
    confidence = (variant.confidence if variant else None) or rule.confidence
    start_fact, start_settled = rule.starts, rule.start_confirmed
    if variant is not None and variant.starts is not None:
        start_fact, start_settled = variant.starts, True
    if rule.start_from_promise and facts.price_protect_from is not None:
        start_fact, start_settled = _PROMISE_STARTS[facts.price_protect_from], True
    start = facts.moment(start_fact)
    if start is None:
        return start_fact

    amount, promised = _amount(rule, facts)
    time_known = not is_date_only(start, zone)
    count = count_period(rule.counting, start, amount, zone, time_known=time_known)
    unknown_working_days = bool(count.unknown_years) and rule.counting == "working_days"
    if not start_settled or (rule.typical_amount and promised is None) or unknown_working_days:
        confidence = "low"

    notes = _Notes()
    notes.add(rule.note_zh, rule.note_en)
    if variant is not None:
        notes.add(variant.note_zh, variant.note_en)
    _promise_note(notes, rule, amount, promised)
    if rule.counting == "calendar_days" and not time_known:
        notes.add(
            "只知道起算日期、不知道具体时间：按日计算到最后一日24:00；"
            f"按系统时间（{amount}×24小时）计算的平台可能在当天更早截止，请以订单页为准。",
            "Only the date the clock starts is known, not the time: counted to 24:00 of the "
            f"last day; a platform counting {amount}×24 h from its system timestamp may close "
            "earlier that day — check your order page.",
        )
    _calendar_note(notes, count, rule.counting)
    return Deadline(
        rule_id=rule.id,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        due_at=count.due_at,
        legal_due_at=count.legal_due_at,
        starts_at=start,
        start_fact=start_fact,
        counting=rule.counting,
        amount=amount,
        kind=rule.kind,
        confidence=confidence,
        source=(variant.source if variant else None) or rule.source,
        note_zh=notes.zh,
        note_en=notes.en,
        reminds=rule.reminds,
        start_time_known=time_known,
        holiday_calendar_known=not count.unknown_years,
    )


def _amount(rule: Rule, facts: CaseFacts) -> tuple[int, int | None]:
    """(the amount to count, the shop's promise when it was used)."""
    if rule.promise is None:
        return rule.amount, None
    promise: int | None = getattr(facts, rule.promise)
    if promise is None:
        return rule.amount, None
    if rule.promise_mode == "longer" and promise <= rule.amount:
        return rule.amount, None
    return promise, promise


def _promise_note(notes: _Notes, rule: Rule, amount: int, promised: int | None) -> None:
    if promised is None:
        return
    if rule.promise_mode == "longer":
        notes.add(
            f"按店铺承诺的{amount}天计算（法定为{rule.amount}天）。",
            f"Counted with the shop's promise of {amount} days (by law: {rule.amount}).",
        )
    else:
        notes.add(
            f"按店铺承诺的{amount}天计算。", f"Counted with the shop's promise of {amount} days."
        )


def _calendar_note(notes: _Notes, count: Count, counting: Counting) -> None:
    if not count.unknown_years:
        return
    years_zh = "、".join(str(year) for year in count.unknown_years)
    years_en = ", ".join(str(year) for year in count.unknown_years)
    if counting == "working_days":
        notes.add(
            f"{years_zh}年的法定节假日安排尚不可知：工作日暂按周一至周五推算。",
            f"China's holiday calendar for {years_en} is not known yet: working days are "
            "estimated as Monday to Friday.",
        )
    else:
        notes.add(
            f"{years_zh}年的法定节假日安排尚不可知：最后一日遇休假日顺延，暂只按周末推算。",
            f"China's holiday calendar for {years_en} is not known yet: the legal extension "
            "of a last day that falls on a rest day counts weekends only.",
        )


class _Notes:
    def __init__(self) -> None:
        self._zh: list[str] = []
        self._en: list[str] = []

    def add(self, zh: str | None, en: str | None) -> None:
        if zh is not None and en is not None:
            self._zh.append(zh)
            self._en.append(en)

    @property
    def zh(self) -> str | None:
        return "".join(self._zh) or None

    @property
    def en(self) -> str | None:
        return " ".join(self._en) or None


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
