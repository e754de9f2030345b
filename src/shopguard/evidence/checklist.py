"""Which checklist items a case's evidence covers, and how complete it is.

Each piece of evidence covers at most one item (two prices need two screenshots), so coverage
is a matching between evidence and items. Required items are matched first: a file is never
spent on a recommended item while a required one it could cover stays open. An item the
shopper holds offline can be ticked by hand; a ticked item needs no file.

The completeness figure is the share of *required* items covered — the part a platform will ask
for; recommended items are counted beside it, not mixed in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shopguard.evidence.kinds import EvidenceKind
from shopguard.evidence.rules import Checklist, ChecklistItem, checklist_for


@dataclass(frozen=True)
class ItemStatus:
    item: ChecklistItem
    covered_by: int | None  # the evidence number that covers it
    ticked: bool  # held offline, ticked by hand

    @property
    def covered(self) -> bool:
        return self.covered_by is not None or self.ticked


@dataclass(frozen=True)
class Completeness:
    required_covered: int
    required_total: int
    recommended_covered: int
    recommended_total: int
    evidence_count: int

    @property
    def percent(self) -> int:
        """Share of required items covered, rounded down (100 only when all are)."""
        if self.required_total == 0:
            return 100
        return self.required_covered * 100 // self.required_total


@dataclass(frozen=True)
class ChecklistReport:
    checklist: Checklist
    statuses: tuple[ItemStatus, ...]
    completeness: Completeness

    def missing(self) -> list[ItemStatus]:
        """Uncovered items, required first."""
        open_items = [s for s in self.statuses if not s.covered]
        return sorted(open_items, key=lambda s: not s.item.required)

    def missing_kinds(self) -> list[EvidenceKind]:
        """Kinds that would cover an open item, required items' kinds first, no repeats.

        "Other" is never suggested: it fits everything, so it says nothing about what to send.
        """
        kinds: list[EvidenceKind] = []
        for status in self.missing():
            for kind in status.item.kinds:
                if kind not in kinds and kind != EvidenceKind.OTHER:
                    kinds.append(kind)
        return kinds


def evaluate(
    problem_type: str,
    evidence: Sequence[tuple[int, str | None]],
    ticked: Iterable[str] = (),
) -> ChecklistReport:
    """``evidence`` is (number, kind) in citation order; unclassified (None) covers nothing."""
    checklist = checklist_for(problem_type)
    ticked_ids = {item_id for item_id in ticked if checklist.item(item_id)}
    open_items = [item for item in checklist.items if item.id not in ticked_ids]
    matched = _match(open_items, [(n, k) for n, k in evidence if k is not None])
    statuses = tuple(
        ItemStatus(item, matched.get(item.id), item.id in ticked_ids) for item in checklist.items
    )
    return ChecklistReport(checklist, statuses, _completeness(statuses, len(evidence)))


def _match(items: list[ChecklistItem], evidence: list[tuple[int, str]]) -> dict[str, int]:
    """Maximum matching item → evidence number (Kuhn's augmenting paths).

    Items are tried in order with required ones first; an item matched once stays matched
    while later items re-route, so the required items get the most coverage possible.
    """
    ordered = sorted(items, key=lambda item: not item.required)
    owner: dict[int, str] = {}  # evidence index → item id
    by_id = {item.id: item for item in ordered}

    def assign(item: ChecklistItem, seen: set[int]) -> bool:
        for index, (_, kind) in enumerate(evidence):
            if kind not in item.kinds or index in seen:
                continue
            seen.add(index)
            holder = owner.get(index)
            if holder is None or assign(by_id[holder], seen):
                owner[index] = item.id
                return True
        return False

    for item in ordered:
        assign(item, set())
    return {item_id: evidence[index][0] for index, item_id in owner.items()}


def _completeness(statuses: Sequence[ItemStatus], evidence_count: int) -> Completeness:
    required = [s for s in statuses if s.item.required]
    recommended = [s for s in statuses if not s.item.required]
    return Completeness(
        required_covered=sum(s.covered for s in required),
        required_total=len(required),
        recommended_covered=sum(s.covered for s in recommended),
        recommended_total=len(recommended),
        evidence_count=evidence_count,
    )


# ---------------------------------------------------------------------- the case's tally


@dataclass(frozen=True)
class Tally:
    """What a case holds, kept on the case row so its card can show completeness without a
    query: counts per kind, unclassified items, and the items ticked by hand. It is a cache
    rebuilt from the evidence rows after every change (``services.refresh_tally``), except a
    file added, which is counted in (``with_item``) so saving a file reads no rows back."""

    kinds: dict[str, int]
    unclassified: int
    ticked: tuple[str, ...]

    @property
    def count(self) -> int:
        return sum(self.kinds.values()) + self.unclassified

    def with_item(self, kind: str | None) -> Tally:
        if not kind:
            return Tally(self.kinds, self.unclassified + 1, self.ticked)
        return Tally(
            {**self.kinds, kind: self.kinds.get(kind, 0) + 1}, self.unclassified, self.ticked
        )

    def to_json(self) -> str:
        return json.dumps(
            {"kinds": self.kinds, "unclassified": self.unclassified, "ticked": list(self.ticked)},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> Tally:
        try:
            data = json.loads(text or "{}")
            kinds = {str(k): int(v) for k, v in dict(data.get("kinds", {})).items() if int(v) > 0}
            return cls(kinds, int(data.get("unclassified", 0)), tuple(data.get("ticked", [])))
        except (ValueError, TypeError, AttributeError):
            return cls({}, 0, ())


def tally_report(problem_type: str, tally_json: str | None) -> ChecklistReport:
    """The checklist from the case's tally, without reading its evidence rows.

    What is covered and what is missing are exact; ``covered_by`` numbers are not the
    citation numbers (the tally has no order), so show those from ``evaluate`` instead."""
    tally = Tally.from_json(tally_json)
    evidence: list[tuple[int, str | None]] = []
    for kind, count in tally.kinds.items():
        evidence.extend((len(evidence) + 1, kind) for _ in range(count))
    evidence.extend((len(evidence) + 1, None) for _ in range(tally.unclassified))
    return evaluate(problem_type, evidence, tally.ticked)


def tally_completeness(problem_type: str, tally_json: str | None) -> Completeness:
    return tally_report(problem_type, tally_json).completeness
