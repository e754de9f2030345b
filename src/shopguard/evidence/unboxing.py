"""The unboxing video: the guide to follow before opening a parcel, and the short check stored
with a video once it is added. Rules in ``rules/evidence_checklists.toml`` (low confidence:
industry practice, so the bot phrases all of it as advice)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from shopguard.evidence.kinds import EvidenceKind
from shopguard.evidence.rules import checklist_for, evidence_rules

ANSWERS = ("yes", "no", "na")  # na: does not apply (no defect to show, say)


def unboxing_matters(problem_type: str) -> bool:
    """Whether this problem's checklist asks for an unboxing video."""
    return any(
        EvidenceKind.UNBOXING_VIDEO in item.kinds for item in checklist_for(problem_type).items
    )


def guide_phases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return evidence_rules().unboxing.phases


def questions() -> tuple[str, ...]:
    return evidence_rules().unboxing.confirm


def parse_answers(text: str | None) -> dict[str, str]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if k in questions() and v in ANSWERS}


def dump_answers(answers: Mapping[str, str]) -> str:
    return json.dumps(dict(answers), sort_keys=True)


def next_question(answers: Mapping[str, str]) -> str | None:
    return next((q for q in questions() if q not in answers), None)


def weaknesses(answers: Mapping[str, str]) -> list[str]:
    """Questions answered "no", in the order they are asked."""
    return [q for q in questions() if answers.get(q) == "no"]
