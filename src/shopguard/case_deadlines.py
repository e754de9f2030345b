"""A stored case → the facts the deadline rules read (:class:`~shopguard.deadlines.CaseFacts`).

Every start moment of the rules is a ``Case`` column of the same name, and so are the shop's
promises; this module is the one place that says so (and is checked against the rules' list
of start facts, so a new start fact cannot be forgotten here).
"""

from __future__ import annotations

from typing import Final, get_args

from shopguard.db.models import Case
from shopguard.deadlines import CaseFacts, DeadlineReport, PriceProtectFrom, compute_deadlines
from shopguard.deadlines.rules import START_FACTS

PRICE_PROTECT_FROM: Final[tuple[PriceProtectFrom, ...]] = get_args(PriceProtectFrom)
PROMISE_FACTS: Final = (
    "return_days_promise",
    "price_protect_days",
    "price_protect_from",
    "jd_self_operated",
)
DEADLINE_FACTS: Final[frozenset[str]] = frozenset(
    {*START_FACTS, *PROMISE_FACTS, "platform", "category", "problem_type"}
)
"""Case fields that change deadlines: editing one of them re-plans the case's reminders."""

assert all(name in Case.model_fields for name in DEADLINE_FACTS)


def case_facts(case: Case) -> CaseFacts:
    price_protect_from = next((p for p in PRICE_PROTECT_FROM if p == case.price_protect_from), None)
    return CaseFacts(
        platform=case.platform,
        category=case.category,
        problem_type=case.problem_type,
        **{fact: getattr(case, fact) for fact in START_FACTS},
        return_days_promise=case.return_days_promise,
        price_protect_days=case.price_protect_days,
        price_protect_from=price_protect_from,
        jd_self_operated=case.jd_self_operated,
    )


def case_deadlines(case: Case, tz: str) -> DeadlineReport:
    """The case's deadlines, exclusions and missing facts, counted in the shopper's zone."""
    return compute_deadlines(case_facts(case), tz)
