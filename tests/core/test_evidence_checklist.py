"""Checklists per problem type (domain.md §6): coverage, completeness, ticks, the rules file."""

from __future__ import annotations

import pytest

from shopguard.evidence.checklist import Tally, evaluate, tally_completeness
from shopguard.evidence.rules import RulesError, evidence_rules, parse_rules
from shopguard.evidence.unboxing import unboxing_matters, weaknesses
from shopguard.taxonomy import ProblemType


def test_every_problem_type_has_a_checklist_with_source_and_confidence() -> None:
    rules = evidence_rules()
    assert set(rules.checklists) == {p.value for p in ProblemType}
    for checklist in rules.checklists.values():
        assert checklist.source.strip()
        assert checklist.confidence in ("high", "medium", "low")
        assert any(item.required for item in checklist.items)
    assert rules.unboxing.confidence == "low"  # industry practice: advice, not law


def numbered(*kinds: str | None) -> list[tuple[int, str | None]]:
    return [(n, kind) for n, kind in enumerate(kinds, 1)]


# Completeness grows as evidence arrives: (problem, evidence kinds added one by one, expected
# required-covered after each).
GROWTH = [
    (
        "not_as_described",
        ["chat_record", "order_page", "product_photo", "unboxing_video"],
        [0, 1, 2, 3],
    ),
    ("counterfeit", ["order_page", "label_photo", "label_photo", "product_photo"], [1, 2, 2, 3]),
    ("price_drop", ["price_screenshot", "price_screenshot"], [1, 2]),
    ("damaged_in_transit", ["unboxing_video", "tracking_page", "package_photo"], [1, 1, 2]),
    ("food_safety", ["payment_proof", "product_photo", "label_photo"], [1, 2, 3]),
]


@pytest.mark.parametrize(("problem", "kinds", "covered"), GROWTH, ids=[g[0] for g in GROWTH])
def test_completeness_grows_as_evidence_is_added(
    problem: str, kinds: list[str], covered: list[int]
) -> None:
    seen = [
        evaluate(problem, numbered(*kinds[:count])).completeness.required_covered
        for count in range(1, len(kinds) + 1)
    ]
    assert seen == covered
    final = evaluate(problem, numbered(*kinds)).completeness
    assert final.percent == 100 * covered[-1] // final.required_total
    assert evaluate(problem, []).completeness.percent == 0


def test_one_file_covers_one_item_two_prices_need_two_screenshots() -> None:
    one = evaluate("price_dispute", numbered("price_screenshot"))
    assert (one.completeness.required_covered, one.completeness.required_total) == (1, 2)
    two = evaluate("price_dispute", numbered("price_screenshot", "price_screenshot"))
    assert two.completeness.required_covered == 2
    assert two.completeness.recommended_covered == 0  # promotion rules still missing


def test_required_items_get_the_evidence_first() -> None:
    # A chat record could cover the recommended "chat record" or the required cancellation
    # notice: it goes to the required one.
    report = evaluate("oversold", numbered("chat_record", "order_page"))
    status = {s.item.id: s for s in report.statuses}
    assert status["cancellation_notice"].covered_by == 1
    assert status["order_page"].covered_by == 2
    assert not status["chat_record"].covered
    assert report.completeness.percent == 100


def test_matching_reroutes_so_both_items_are_covered() -> None:
    # price_charged accepts order_page or price_screenshot; price_promised only screenshots.
    report = evaluate("price_dispute", numbered("order_page", "price_screenshot"))
    status = {s.item.id: s.covered_by for s in report.statuses}
    assert status == {"price_promised": 2, "price_charged": 1, "promotion_rules": None}


def test_items_held_offline_are_ticked_and_unknown_ticks_ignored() -> None:
    report = evaluate(
        "counterfeit", numbered("order_page"), ticked=["inspection_report", "no_such_item"]
    )
    status = {s.item.id: s for s in report.statuses}
    assert status["inspection_report"].ticked and status["inspection_report"].covered
    assert report.completeness.recommended_covered == 1
    assert [s.item.id for s in report.missing()] == ["product_photos", "label_serial"]
    assert report.missing_kinds() == ["product_photo", "label_photo"]


def test_unclassified_evidence_covers_nothing_but_counts() -> None:
    report = evaluate("logistics", numbered(None, None))
    assert report.completeness.required_covered == 0
    assert report.completeness.evidence_count == 2


def test_tally_round_trip_and_card_completeness_match_the_full_evaluation() -> None:
    tally = Tally(
        {"order_page": 1, "label_photo": 2}, unclassified=1, ticked=("inspection_report",)
    )
    assert Tally.from_json(tally.to_json()) == tally
    assert tally.count == 4
    card = tally_completeness("counterfeit", tally.to_json())
    full = evaluate(
        "counterfeit",
        numbered("order_page", "label_photo", "label_photo", None),
        ticked=["inspection_report"],
    ).completeness
    assert card == full
    assert Tally.from_json("not json") == Tally({}, 0, ())


def test_unboxing_matters_where_the_checklist_asks_for_a_video() -> None:
    assert unboxing_matters("damaged_in_transit") and unboxing_matters("not_as_described")
    assert not unboxing_matters("price_drop") and not unboxing_matters("seller_unresponsive")
    assert weaknesses({"seal_intact": "no", "waybill_readable": "yes", "defect_closeup": "na"}) == [
        "seal_intact"
    ]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"type": "oversold", "confidence": "high", "item": []}, "missing source"),
        ({"type": "nope", "source": "x", "confidence": "high", "item": []}, "unknown problem"),
        (
            {
                "type": "oversold",
                "source": "x",
                "confidence": "high",
                "item": [{"id": "a", "level": "required", "kinds": ["selfie"]}],
            },
            "unknown kinds",
        ),
    ],
)
def test_a_malformed_rules_file_names_the_entry(broken: dict[str, object], message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_rules({"problem": [broken]})
