"""The advice while it is put together: mutable, frozen into an ``Advice`` at the end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from shopguard.escalation.context import Finding
from shopguard.escalation.ladder import Outcome
from shopguard.escalation.steps import Action, Step

_T = TypeVar("_T")


@dataclass
class Plan:
    """The step, the timing and the findings, plus what the shortcuts added."""

    step: Step
    action: Action
    then: Step | None
    next_step_at: datetime | None
    findings: list[Finding]
    parallel: list[Step]
    prepare: list[str]
    recommended_kinds: list[tuple[str, Step | None]]

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> Plan:
        return cls(
            outcome.step,
            outcome.action,
            outcome.then,
            outcome.next_step_at,
            list(outcome.findings),
            [],
            [],
            [],
        )

    def add(self, finding: Finding | None) -> None:
        if finding is not None and all(f.code is not finding.code for f in self.findings):
            self.findings.append(finding)

    @property
    def focus(self) -> list[Step]:
        """The steps to prepare for: those to take now, else the one that opens next."""
        steps = [self.step] if self.action is Action.ACT else []
        steps += self.parallel
        if self.action is Action.WAIT and self.then is not None:
            steps.append(self.then)
        return unique(steps)


def unique(items: Iterable[_T]) -> list[_T]:
    seen: list[_T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
