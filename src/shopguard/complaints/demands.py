"""Which demands fit a case, each with its exact amount in fen (domain.md §4).

The rules are data (``rules/compensation.toml``); this module only does the arithmetic, in
integers: statutory compensation is ``max(multiplier x price paid, minimum)`` (消保法 Art. 55:
3x, at least 500 yuan; 食品安全法 Art. 148: 10x, at least 1000 yuan), added to the refund of
the price; a 价保 difference is ``(unit price paid - current unit price) x quantity``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from shopguard.complaints.compensation import DemandRule, load_compensation_rules
from shopguard.complaints.model import Channel, ComplaintFacts, ShopPromise
from shopguard.complaints.options import Calculation, DemandKind, DemandOption
from shopguard.complaints.text import money
from shopguard.deadlines.rules import load_rules
from shopguard.taxonomy import Language


@dataclass(frozen=True)
class ExcludedDemand:
    """A demand that fits the problem but is ruled out by a fact, and why."""

    rule_id: str
    kind: DemandKind
    reason_zh: str
    reason_en: str


_NO_DROP: Final = (
    "同款当前价格不低于实付单价，没有差价可退。",
    "The current price is not lower than the unit price paid: there is no difference to refund.",
)


def propose_demands(
    facts: ComplaintFacts, rules: Sequence[DemandRule] | None = None
) -> list[DemandOption]:
    """The demands that fit the case's problem and category, in the rules file's order."""
    options: list[DemandOption] = []
    for rule in _fitting(facts, rules):
        if _exclusion(rule, facts) is None:
            option = _option(rule, facts)
            if option.amount_cap_fen is not None and option.amount_cap_fen < 1:
                continue  # nothing can be asked: a partial refund of a 0.01-yuan purchase
            options.append(option)
    return options


def excluded_demands(
    facts: ComplaintFacts, rules: Sequence[DemandRule] | None = None
) -> list[ExcludedDemand]:
    """The demands that would fit the problem but a fact rules out (a subsidy price …)."""
    excluded = (_exclusion(rule, facts) for rule in _fitting(facts, rules))
    return [item for item in excluded if item is not None]


def _fitting(facts: ComplaintFacts, rules: Sequence[DemandRule] | None) -> list[DemandRule]:
    rules = load_compensation_rules() if rules is None else rules
    fitting = []
    for rule in rules:
        if not rule.fits(facts.problem_type, facts.category):
            continue
        if "shop_promise" in rule.requires and facts.shop_promise is None:
            continue
        fitting.append(rule)
    return fitting


def _exclusion(rule: DemandRule, facts: ComplaintFacts) -> ExcludedDemand | None:
    if "subsidy_price" in rule.exclude_if and facts.subsidy_price:
        assert rule.exclusion_reason_zh is not None and rule.exclusion_reason_en is not None
        return ExcludedDemand(
            rule.id, rule.kind, rule.exclusion_reason_zh, rule.exclusion_reason_en
        )
    if rule.formula == "price_difference":
        paid, now = facts.paid_unit_fen, facts.current_unit_price_fen
        if paid is not None and now is not None and now >= paid:
            return ExcludedDemand(rule.id, rule.kind, *_NO_DROP)
    return None


@dataclass(frozen=True)
class _Amounts:
    amount: int | None = None
    refund: int | None = None
    compensation: int | None = None
    calculation: Calculation | None = None
    needs: tuple[str, ...] = ()
    cap: int | None = None


def _amounts(rule: DemandRule, facts: ComplaintFacts) -> _Amounts:
    paid = facts.amount_paid_fen
    if rule.formula == "paid":
        return _Amounts(paid, paid, needs=() if paid is not None else ("amount_paid_fen",))
    if rule.formula == "asked":
        partial = rule.kind == DemandKind.PARTIAL_REFUND and paid is not None
        # a partial refund is less than the price (a full one is another demand)
        return _Amounts(needs=("asked_amount",), cap=paid - 1 if partial and paid else None)
    if rule.formula == "price_difference":
        return _price_difference(facts)
    if rule.formula in ("multiple", "promise"):
        return _multiple(rule, facts)
    return _Amounts()  # "none": an exchange


def _price_difference(facts: ComplaintFacts) -> _Amounts:
    unit_paid, unit_now = facts.paid_unit_fen, facts.current_unit_price_fen
    calculation = Calculation(
        "price_difference", unit_paid_fen=unit_paid, unit_now_fen=unit_now, quantity=facts.quantity
    )
    if unit_paid is None or unit_now is None:
        known = (("unit_price_fen", unit_paid), ("current_unit_price_fen", unit_now))
        needs = tuple(name for name, value in known if value is None)
        return _Amounts(calculation=calculation, needs=needs)
    difference = (unit_paid - unit_now) * facts.quantity
    return _Amounts(difference, difference, calculation=calculation)


def _multiple(rule: DemandRule, facts: ComplaintFacts) -> _Amounts:
    """Statutory multiples (minimum included) and shop promises, with or without the refund."""
    paid = facts.amount_paid_fen
    multiplier, minimum, plus_refund = _multiple_terms(rule, facts.shop_promise)
    calculation = Calculation(
        rule.formula,
        paid_fen=paid,
        multiplier=multiplier,
        minimum_fen=minimum,
        plus_refund=plus_refund,
    )
    if paid is None:
        return _Amounts(calculation=calculation, needs=("amount_paid_fen",))
    compensation = max(paid * multiplier, minimum)
    refund = paid if plus_refund else None
    return _Amounts(compensation + (refund or 0), refund, compensation, calculation)


def _option(rule: DemandRule, facts: ComplaintFacts) -> DemandOption:
    amounts = _amounts(rule, facts)
    promise = facts.shop_promise if rule.formula == "promise" else None
    return DemandOption(
        rule_id=rule.id,
        kind=rule.kind,
        formula=rule.formula,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        ask_zh=rule.ask_zh,
        ask_en=rule.ask_en,
        basis_zh=rule.basis_zh,
        basis_en=rule.basis_en,
        source=rule.source,
        source_en=rule.source_en,
        confidence=rule.confidence,
        amount_fen=amounts.amount,
        refund_fen=amounts.refund,
        compensation_fen=amounts.compensation,
        calculation=amounts.calculation,
        needs=amounts.needs,
        asked_label_zh=rule.asked_label_zh,
        asked_label_en=rule.asked_label_en,
        amount_cap_fen=amounts.cap,
        promise_text=promise.text if promise else None,
        note_zh=rule.note_zh,
        note_en=rule.note_en,
    )


def _multiple_terms(rule: DemandRule, promise: ShopPromise | None) -> tuple[int, int, bool]:
    if rule.formula == "promise":
        assert promise is not None
        return promise.multiplier, 0, promise.plus_refund
    assert rule.multiplier is not None
    return rule.multiplier, rule.minimum_fen, rule.plus_refund


def describe_calculation(option: DemandOption, language: Language) -> str:
    """How the amount was computed, e.g. ``（299.00元 − 259.00元）× 2 = 80.00元``; the formula
    in words while a number is unknown; ``""`` for amounts that need no computation."""
    calc = option.calculation
    zh = language == Language.ZH
    if calc is None:
        return ""
    if calc.formula == "price_difference":
        if calc.unit_paid_fen is None or calc.unit_now_fen is None or option.amount_fen is None:
            return (
                "（实付单价 − 现价）× 数量"
                if zh
                else "(unit price paid − current price) × quantity"
            )
        paid, now = money(calc.unit_paid_fen, language), money(calc.unit_now_fen, language)
        total = money(option.amount_fen, language)
        if zh:
            return f"（{paid} − {now}）× {calc.quantity} = {total}"
        return f"({paid} − {now}) × {calc.quantity} = {total}"
    assert calc.multiplier is not None
    if calc.paid_fen is None or option.compensation_fen is None:
        return f"价款 × {calc.multiplier}" if zh else f"price × {calc.multiplier}"
    return _describe_multiple(calc, option, language)


def _describe_multiple(calc: Calculation, option: DemandOption, language: Language) -> str:
    zh = language == Language.ZH
    assert calc.paid_fen is not None and calc.multiplier is not None
    assert option.compensation_fen is not None and option.amount_fen is not None
    paid = money(calc.paid_fen, language)
    raw = money(calc.paid_fen * calc.multiplier, language)
    text = f"{paid} × {calc.multiplier} = {raw}"
    if calc.minimum_fen and calc.paid_fen * calc.multiplier < calc.minimum_fen:
        floor = money(calc.minimum_fen, language)
        text += f"，不足{floor}，按{floor}计" if zh else f", below the {floor} minimum, so {floor}"
    if not calc.plus_refund:
        return text
    comp, total = money(option.compensation_fen, language), money(option.amount_fen, language)
    if zh:
        return f"赔偿金 {text}；合计 = 货款{paid} + 赔偿金{comp} = {total}"
    return f"compensation {text}; total = price {paid} + compensation {comp} = {total}"


_PROMISE: Final = re.compile(
    r"(?P<kind>[假退坏])一赔(?P<n>十[一二三四五六七八九]?|[一二两三四五六七八九十]|\d{1,2})"
)
_NUMERALS: Final = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def parse_promise(text: str) -> ShopPromise | None:
    """A shop promise as it reads: "假一赔四" → 4x (refund included); "退一赔三" → refund + 3x."""
    match = _PROMISE.search(text)
    if match is None:
        return None
    number = match["n"]
    if number.isdigit():
        multiplier = int(number)
    elif number.startswith("十") and len(number) == 2:
        multiplier = 10 + _NUMERALS[number[1]]
    else:
        multiplier = _NUMERALS[number]
    if multiplier < 1:
        return None
    return ShopPromise(match.group(0), multiplier, plus_refund=match["kind"] == "退")


_REPLY_RULES: Final = {
    Channel.SELLER_CHAT: "seller_reply",
    Channel.PLATFORM_TICKET: "ticket_reply",
    Channel.MEDIATION: "ticket_reply",
}


def suggest_reply_by(channel: Channel, platform: str, sent_at: datetime) -> datetime | None:
    """A reply deadline to ask for: the platform's typical answer window from ``sent_at``
    (deadline rules ``seller_reply`` / ``ticket_reply``). None for 12315 and 黑猫, which run on
    their own clocks (see the deadlines rules)."""
    rule_id = _REPLY_RULES.get(channel)
    if rule_id is None:
        return None
    rule = load_rules(platform).get(rule_id)
    if rule.counting != "hours":
        return None
    return sent_at + timedelta(hours=rule.amount)
