"""Loading ``rules/evidence_checklists.toml``: checked on load, errors name the entry."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shopguard.evidence.kinds import EvidenceKind
from shopguard.taxonomy import ProblemType

RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "evidence_checklists.toml"
LEVELS = ("required", "recommended")
CONFIDENCES = ("high", "medium", "low")


class RulesError(ValueError):
    """The rules file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    level: str  # required | recommended
    kinds: tuple[EvidenceKind, ...]

    @property
    def required(self) -> bool:
        return self.level == "required"


@dataclass(frozen=True)
class Checklist:
    problem_type: str
    items: tuple[ChecklistItem, ...]
    source: str
    confidence: str

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.items if item.id == item_id), None)


@dataclass(frozen=True)
class UnboxingRules:
    phases: tuple[tuple[str, tuple[str, ...]], ...]
    confirm: tuple[str, ...]
    source: str
    confidence: str


@dataclass(frozen=True)
class EvidenceRules:
    checklists: dict[str, Checklist]
    unboxing: UnboxingRules


def _fail(where: str, message: str) -> RulesError:
    return RulesError(f"{RULES_FILE.name}: {where}: {message}")


def _provenance(table: dict[str, Any], where: str) -> tuple[str, str]:
    source, confidence = table.get("source"), table.get("confidence")
    if not isinstance(source, str) or not source.strip():
        raise _fail(where, "missing source")
    if confidence not in CONFIDENCES:
        raise _fail(where, f"confidence must be one of {CONFIDENCES}")
    return source, str(confidence)


def _item(raw: dict[str, Any], where: str) -> ChecklistItem:
    item_id, level, kinds = raw.get("id"), raw.get("level"), raw.get("kinds")
    if not isinstance(item_id, str) or not item_id.isidentifier():
        raise _fail(where, f"bad item id {item_id!r}")
    if level not in LEVELS:
        raise _fail(f"{where} {item_id}", f"level must be one of {LEVELS}")
    if not isinstance(kinds, list) or not kinds:
        raise _fail(f"{where} {item_id}", "kinds must be a non-empty list")
    unknown = [k for k in kinds if k not in EvidenceKind._value2member_map_]
    if unknown:
        raise _fail(f"{where} {item_id}", f"unknown kinds {unknown}")
    return ChecklistItem(item_id, str(level), tuple(EvidenceKind(k) for k in kinds))


def _checklist(raw: dict[str, Any]) -> Checklist:
    problem = raw.get("type")
    if problem not in ProblemType._value2member_map_:
        raise _fail(f"problem {problem!r}", "unknown problem type")
    where = f"problem {problem}"
    source, confidence = _provenance(raw, where)
    items = tuple(_item(item, where) for item in raw.get("item", []))
    if not any(item.required for item in items):
        raise _fail(where, "needs at least one required item")
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise _fail(where, "duplicate item ids")
    return Checklist(str(problem), items, source, confidence)


def _unboxing(raw: dict[str, Any]) -> UnboxingRules:
    source, confidence = _provenance(raw, "unboxing")
    phases = tuple(
        (str(phase["id"]), tuple(str(step) for step in phase["steps"]))
        for phase in raw.get("phase", [])
    )
    confirm = tuple(str(entry["id"]) for entry in raw.get("confirm", []))
    if not phases or not confirm:
        raise _fail("unboxing", "needs phases and confirm questions")
    return UnboxingRules(phases, confirm, source, confidence)


def parse_rules(data: dict[str, Any]) -> EvidenceRules:
    checklists: dict[str, Checklist] = {}
    for raw in data.get("problem", []):
        checklist = _checklist(raw)
        if checklist.problem_type in checklists:
            raise _fail(f"problem {checklist.problem_type}", "listed twice")
        checklists[checklist.problem_type] = checklist
    missing = set(ProblemType._value2member_map_) - set(checklists)
    if missing:
        raise _fail("problems", f"no checklist for {sorted(missing)}")
    return EvidenceRules(checklists, _unboxing(data.get("unboxing", {})))


@cache
def evidence_rules() -> EvidenceRules:
    with RULES_FILE.open("rb") as fh:
        return parse_rules(tomllib.load(fh))


def checklist_for(problem_type: str) -> Checklist:
    """The checklist of a problem type; an unknown type gets the generic 'other' list."""
    rules = evidence_rules().checklists
    return rules.get(problem_type) or rules[ProblemType.OTHER.value]
