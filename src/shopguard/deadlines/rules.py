"""Deadline rules as data: reading and checking ``rules/*.toml``.

National law (``law.toml``) holds on every platform; ``generic.toml`` holds the typical
platform defaults (it alone is the rule set of platform "other"); each platform file replaces
a default by id (only with ``overrides = true``, as a complete rule) and adds its own rules.
Every rule is checked when it is read: a malformed one raises :class:`RulesError` naming the
file and the rule, so a bad edit fails at start-up and in the tests, never in front of a
shopper.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, get_args

from shopguard.rule_tables import TableReader
from shopguard.taxonomy import Category, Platform, ProblemType

RULES_DIR: Final = Path(__file__).resolve().parent.parent / "rules"
LAW_FILE: Final = "law.toml"
GENERIC_FILE: Final = "generic.toml"
PLATFORM_FILES: Final[Mapping[str, str]] = {
    Platform.DOUYIN: "douyin.toml",
    Platform.TAOBAO: "taobao.toml",
    Platform.JD: "jd.toml",
    Platform.PINDUODUO: "pinduoduo.toml",
    Platform.KUAISHOU: "kuaishou.toml",
    Platform.OTHER: GENERIC_FILE,
}

Counting = Literal["calendar_days", "hours", "working_days", "months", "years"]
Confidence = Literal["high", "medium", "low"]
Kind = Literal["act_by", "wait_for"]
StartFact = Literal[
    "ordered_at",
    "paid_at",
    "signed_at",
    "return_requested_at",
    "return_received_at",
    "seller_contacted_at",
    "dispute_opened_at",
    "seller_refused_at",
    "ticket_filed_at",
    "complaint_12315_filed_at",
    "complaint_12315_accepted_at",
    "knew_of_harm_at",
    "last_tracking_at",
]
Promise = Literal["return_days_promise", "price_protect_days"]
PromiseMode = Literal["longer", "replace"]


COUNTINGS: Final[tuple[Counting, ...]] = get_args(Counting)
CONFIDENCES: Final[tuple[Confidence, ...]] = get_args(Confidence)
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
START_FACTS: Final[tuple[StartFact, ...]] = get_args(StartFact)
PROMISES: Final[tuple[Promise, ...]] = get_args(Promise)
PROMISE_MODES: Final[tuple[PromiseMode, ...]] = get_args(PromiseMode)

_REQUIRED: Final = (
    "id",
    "title_zh",
    "title_en",
    "amount",
    "counting",
    "starts",
    "kind",
    "reminds",
    "source",
    "confidence",
)
_OPTIONAL: Final = (
    "overrides",
    "applies_to_problems",
    "applies_to_categories",
    "excluded_categories",
    "exclusion_reason_zh",
    "exclusion_reason_en",
    "note_zh",
    "note_en",
    "promise",
    "promise_mode",
    "typical_amount",
    "start_confirmed",
    "start_from_promise",
    "self_operated",
    "third_party",
)
_VARIANT_KEYS: Final = ("starts", "confidence", "source", "note_zh", "note_en")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Variant:
    """What changes for a JD self-operated (``self_operated``) or third-party order."""

    starts: StartFact | None = None
    confidence: Confidence | None = None
    source: str | None = None
    note_zh: str | None = None
    note_en: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    amount: int
    counting: Counting
    starts: StartFact
    kind: Kind
    reminds: bool
    source: str
    confidence: Confidence
    origin: str  # the file it was read from
    overrides: bool = False
    applies_to_problems: frozenset[str] = frozenset()  # empty: every problem
    applies_to_categories: frozenset[str] = frozenset()  # empty: every category
    excluded_categories: frozenset[str] = frozenset()
    exclusion_reason_zh: str | None = None
    exclusion_reason_en: str | None = None
    note_zh: str | None = None
    note_en: str | None = None
    promise: Promise | None = None  # the CaseFacts shop promise that changes ``amount``
    promise_mode: PromiseMode = "replace"  # "longer": the promise counts only when longer
    typical_amount: bool = False  # ``amount`` is only a common value: without the promise, low
    start_confirmed: bool = True  # False: ``starts`` is a default nobody confirmed: low
    start_from_promise: bool = False  # CaseFacts.price_protect_from chooses the start
    self_operated: Variant | None = None
    third_party: Variant | None = None


@dataclass(frozen=True)
class RuleSet:
    """The rules for one platform: law + generic defaults + the platform's own, in that order."""

    platform: str
    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return any(rule.id == rule_id for rule in self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# --- reading ---------------------------------------------------------------------------------


def read_rules_file(path: Path) -> tuple[Rule, ...]:
    """Every rule in one file, checked; ids must be unique within the file."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path.name}: cannot read: {exc}") from exc
    unknown = sorted(set(data) - {"rule"})
    if unknown:
        raise RulesError(f"{path.name}: unknown top-level keys {unknown} (expected [[rule]])")
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RulesError(f"{path.name}: 'rule' must be an array of tables ([[rule]])")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        rule = _parse_rule(raw, f"{path.name}: rule #{index}", path.name)
        if rule.id in seen:
            raise RulesError(f"{path.name}: rule {rule.id!r}: duplicate id in this file")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def merge_rules(base: tuple[Rule, ...], platform_rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """``base`` with the platform's overrides put in place and its new rules appended.

    A platform rule with an id already in ``base`` must say ``overrides = true``; one that says
    so must have a rule to override — so a typo cannot silently add or shadow a rule.
    """
    known = {rule.id for rule in base}
    replaced = {rule.id: rule for rule in platform_rules if rule.id in known}
    for rule in platform_rules:
        if rule.id in known and not rule.overrides:
            raise RulesError(
                f"{rule.origin}: rule {rule.id!r}: id already defined; "
                "set overrides = true to replace it"
            )
        if rule.overrides and rule.id not in known:
            raise RulesError(
                f"{rule.origin}: rule {rule.id!r}: overrides = true but there is no such rule "
                "to override"
            )
    merged = [replaced.get(rule.id, rule) for rule in base]
    merged += [rule for rule in platform_rules if rule.id not in known]
    return tuple(merged)


def load_rules_from(directory: Path, platform: str) -> RuleSet:
    """The rule set of ``platform`` read from ``directory`` (uncached; for tests and tools)."""
    try:
        platform_file = PLATFORM_FILES[Platform(platform)]
    except ValueError:
        raise RulesError(f"unknown platform {platform!r}") from None
    law = read_rules_file(directory / LAW_FILE)
    generic = read_rules_file(directory / GENERIC_FILE)
    for rule in generic:
        if rule.overrides:
            raise RulesError(f"{GENERIC_FILE}: rule {rule.id!r}: generic rules cannot override")
    rules = merge_rules(law, generic)  # raises if a generic id collides with a law id
    if platform_file != GENERIC_FILE:
        rules = merge_rules(rules, read_rules_file(directory / platform_file))
    return RuleSet(platform=str(Platform(platform)), rules=rules)


@cache
def load_rules(platform: str) -> RuleSet:
    """The packaged rule set of ``platform`` (a :class:`~shopguard.taxonomy.Platform` value)."""
    return load_rules_from(RULES_DIR, platform)


# --- checking one rule ----------------------------------------------------------------------


def _parse_rule(raw: object, where: str, origin: str) -> Rule:
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: a rule must be a table")
    rule_id = raw.get("id")
    if isinstance(rule_id, str) and rule_id:
        where = f"{origin}: rule {rule_id!r}"
    checker = _Checker(raw, where)
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        checker.fail(f"unknown keys {unknown}")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        checker.fail(f"missing required keys {missing}")
    rule = Rule(
        id=checker.text("id"),
        title_zh=checker.text("title_zh"),
        title_en=checker.text("title_en"),
        amount=checker.amount("amount"),
        counting=checker.choice("counting", COUNTINGS),
        starts=checker.choice("starts", START_FACTS),
        kind=checker.choice("kind", KINDS),
        reminds=checker.flag("reminds"),
        source=checker.text("source"),
        confidence=checker.choice("confidence", CONFIDENCES),
        origin=origin,
        overrides=checker.flag("overrides", False),
        applies_to_problems=checker.members("applies_to_problems", tuple(ProblemType)),
        applies_to_categories=checker.members("applies_to_categories", tuple(Category)),
        excluded_categories=checker.members("excluded_categories", tuple(Category)),
        exclusion_reason_zh=checker.optional_text("exclusion_reason_zh"),
        exclusion_reason_en=checker.optional_text("exclusion_reason_en"),
        note_zh=checker.optional_text("note_zh"),
        note_en=checker.optional_text("note_en"),
        promise=checker.optional_choice("promise", PROMISES),
        promise_mode=checker.optional_choice("promise_mode", PROMISE_MODES) or "replace",
        typical_amount=checker.flag("typical_amount", False),
        start_confirmed=checker.flag("start_confirmed", True),
        start_from_promise=checker.flag("start_from_promise", False),
        self_operated=_parse_variant(raw.get("self_operated"), f"{where}: self_operated"),
        third_party=_parse_variant(raw.get("third_party"), f"{where}: third_party"),
    )
    _check_consistency(rule, checker)
    return rule


def _check_consistency(rule: Rule, checker: _Checker) -> None:
    if rule.excluded_categories and not (rule.exclusion_reason_zh and rule.exclusion_reason_en):
        checker.fail("excluded_categories needs exclusion_reason_zh and exclusion_reason_en")
    if (rule.exclusion_reason_zh or rule.exclusion_reason_en) and not rule.excluded_categories:
        checker.fail("exclusion_reason_* without excluded_categories")
    if (rule.note_zh is None) != (rule.note_en is None):
        checker.fail("note_zh and note_en go together")
    overlap = rule.applies_to_categories & rule.excluded_categories
    if overlap:
        checker.fail(f"categories both applied and excluded: {sorted(overlap)}")
    if "promise_mode" in checker.raw and rule.promise is None:
        checker.fail("promise_mode without promise")
    if rule.typical_amount and rule.promise is None:
        checker.fail("typical_amount needs a promise that can replace the amount")
    if rule.promise is not None and rule.counting != "calendar_days":
        checker.fail("a shop promise is a number of days: counting must be calendar_days")
    if rule.start_from_promise and rule.starts not in ("ordered_at", "signed_at"):
        checker.fail("start_from_promise needs starts = ordered_at or signed_at")
    for variant in (rule.self_operated, rule.third_party):
        if variant is not None and (variant.note_zh is None) != (variant.note_en is None):
            checker.fail("variant note_zh and note_en go together")


def _parse_variant(raw: object, where: str) -> Variant | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: must be a table")
    checker = _Checker(raw, where)
    unknown = sorted(set(raw) - set(_VARIANT_KEYS))
    if unknown:
        checker.fail(f"unknown keys {unknown}")
    if not raw:
        checker.fail("empty variant")
    return Variant(
        starts=checker.optional_choice("starts", START_FACTS),
        confidence=checker.optional_choice("confidence", CONFIDENCES),
        source=checker.optional_text("source"),
        note_zh=checker.optional_text("note_zh"),
        note_en=checker.optional_text("note_en"),
    )


class _Checker(TableReader):
    """Typed reads of one rule's TOML table, each failure naming the file, the rule and the key."""

    error = RulesError

    def amount(self, key: str) -> int:
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self._bad(key, "a positive whole number")
        return value

    def members(self, key: str, allowed: tuple[str, ...]) -> frozenset[str]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._bad(key, "a list of strings")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            self.fail(f"{key}: unknown values {unknown} (known: {sorted(allowed)})")
        if len(set(value)) != len(value):
            self.fail(f"{key}: duplicate values")
        return frozenset(value)
