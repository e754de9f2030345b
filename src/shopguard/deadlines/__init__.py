"""Deadlines from rules data: which clocks a case runs, when each ends, and how sure we are.

Pure core code: the rules are read from the packaged ``rules/*.toml`` files, the clock is
passed in (``upcoming`` / ``time_left`` take ``now``), every instant is aware UTC and local
days are counted in the shopper's IANA zone.
"""

from __future__ import annotations

from shopguard.deadlines.compute import (
    AWAITING_EVENTS,
    FACT_LABELS,
    CaseFacts,
    Deadline,
    DeadlineReport,
    Exclusion,
    Missing,
    PriceProtectFrom,
    compute_deadlines,
    time_left,
    upcoming,
)
from shopguard.deadlines.counting import Count, count_period
from shopguard.deadlines.rules import (
    Confidence,
    Counting,
    Kind,
    Rule,
    RulesError,
    RuleSet,
    StartFact,
    Variant,
    load_rules,
)

__all__ = [
    "AWAITING_EVENTS",
    "FACT_LABELS",
    "CaseFacts",
    "Confidence",
    "Count",
    "Counting",
    "Deadline",
    "DeadlineReport",
    "Exclusion",
    "Kind",
    "Missing",
    "PriceProtectFrom",
    "Rule",
    "RuleSet",
    "RulesError",
    "StartFact",
    "Variant",
    "compute_deadlines",
    "count_period",
    "load_rules",
    "time_left",
    "upcoming",
]
