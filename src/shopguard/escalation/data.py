"""Reading ``rules/escalation.toml``: the ladder, its conditions and its words, checked.

Every cross-reference is checked when the file is read — a step's ``next`` and a reason's
``leads_to`` are steps, ``escalate_on`` names reason codes, ``prepare`` names prepare items,
evidence kinds are :class:`~shopguard.evidence.kinds.EvidenceKind` values, ``stall_rule`` is a
deadline rule, and each reason's text uses only its declared parameters — so a bad edit fails
at start-up and in the tests with :class:`EscalationDataError` naming the entry.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, get_args

from shopguard.deadlines.rules import CONFIDENCES, Confidence, load_rules
from shopguard.escalation.advice import ReasonCode
from shopguard.escalation.steps import LADDER_STEPS, DraftChannel, Step
from shopguard.evidence.kinds import EvidenceKind
from shopguard.rule_tables import TableReader, table, tables
from shopguard.taxonomy import Platform, ProblemType

ESCALATION_FILE: Final = Path(__file__).resolve().parent.parent / "rules" / "escalation.toml"

ReasonKind = Literal["reason", "warning"]
REASON_KINDS: Final[tuple[ReasonKind, ...]] = get_args(ReasonKind)
SHORTCUT_FLAGS: Final = ("injury_or_hazard",)  # AdvisorCase boolean fields a shortcut may name


class EscalationDataError(ValueError):
    """An escalation rules file that cannot be used; the message names the entry."""


@dataclass(frozen=True)
class Sourced:
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class StepSpec:
    id: Step
    rung: int
    next: Step | None
    escalate_on: frozenset[ReasonCode]
    draft: DraftChannel | None
    prepare: tuple[str, ...]
    evidence_required: tuple[str, ...]
    evidence_recommended: tuple[str, ...]
    stall_rule: str | None
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class PrepSpec:
    id: str
    zh: str
    en: str
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class ShortcutSpec:
    code: ReasonCode
    problems: frozenset[str]
    flag: str | None
    step: Step | None
    parallel: tuple[Step, ...]
    prepare: tuple[str, ...]
    evidence_recommended: tuple[str, ...]
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class ReasonSpec:
    code: ReasonCode
    kind: ReasonKind
    params: tuple[str, ...]
    leads_to: Step | None
    zh: str
    en: str
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class EscalationData:
    steps: Mapping[Step, StepSpec]
    reasons: Mapping[ReasonCode, ReasonSpec]
    prepare: Mapping[str, PrepSpec]
    shortcuts: tuple[ShortcutSpec, ...]
    labels: Mapping[str, tuple[str, str]]  # value → (zh, en)
    typical_zh: str
    typical_en: str
    self_service_problems: frozenset[str]
    self_service: Sourced
    association_days: int
    association: Sourced

    def step(self, step: Step) -> StepSpec:
        return self.steps[step]


@cache
def load_escalation() -> EscalationData:
    return load_escalation_from(ESCALATION_FILE)


def load_escalation_from(path: Path) -> EscalationData:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise EscalationDataError(f"{path.name}: cannot read: {exc}") from exc
    name = path.name
    allowed = {"texts", "labels", "self_service", "association", "step", "prepare"}
    allowed |= {"shortcut", "reason"}
    if unknown := sorted(set(raw) - allowed):
        raise EscalationDataError(f"{name}: unknown top-level keys {unknown}")
    reasons = _reasons(raw, name)
    prepare = _prepare(raw, name)
    steps = _steps(raw, name, prepare)
    shortcuts = _shortcuts(raw, name, prepare)
    texts = _Reader(_table(raw, "texts", name), f"{name}: [texts]")
    texts.only({"typical_zh", "typical_en"})
    self_service = _Reader(_table(raw, "self_service", name), f"{name}: [self_service]")
    self_service.only({"problems", "source", "confidence"})
    association = _Reader(_table(raw, "association", name), f"{name}: [association]")
    association.only({"typical_days", "source", "confidence"})
    return EscalationData(
        steps=steps,
        reasons=reasons,
        prepare=prepare,
        shortcuts=shortcuts,
        labels=_labels(raw, name),
        typical_zh=texts.text("typical_zh"),
        typical_en=texts.text("typical_en"),
        self_service_problems=self_service.members("problems", tuple(ProblemType)),
        self_service=self_service.sourced(),
        association_days=association.positive("typical_days"),
        association=association.sourced(),
    )


def _reasons(raw: dict[str, Any], name: str) -> dict[ReasonCode, ReasonSpec]:
    reasons: dict[ReasonCode, ReasonSpec] = {}
    for index, item in enumerate(_tables(raw, "reason", name), start=1):
        r = _Reader(item, f"{name}: reason #{index}")
        code = ReasonCode(r.choice("code", tuple(c.value for c in ReasonCode)))
        r.where = f"{name}: reason {code.value!r}"
        r.only({"code", "kind", "params", "leads_to", "zh", "en", "source", "confidence"})
        spec = ReasonSpec(
            code=code,
            kind=r.choice("kind", REASON_KINDS),
            params=r.texts("params"),
            leads_to=Step(r.choice("leads_to", LADDER_STEPS)) if "leads_to" in item else None,
            zh=r.text("zh"),
            en=r.text("en"),
            **r.sourced_fields(),
        )
        for text in (spec.zh, spec.en):
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            if extra := sorted(used - set(spec.params)):
                r.fail(f"text uses undeclared params {extra}")
        if code in reasons:
            r.fail("defined twice")
        reasons[code] = spec
    if missing := sorted(c.value for c in set(ReasonCode) - set(reasons)):
        raise EscalationDataError(f"{name}: no [[reason]] for {missing}")
    return reasons


def _prepare(raw: dict[str, Any], name: str) -> dict[str, PrepSpec]:
    prepare: dict[str, PrepSpec] = {}
    for index, item in enumerate(_tables(raw, "prepare", name), start=1):
        r = _Reader(item, f"{name}: prepare #{index}")
        r.only({"id", "zh", "en", "source", "confidence"})
        spec = PrepSpec(r.text("id"), r.text("zh"), r.text("en"), **r.sourced_fields())
        if spec.id in prepare:
            r.fail(f"prepare {spec.id!r} defined twice")
        prepare[spec.id] = spec
    return prepare


def _steps(raw: dict[str, Any], name: str, prepare: Mapping[str, PrepSpec]) -> dict[Step, StepSpec]:
    steps: dict[Step, StepSpec] = {}
    step_values = tuple(s.value for s in LADDER_STEPS)
    kinds = tuple(k.value for k in EvidenceKind)
    for index, item in enumerate(_tables(raw, "step", name), start=1):
        r = _Reader(item, f"{name}: step #{index}")
        step = Step(r.choice("id", step_values))
        r.where = f"{name}: step {step.value!r}"
        r.only(
            {"id", "rung", "next", "escalate_on", "draft", "prepare", "evidence_required"}
            | {"evidence_recommended", "stall_rule", "source", "confidence"}
        )
        next_step = r.choice("next", ("", *step_values))
        draft = r.choice("draft", ("", *(d.value for d in DraftChannel)))
        spec = StepSpec(
            id=step,
            rung=r.whole("rung"),
            next=Step(next_step) if next_step else None,
            escalate_on=frozenset(
                ReasonCode(c) for c in r.members("escalate_on", tuple(ReasonCode))
            ),
            draft=DraftChannel(draft) if draft else None,
            prepare=r.ids("prepare", prepare),
            evidence_required=r.ordered("evidence_required", kinds),
            evidence_recommended=r.ordered("evidence_recommended", kinds),
            stall_rule=r.text("stall_rule") if "stall_rule" in item else None,
            **r.sourced_fields(),
        )
        if spec.stall_rule is not None and spec.stall_rule not in load_rules(Platform.OTHER):
            r.fail(f"stall_rule {spec.stall_rule!r} is not a deadline rule")
        if step in steps:
            r.fail("defined twice")
        steps[step] = spec
    if missing := sorted(s.value for s in set(LADDER_STEPS) - set(steps)):
        raise EscalationDataError(f"{name}: no [[step]] for {missing}")
    for spec in steps.values():
        if spec.next is not None and steps[spec.next].rung <= spec.rung:
            raise EscalationDataError(f"{name}: step {spec.id.value!r}: next must be higher")
    return steps


def _shortcuts(
    raw: dict[str, Any], name: str, prepare: Mapping[str, PrepSpec]
) -> tuple[ShortcutSpec, ...]:
    shortcuts: list[ShortcutSpec] = []
    step_values = tuple(s.value for s in LADDER_STEPS)
    for index, item in enumerate(_tables(raw, "shortcut", name), start=1):
        r = _Reader(item, f"{name}: shortcut #{index}")
        r.only(
            {"code", "problems", "flag", "step", "parallel", "prepare"}
            | {"evidence_recommended", "source", "confidence"}
        )
        code = ReasonCode(r.choice("code", tuple(c.value for c in ReasonCode)))
        spec = ShortcutSpec(
            code=code,
            problems=(
                r.members("problems", tuple(ProblemType)) if "problems" in item else frozenset()
            ),
            flag=r.choice("flag", SHORTCUT_FLAGS) if "flag" in item else None,
            step=Step(r.choice("step", step_values)) if "step" in item else None,
            parallel=tuple(Step(s) for s in r.ordered("parallel", step_values)),
            prepare=r.ids("prepare", prepare),
            evidence_recommended=r.ordered(
                "evidence_recommended", tuple(k.value for k in EvidenceKind)
            ),
            **r.sourced_fields(),
        )
        if bool(spec.problems) == (spec.flag is not None):
            r.fail("a shortcut needs either problems or a flag")
        shortcuts.append(spec)
    return tuple(shortcuts)


def _labels(raw: dict[str, Any], name: str) -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    for key, value in _table(raw, "labels", name).items():
        if not isinstance(value, dict):
            raise EscalationDataError(f"{name}: label {key!r} must be {{ zh, en }}")
        r = _Reader(value, f"{name}: label {key!r}")
        r.only({"zh", "en"})
        labels[key] = (r.text("zh"), r.text("en"))
    return labels


def _tables(raw: dict[str, Any], key: str, name: str) -> list[dict[str, Any]]:
    return tables(raw, key, name, EscalationDataError)


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    return table(raw, key, name, EscalationDataError)


class _Reader(TableReader):
    error = EscalationDataError

    def ordered(self, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        values = self.texts(key)
        if unknown := sorted(set(values) - set(allowed)):
            self.fail(f"{key}: unknown values {unknown}")
        return values

    def members(self, key: str, allowed: tuple[str, ...]) -> frozenset[str]:
        return frozenset(self.ordered(key, allowed))

    def ids(self, key: str, known: Mapping[str, object]) -> tuple[str, ...]:
        values = self.texts(key)
        if unknown := sorted(set(values) - set(known)):
            self.fail(f"{key}: unknown prepare ids {unknown}")
        return values

    def sourced(self) -> Sourced:
        return Sourced(**self.sourced_fields())

    def sourced_fields(self) -> dict[str, Any]:
        return {
            "source": self.text("source"),
            "confidence": self.choice("confidence", CONFIDENCES),
        }
