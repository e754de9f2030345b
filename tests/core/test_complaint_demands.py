"""Demands: which fit a case, and their exact amounts in fen (domain.md §4).

Every rule in rules/compensation.toml has worked examples below; a rule without one fails
``test_every_rule_has_a_worked_example``. Amounts are written out by hand (398.00 yuan x 10 =
3980.00 yuan, plus the 398.00 refund = 4378.00), not recomputed with the code's formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopguard.complaints import (
    Channel,
    ComplaintFacts,
    DemandKind,
    DemandOption,
    ShopPromise,
    describe_calculation,
    excluded_demands,
    load_compensation_rules,
    parse_promise,
    propose_demands,
    suggest_reply_by,
)
from shopguard.complaints.compensation import read_compensation_file
from shopguard.deadlines.rules import RulesError
from shopguard.errors import InputError
from shopguard.money import MAX_AMOUNT_FEN
from shopguard.taxonomy import Category, Language, Platform, ProblemType


def facts(
    problem: ProblemType, category: Category | None = Category.GENERAL, **kw: object
) -> ComplaintFacts:
    return ComplaintFacts(platform=Platform.DOUYIN, problem_type=problem, category=category, **kw)  # type: ignore[arg-type]


def option(rule_id: str, case: ComplaintFacts) -> DemandOption:
    found = [o for o in propose_demands(case) if o.rule_id == rule_id]
    assert len(found) == 1, f"{rule_id} not proposed: {[o.rule_id for o in propose_demands(case)]}"
    return found[0]


@dataclass(frozen=True)
class Example:
    name: str
    rule_id: str
    facts: ComplaintFacts
    amount: int | None  # the total demanded, fen
    refund: int | None = None
    compensation: int | None = None
    asked: int | None = None  # with_amount() for a shopper-named amount


EXAMPLES = [
    # 食品安全法 Art. 148: refund + max(10 x price, 1000 yuan)
    Example("food 398 yuan: 10x above the minimum", "food_tenfold",
            facts(ProblemType.COUNTERFEIT, Category.FOOD, amount_paid_fen=39800),
            amount=437800, refund=39800, compensation=398000),
    Example("food 50 yuan: 10x = 500 is raised to 1000", "food_tenfold",
            facts(ProblemType.FOOD_SAFETY, None, amount_paid_fen=5000),
            amount=105000, refund=5000, compensation=100000),
    Example("food exactly 100 yuan: 10x equals the minimum", "food_tenfold",
            facts(ProblemType.QUALITY_DEFECT, Category.FRESH, amount_paid_fen=10000),
            amount=110000, refund=10000, compensation=100000),
    Example("food 99.99 yuan: 999.90 is raised to 1000", "food_tenfold",
            facts(ProblemType.FOOD_SAFETY, Category.FOOD, amount_paid_fen=9999),
            amount=109999, refund=9999, compensation=100000),
    # 消保法 Art. 55: refund + max(3 x price, 500 yuan)
    Example("fraud 398 yuan: 3x above the minimum", "fraud_triple",
            facts(ProblemType.COUNTERFEIT, amount_paid_fen=39800),
            amount=159200, refund=39800, compensation=119400),
    Example("fraud 99 yuan: 3x = 297 is raised to 500", "fraud_triple",
            facts(ProblemType.PRICE_DISPUTE, amount_paid_fen=9900),
            amount=59900, refund=9900, compensation=50000),
    Example("fraud 166.67 yuan: 3x = 500.01 just above the minimum", "fraud_triple",
            facts(ProblemType.COUNTERFEIT, amount_paid_fen=16667),
            amount=66668, refund=16667, compensation=50001),
    Example("false claims 1299 yuan", "fraud_false_claims",
            facts(ProblemType.NOT_AS_DESCRIBED, amount_paid_fen=129900),
            amount=519600, refund=129900, compensation=389700),
    Example("false claims 1 fen: the 500 yuan minimum", "fraud_false_claims",
            facts(ProblemType.NOT_AS_DESCRIBED, amount_paid_fen=1),
            amount=50001, refund=1, compensation=50000),
    # shop promises, as they read
    Example("假一赔四: four times the price, refund included", "shop_promise",
            facts(ProblemType.COUNTERFEIT, amount_paid_fen=39800,
                  shop_promise=ShopPromise("假一赔四", 4)),
            amount=159200, refund=None, compensation=159200),
    Example("退一赔三: the refund plus three times", "shop_promise",
            facts(ProblemType.COUNTERFEIT, amount_paid_fen=12345,
                  shop_promise=ShopPromise("退一赔三", 3, plus_refund=True)),
            amount=49380, refund=12345, compensation=37035),
    # 价保: (unit price paid - current unit price) x quantity
    Example("价保: (299 - 259) x 2 = 80 yuan", "price_protect_difference",
            facts(ProblemType.PRICE_DROP, amount_paid_fen=59800, quantity=2,
                  current_unit_price_fen=25900),
            amount=8000, refund=8000),
    Example("价保 with an explicit unit price: (199.90 - 149.95) x 3", "price_protect_difference",
            facts(ProblemType.PRICE_DROP, amount_paid_fen=55970, quantity=3,
                  unit_price_fen=19990, current_unit_price_fen=14995),
            amount=14985, refund=14985),
    Example("价保 to a price of 0.01 yuan", "price_protect_difference",
            facts(ProblemType.PRICE_DROP, amount_paid_fen=100, current_unit_price_fen=1),
            amount=99, refund=99),
    # amounts the shopper names
    Example("oversold: a 30 yuan coupon", "oversold_substitute",
            facts(ProblemType.OVERSOLD, amount_paid_fen=29900), amount=3000, asked=3000),
    Example("partial refund of 50 yuan on 398", "partial_refund",
            facts(ProblemType.NOT_AS_DESCRIBED, amount_paid_fen=39800), amount=5000, asked=5000),
    # refunds: the amount paid
    Example("quality: return and refund", "refund_nonconforming",
            facts(ProblemType.QUALITY_DEFECT, amount_paid_fen=39800), amount=39800, refund=39800),
    Example("damaged in transit", "refund_transit",
            facts(ProblemType.DAMAGED_IN_TRANSIT, amount_paid_fen=8990), amount=8990, refund=8990),
    Example("logistics stall: cancel and refund", "refund_undelivered",
            facts(ProblemType.LOGISTICS, amount_paid_fen=4990), amount=4990, refund=4990),
    Example("refund not received after the return", "refund_return_overdue",
            facts(ProblemType.REFUND_NOT_RECEIVED, amount_paid_fen=25600), amount=25600,
            refund=25600),
    Example("seller unresponsive", "refund_general",
            facts(ProblemType.SELLER_UNRESPONSIVE, amount_paid_fen=1), amount=1, refund=1),
    Example("exchange: no money", "exchange",
            facts(ProblemType.QUALITY_DEFECT, amount_paid_fen=39800), amount=None),
]  # fmt: skip


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_exact_amounts(example: Example) -> None:
    chosen = option(example.rule_id, example.facts)
    if example.asked is not None:
        assert chosen.amount_fen is None and chosen.needs == ("asked_amount",)
        chosen = chosen.with_amount(example.asked)
    assert chosen.amount_fen == example.amount
    assert chosen.refund_fen == example.refund
    assert chosen.compensation_fen == example.compensation
    for value in (chosen.amount_fen, chosen.refund_fen, chosen.compensation_fen):
        assert value is None or type(value) is int  # never a float, never a Decimal
    if chosen.amount_fen is not None:
        assert chosen.needs == ()


def test_every_rule_has_a_worked_example() -> None:
    assert {rule.id for rule in load_compensation_rules()} == {e.rule_id for e in EXAMPLES}


def test_every_rule_has_a_source_and_confidence() -> None:
    for rule in load_compensation_rules():
        assert rule.source.strip() and rule.source_en.strip()
        assert rule.confidence in ("high", "medium", "low")


@pytest.mark.parametrize(
    ("problem", "category", "expected"),
    [
        # milk powder is food: 10x (食品安全法 Art. 148) first, 3x fraud as the alternative
        (ProblemType.COUNTERFEIT, Category.FOOD,
         ["food_tenfold", "fraud_triple", "refund_nonconforming"]),
        (ProblemType.COUNTERFEIT, Category.COSMETICS, ["fraud_triple", "refund_nonconforming"]),
        (ProblemType.FOOD_SAFETY, None, ["food_tenfold", "refund_nonconforming"]),
        (ProblemType.QUALITY_DEFECT, Category.FOOD,
         ["food_tenfold", "refund_nonconforming", "partial_refund", "exchange"]),
        (ProblemType.QUALITY_DEFECT, Category.ELECTRONICS,
         ["refund_nonconforming", "partial_refund", "exchange"]),
        (ProblemType.NOT_AS_DESCRIBED, Category.CLOTHING,
         ["refund_nonconforming", "fraud_false_claims", "partial_refund", "exchange"]),
        (ProblemType.PRICE_DROP, Category.ELECTRONICS, ["price_protect_difference"]),
        (ProblemType.OVERSOLD, Category.CLOTHING, ["oversold_substitute", "refund_undelivered"]),
        (ProblemType.LOGISTICS, None, ["refund_undelivered"]),
        (ProblemType.DAMAGED_IN_TRANSIT, None, ["refund_transit", "partial_refund", "exchange"]),
        (ProblemType.MISSING_OR_WRONG_ITEM, None,
         ["refund_nonconforming", "partial_refund", "exchange"]),
        (ProblemType.REFUND_NOT_RECEIVED, None, ["refund_return_overdue"]),
        (ProblemType.SELLER_UNRESPONSIVE, None, ["refund_general"]),
        (ProblemType.PRICE_DISPUTE, None, ["fraud_triple", "refund_general", "partial_refund"]),
        (ProblemType.OTHER, None, ["refund_general"]),
    ],
)  # fmt: skip
def test_options_fit_the_problem(
    problem: ProblemType, category: Category | None, expected: list[str]
) -> None:
    case = facts(problem, category, amount_paid_fen=39800, current_unit_price_fen=100)
    assert [o.rule_id for o in propose_demands(case)] == expected


@pytest.mark.parametrize("problem", list(ProblemType))
@pytest.mark.parametrize("category", [None, *Category])
def test_every_case_gets_a_demand(problem: ProblemType, category: Category | None) -> None:
    assert propose_demands(facts(problem, category))


def test_shop_promise_is_proposed_only_with_a_promise() -> None:
    without = facts(ProblemType.COUNTERFEIT, amount_paid_fen=39800)
    with_promise = facts(
        ProblemType.COUNTERFEIT, amount_paid_fen=39800, shop_promise=ShopPromise("假一赔四", 4)
    )
    assert "shop_promise" not in [o.rule_id for o in propose_demands(without)]
    chosen = option("shop_promise", with_promise)
    assert chosen.promise_text == "假一赔四"
    assert describe_calculation(chosen, Language.ZH) == "398.00元 × 4 = 1592.00元"


def test_price_difference_is_not_for_subsidy_prices() -> None:
    case = facts(
        ProblemType.PRICE_DROP, amount_paid_fen=59800, current_unit_price_fen=25900,
        subsidy_price=True,
    )  # fmt: skip
    assert propose_demands(case) == []
    (excluded,) = excluded_demands(case)
    assert excluded.rule_id == "price_protect_difference"
    assert "补贴" in excluded.reason_zh and "ubsid" in excluded.reason_en


@pytest.mark.parametrize("now", [29900, 30000])
def test_no_difference_when_the_price_did_not_drop(now: int) -> None:
    case = facts(ProblemType.PRICE_DROP, amount_paid_fen=29900, current_unit_price_fen=now)
    assert propose_demands(case) == []
    assert [e.rule_id for e in excluded_demands(case)] == ["price_protect_difference"]


def test_price_difference_names_what_it_needs() -> None:
    # 599.01 yuan for 2 is not a whole fen per unit: the unit price must be given
    odd = option(
        "price_protect_difference", facts(ProblemType.PRICE_DROP, amount_paid_fen=59901, quantity=2)
    )
    assert odd.amount_fen is None
    assert odd.needs == ("unit_price_fen", "current_unit_price_fen")
    assert describe_calculation(odd, Language.EN) == "(unit price paid − current price) × quantity"


def test_unknown_price_paid_leaves_the_amount_open() -> None:
    chosen = option("fraud_triple", facts(ProblemType.COUNTERFEIT))
    assert chosen.amount_fen is None and chosen.compensation_fen is None
    assert chosen.needs == ("amount_paid_fen",)
    assert describe_calculation(chosen, Language.ZH) == "价款 × 3"


def test_calculations_are_shown_exactly() -> None:
    food = option("food_tenfold", facts(ProblemType.FOOD_SAFETY, amount_paid_fen=5000))
    assert describe_calculation(food, Language.ZH) == (
        "赔偿金 50.00元 × 10 = 500.00元，不足1000.00元，按1000.00元计；"
        "合计 = 货款50.00元 + 赔偿金1000.00元 = 1050.00元"
    )
    assert describe_calculation(food, Language.EN) == (
        "compensation ¥50.00 × 10 = ¥500.00, below the ¥1,000.00 minimum, so ¥1,000.00; "
        "total = price ¥50.00 + compensation ¥1,000.00 = ¥1,050.00"
    )


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_FEN))
def test_statutory_compensation_never_below_its_floor(paid: int) -> None:
    food = option("food_tenfold", facts(ProblemType.FOOD_SAFETY, amount_paid_fen=paid))
    fraud = option("fraud_triple", facts(ProblemType.COUNTERFEIT, amount_paid_fen=paid))
    assert food.compensation_fen is not None and fraud.compensation_fen is not None
    assert food.compensation_fen >= 100000 and food.compensation_fen >= 10 * paid
    assert food.compensation_fen in (100000, 10 * paid)
    assert fraud.compensation_fen >= 50000 and fraud.compensation_fen in (50000, 3 * paid)
    assert food.amount_fen == paid + food.compensation_fen


def test_asked_amounts_are_checked() -> None:
    partial = option("partial_refund", facts(ProblemType.QUALITY_DEFECT, amount_paid_fen=39800))
    assert partial.amount_cap_fen == 39799
    assert partial.with_amount(39799).amount_fen == 39799
    with pytest.raises(InputError) as err:
        partial.with_amount(39800)  # the whole price is a full refund, not a partial one
    assert err.value.code == "demand.amount_range" and err.value.params == {"max": 39799}
    with pytest.raises(InputError):
        partial.with_amount(0)
    with pytest.raises(TypeError):
        partial.with_amount(12.5)  # type: ignore[arg-type]
    refund = option("refund_nonconforming", facts(ProblemType.QUALITY_DEFECT, amount_paid_fen=1))
    with pytest.raises(InputError) as err:
        refund.with_amount(1)
    assert err.value.code == "demand.not_asked"


def test_exchange_has_no_money() -> None:
    exchange = option("exchange", facts(ProblemType.QUALITY_DEFECT, amount_paid_fen=39800))
    assert exchange.kind == DemandKind.EXCHANGE and not exchange.has_money


@pytest.mark.parametrize(
    ("text", "multiplier", "plus_refund"),
    [("假一赔四", 4, False), ("本店承诺：假一赔十！", 10, False), ("退一赔三", 3, True),
     ("假一赔十二", 12, False), ("假一赔3", 3, False), ("坏一赔两", 2, False)],
)  # fmt: skip
def test_parse_promise(text: str, multiplier: int, plus_refund: bool) -> None:
    promise = parse_promise(text)
    assert promise is not None
    assert (promise.multiplier, promise.plus_refund) == (multiplier, plus_refund)


@pytest.mark.parametrize("text", ["正品保障", "假一赔零", "七天无理由"])
def test_parse_promise_refuses_other_text(text: str) -> None:
    assert parse_promise(text) is None


def test_suggested_reply_deadlines_follow_the_platform_rules() -> None:
    sent = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    assert suggest_reply_by(Channel.SELLER_CHAT, "jd", sent) == datetime(
        2026, 11, 2, 2, 0, tzinfo=UTC
    )
    assert suggest_reply_by(Channel.SELLER_CHAT, "douyin", sent) == datetime(
        2026, 11, 3, 2, 0, tzinfo=UTC
    )
    assert suggest_reply_by(Channel.PLATFORM_TICKET, "douyin", sent) == datetime(
        2026, 11, 4, 2, 0, tzinfo=UTC
    )
    assert suggest_reply_by(Channel.REGULATOR_12315, "douyin", sent) is None


def test_facts_refuse_floats_and_naive_times() -> None:
    with pytest.raises(TypeError):
        facts(ProblemType.OTHER, amount_paid_fen=398.0)
    with pytest.raises(ValueError):
        facts(ProblemType.OTHER, amount_paid_fen=0)
    with pytest.raises(ValueError):
        facts(ProblemType.OTHER, ordered_at=datetime(2026, 11, 1, 10, 0))
    with pytest.raises(ValueError):
        facts(ProblemType.OTHER, quantity=0)


# --- the rules file is checked when read -----------------------------------------------------

GOOD = """
[[demand]]
id = "x"
kind = "full_refund"
formula = "paid"
title_zh = "t"
title_en = "t"
ask_zh = "退款{amount}"
ask_en = "refund {amount}"
basis_zh = "b"
basis_en = "b"
source = "s"
source_en = "s"
confidence = "high"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "compensation.toml"
    path.write_text(text, "utf-8")
    return path


