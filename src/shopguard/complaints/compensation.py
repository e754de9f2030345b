"""Demand rules as data: reading and checking ``rules/compensation.toml`` (domain.md §4).

Every rule is checked when it is read; a malformed one raises
:class:`~shopguard.deadlines.rules.RulesError` naming the file and the rule, so a bad edit
fails at start-up and in the tests, never in front of a shopper.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, get_args

from shopguard.complaints.options import Confidence, DemandKind, Formula
from shopguard.deadlines.rules import RULES_DIR, RulesError
from shopguard.taxonomy import Category, ProblemType

COMPENSATION_FILE: Final = "compensation.toml"
FORMULAS: Final[tuple[Formula, ...]] = get_args(Formula)
CONFIDENCES: Final[tuple[Confidence, ...]] = get_args(Confidence)
TEMPLATE_NAMES: Final = frozenset(
    {"amount", "refund", "compensation", "calc", "promise", "multiplier"}
)
REQUIRABLE: Final = frozenset({"shop_promise"})
EXCLUDERS: Final = frozenset({"subsidy_price"})

_TEXT_KEYS: Final = (
    "id",
    "title_zh",
    "title_en",
    "ask_zh",
    "ask_en",
    "basis_zh",
    "basis_en",
    "source",
    "source_en",
)
_REQUIRED: Final = (*_TEXT_KEYS, "kind", "formula", "confidence")
_OPTIONAL: Final = (
    "multiplier",
    "minimum_fen",
    "plus_refund",
    "asked_label_zh",
    "asked_label_en",
    "requires",
    "exclude_if",
    "exclusion_reason_zh",
    "exclusion_reason_en",
    "note_zh",
    "note_en",
    "when",
)


@dataclass(frozen=True)
class When:
    problems: frozenset[str]
    categories: frozenset[str] = frozenset()  # empty: any category

    def matches(self, problem: str, category: str | None) -> bool:
        if problem not in self.problems:
            return False
        return not self.categories or category in self.categories


@dataclass(frozen=True)
class DemandRule:
    id: str
    kind: DemandKind
    formula: Formula
    title_zh: str
    title_en: str
    ask_zh: str
    ask_en: str
    basis_zh: str
    basis_en: str
    source: str
    source_en: str
    confidence: Confidence
    when: tuple[When, ...] = ()  # empty: every problem
    multiplier: int | None = None
    minimum_fen: int = 0
    plus_refund: bool = False
    asked_label_zh: str | None = None
    asked_label_en: str | None = None
    requires: frozenset[str] = frozenset()
    exclude_if: frozenset[str] = frozenset()
    exclusion_reason_zh: str | None = None
    exclusion_reason_en: str | None = None
    note_zh: str | None = None
    note_en: str | None = None

    def fits(self, problem: str, category: str | None) -> bool:
        return not self.when or any(w.matches(problem, category) for w in self.when)


def read_compensation_file(path: Path) -> tuple[DemandRule, ...]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path.name}: cannot read: {exc}") from exc
    unknown = sorted(set(data) - {"demand"})
    if unknown:
        raise RulesError(f"{path.name}: unknown top-level keys {unknown} (expected [[demand]])")
    raw_rules = data.get("demand", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError(f"{path.name}: needs [[demand]] tables")
    rules: list[DemandRule] = []
    for index, raw in enumerate(raw_rules, start=1):
        rule = _parse(raw, f"{path.name}: demand #{index}", path.name)
        if any(other.id == rule.id for other in rules):
            raise RulesError(f"{path.name}: demand {rule.id!r}: duplicate id")
        rules.append(rule)
    return tuple(rules)


@cache
def load_compensation_rules() -> tuple[DemandRule, ...]:
    """The packaged demand rules, in the order they are proposed."""
    return read_compensation_file(RULES_DIR / COMPENSATION_FILE)


def _parse(raw: object, where: str, origin: str) -> DemandRule:
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: a demand must be a table")
    if isinstance(raw.get("id"), str) and raw["id"]:
        where = f"{origin}: demand {raw['id']!r}"
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise RulesError(f"{where}: unknown keys {unknown}")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise RulesError(f"{where}: missing required keys {missing}")
    text = {key: _text(raw, key, where) for key in _TEXT_KEYS}
    for key in ("ask_zh", "ask_en"):
        _check_template(text[key], f"{where}: {key}")
    kind = _choice(raw, "kind", tuple(DemandKind), where)
    formula = _choice(raw, "formula", FORMULAS, where)
    rule = DemandRule(
        id=text["id"],
        kind=DemandKind(kind),
        formula=formula,
        title_zh=text["title_zh"],
        title_en=text["title_en"],
        ask_zh=text["ask_zh"],
        ask_en=text["ask_en"],
        basis_zh=text["basis_zh"],
        basis_en=text["basis_en"],
        source=text["source"],
        source_en=text["source_en"],
        confidence=_choice(raw, "confidence", CONFIDENCES, where),
        when=_whens(raw.get("when", []), where),
        multiplier=_int(raw, "multiplier", where) if "multiplier" in raw else None,
        minimum_fen=_int(raw, "minimum_fen", where) if "minimum_fen" in raw else 0,
        plus_refund=_flag(raw, "plus_refund", where),
        asked_label_zh=_optional_text(raw, "asked_label_zh", where),
        asked_label_en=_optional_text(raw, "asked_label_en", where),
        requires=_names(raw, "requires", REQUIRABLE, where),
        exclude_if=_names(raw, "exclude_if", EXCLUDERS, where),
        exclusion_reason_zh=_optional_text(raw, "exclusion_reason_zh", where),
        exclusion_reason_en=_optional_text(raw, "exclusion_reason_en", where),
        note_zh=_optional_text(raw, "note_zh", where),
        note_en=_optional_text(raw, "note_en", where),
    )
    _check_consistency(rule, raw, where)
    return rule


def _check_consistency(rule: DemandRule, raw: dict[str, Any], where: str) -> None:
    def fail(problem: str) -> None:
        raise RulesError(f"{where}: {problem}")

    is_multiple = rule.formula == "multiple"
    if is_multiple and (rule.multiplier is None or "minimum_fen" not in raw):
        fail("formula multiple needs multiplier and minimum_fen")
    if not is_multiple and any(k in raw for k in ("multiplier", "minimum_fen", "plus_refund")):
        fail("multiplier, minimum_fen and plus_refund belong to formula multiple")
    asked = rule.formula == "asked"
    if asked != bool(rule.asked_label_zh and rule.asked_label_en):
        fail("formula asked goes with asked_label_zh and asked_label_en")
    if rule.formula == "promise" and "shop_promise" not in rule.requires:
        fail("formula promise needs requires = ['shop_promise']")
    has_reason = bool(rule.exclusion_reason_zh and rule.exclusion_reason_en)
    if bool(rule.exclude_if) != has_reason:
        fail("exclude_if goes with exclusion_reason_zh and exclusion_reason_en")
    if (rule.note_zh is None) != (rule.note_en is None):
        fail("note_zh and note_en go together")
    for key in ("ask_zh", "ask_en"):
        if rule.formula != "none" and "{amount}" not in raw[key]:
            fail(f"{key} must say {{amount}}")


def _check_template(template: str, where: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise RulesError(f"{where}: bad template: {exc}") from exc
    unknown = sorted(names - TEMPLATE_NAMES)
    if unknown:
        raise RulesError(f"{where}: unknown template names {unknown}")


def _whens(raw: object, where: str) -> tuple[When, ...]:
    if not isinstance(raw, list):
        raise RulesError(f"{where}: when must be an array of tables ([[demand.when]])")
    whens: list[When] = []
    for index, item in enumerate(raw, start=1):
        here = f"{where}: when #{index}"
        if not isinstance(item, dict):
            raise RulesError(f"{here}: must be a table")
        unknown = sorted(set(item) - {"problems", "categories"})
        if unknown:
            raise RulesError(f"{here}: unknown keys {unknown}")
        problems = _names(item, "problems", frozenset(ProblemType), here)
        if not problems:
            raise RulesError(f"{here}: problems must not be empty")
        whens.append(When(problems, _names(item, "categories", frozenset(Category), here)))
    return tuple(whens)


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: {key} must be a non-empty string, not {value!r}")
    return value


def _optional_text(raw: dict[str, Any], key: str, where: str) -> str | None:
    return _text(raw, key, where) if key in raw else None


def _int(raw: dict[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RulesError(f"{where}: {key} must be a positive whole number, not {value!r}")
    return value


def _flag(raw: dict[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise RulesError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _choice(raw: dict[str, Any], key: str, allowed: tuple[Any, ...], where: str) -> Any:
    value = raw.get(key)
    if value not in allowed:
        raise RulesError(f"{where}: {key} must be one of {list(allowed)}, not {value!r}")
    return value


def _names(raw: dict[str, Any], key: str, allowed: frozenset[str], where: str) -> frozenset[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RulesError(f"{where}: {key} must be a list of strings, not {value!r}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise RulesError(f"{where}: {key}: unknown values {unknown} (known: {sorted(allowed)})")
    if len(set(value)) != len(value):
        raise RulesError(f"{where}: {key}: duplicate values")
    return frozenset(value)
