"""What one ``advise`` call knows: the case, the timeline so far, the clock, the zone, the data.

Every window is taken from the deadline rules through :func:`Context.window`, which asks
:func:`~shopguard.deadlines.compute_deadlines` about one start moment — so the advisor never
repeats a number the rules files hold (48 h, 72 h, 7 working days, 3 years …).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from shopguard.deadlines import CaseFacts, Deadline, compute_deadlines
from shopguard.deadlines.rules import StartFact
from shopguard.escalation.advice import AdvisorCase, ParamValue, ReasonCode
from shopguard.escalation.data import EscalationData
from shopguard.escalation.steps import Step
from shopguard.escalation.timeline import (
    EntryKind,
    RegulatorBody,
    TimelineEntry,
    first,
    last,
)


@dataclass(frozen=True)
class Finding:
    """A reason before it is worded: a fact, an elapsed window, or a window still running."""

    code: ReasonCode
    params: dict[str, ParamValue]
    deadline: Deadline | None = None  # the rule behind it
    due: datetime | None = None  # a running window: when it fires
    fires: ReasonCode | None = None  # a running window: the code it becomes when it passes
    gate_for: Step | None = None  # holds back escalation to this step until ``due``

    @property
    def running(self) -> bool:
        return self.due is not None


@dataclass(frozen=True)
class Context:
    case: AdvisorCase
    entries: Sequence[TimelineEntry]  # sorted, none after ``now``
    now: datetime
    tz: str
    zone: ZoneInfo
    data: EscalationData

    @cached_property
    def base_facts(self) -> CaseFacts:
        case = self.case
        return CaseFacts(
            platform=case.platform,
            category=case.category,
            problem_type=case.problem_type,
            jd_self_operated=case.jd_self_operated,
        )

    def window(self, rule_id: str, fact: StartFact, at: datetime) -> Deadline | None:
        """The deadline ``rule_id`` gives when ``fact`` happened ``at`` (None: not applicable)."""
        changes: dict[str, Any] = {fact: at}
        facts = dataclasses.replace(self.base_facts, **changes)
        return compute_deadlines(facts, self.tz).get(rule_id)

    def timed(self, deadline: Deadline, running: ReasonCode, fired: ReasonCode) -> Finding:
        """``running`` while ``deadline`` is ahead of now, ``fired`` once it has passed."""
        if self.now >= deadline.due_at:
            return self.elapsed(deadline, fired)
        params = _window_params(deadline)
        params["ends_at"] = deadline.due_at
        return Finding(running, params, deadline, due=deadline.due_at, fires=fired)

    def elapsed(self, deadline: Deadline, code: ReasonCode) -> Finding:
        """``code`` for a window that has passed: how long ago it started, when it ended."""
        params = _window_params(deadline)
        params["elapsed_hours"] = hours_between(deadline.starts_at, self.now)
        params["ended_at"] = deadline.due_at
        return Finding(code, params, deadline)

    # --- the timeline --------------------------------------------------------------------

    def first(self, kind: EntryKind, **match: object) -> TimelineEntry | None:
        return first(self.entries, kind, **match)

    def last(self, kind: EntryKind, **match: object) -> TimelineEntry | None:
        return last(self.entries, kind, **match)

    def after(self, moment: datetime, kind: EntryKind) -> list[TimelineEntry]:
        return [e for e in self.entries if e.kind is kind and e.at >= moment]

    def handling(self, body: RegulatorBody) -> TimelineEntry | None:
        """The complaint filed with ``body`` that is still open (no close after it)."""
        filed = self.first(EntryKind.REGULATOR_FILED, body=body)
        if filed is None:
            return None
        closed = [e for e in self.after(filed.at, EntryKind.REGULATOR_CLOSED) if e.body is body]
        return None if closed else filed

    @cached_property
    def court(self) -> TimelineEntry | None:
        return self.first(EntryKind.COURT_OR_ARBITRATION)

    @cached_property
    def knew_of_harm(self) -> tuple[datetime, str] | None:
        """When the shopper knew of the harm, and which fact says so.

        Unknown → the earliest the shopper could have known: 签收, else the order, else the
        first timeline entry; the 3-year limits then end no later than the law's.
        """
        case = self.case
        for name, moment in (
            ("knew_of_harm_at", case.knew_of_harm_at),
            ("signed_at", case.signed_at),
            ("ordered_at", case.ordered_at),
            ("timeline", self.entries[0].at if self.entries else None),
        ):
            if moment is not None:
                return moment, name
        return None

    def limit(self, rule_id: str) -> Deadline | None:
        """A 3-year limit counted from :attr:`knew_of_harm` (12315_limit, lawsuit_limit)."""
        knew = self.knew_of_harm
        return None if knew is None else self.window(rule_id, "knew_of_harm_at", knew[0])

    def limit_finding(self, rule_id: str, code: ReasonCode) -> Finding | None:
        """``code`` when the limit ``rule_id`` has passed, else None."""
        deadline = self.limit(rule_id)
        knew = self.knew_of_harm
        if deadline is None or knew is None or self.now < deadline.due_at:
            return None
        params: dict[str, ParamValue] = {
            "rule": rule_id,
            "knew_at": knew[0],
            "knew_from": knew[1],
            "ended_at": deadline.due_at,
        }
        return Finding(code, params, deadline)


def _window_params(deadline: Deadline) -> dict[str, ParamValue]:
    unit = "window_hours" if deadline.counting == "hours" else "window_days"
    return {"rule": deadline.rule_id, unit: deadline.amount, "started_at": deadline.starts_at}


def hours_between(start: datetime, end: datetime) -> int:
    """Whole hours from ``start`` to ``end`` (rounded down)."""
    return (end - start) // timedelta(hours=1)