def test_a_minimal_rule_reads(tmp_path: Path) -> None:
    (rule,) = read_compensation_file(write(tmp_path, GOOD))
    assert rule.id == "x" and rule.fits("other", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('confidence = "high"', 'confidence = "sure"'), "confidence must be one of"),
        (('ask_en = "refund {amount}"', 'ask_en = "refund {amout}"'), "unknown template names"),
        (('ask_zh = "退款{amount}"', 'ask_zh = "退款"'), "ask_zh must say {amount}"),
        (('formula = "paid"', 'formula = "multiple"'), "needs multiplier and minimum_fen"),
        (('formula = "paid"', 'formula = "asked"'), "asked_label_zh"),
        (('formula = "paid"', 'formula = "promise"'), "requires = ['shop_promise']"),
        (('kind = "full_refund"', 'kind = "refund"'), "kind must be one of"),
        (('id = "x"', 'id = "x"\nmultiplier = 3'), "belong to formula multiple"),
        (('id = "x"', 'id = "x"\nexclude_if = ["subsidy_price"]'), "exclusion_reason"),
        (('id = "x"', 'id = "x"\nwhen = [{problems = ["late"]}]'), "unknown values ['late']"),
        (('id = "x"', 'id = "x"\ncolour = "red"'), "unknown keys ['colour']"),
    ],
)
def test_malformed_rules_name_the_file_and_rule(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(RulesError) as err:
        read_compensation_file(write(tmp_path, GOOD.replace(*change)))
    assert "compensation.toml: demand 'x'" in str(err.value)
    assert message in str(err.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="duplicate id"):
        read_compensation_file(write(tmp_path, GOOD + GOOD))


def test_no_partial_refund_is_offered_when_nothing_less_than_the_price_exists() -> None:
    facts = ComplaintFacts(
        platform=Platform.DOUYIN, problem_type=ProblemType.NOT_AS_DESCRIBED, amount_paid_fen=1
    )
    kinds = [option.kind for option in propose_demands(facts)]
    assert DemandKind.PARTIAL_REFUND not in kinds
    assert DemandKind.FULL_REFUND in kinds
