"""An advice from its plan: reasons in words, evidence and items to prepare, drafts, guides,
the limits to beat and the sources (every rule id or ladder entry the advice rests on)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shopguard.deadlines import Deadline
from shopguard.deadlines.rules import Confidence
from shopguard.escalation.advice import (
    ActBy,
    Advice,
    AdvisorCase,
    EvidenceCoverage,
    MissingEvidence,
    PrepItem,
    Reason,
    SourceRef,
)
from shopguard.escalation.context import Context, Finding
from shopguard.escalation.data import EscalationData
from shopguard.escalation.guide import Guide, channel_guide
from shopguard.escalation.plan import Plan, unique
from shopguard.escalation.render import make_reason
from shopguard.escalation.steps import Action, Step
from shopguard.escalation.timeline import EntryKind, SellerResponse
from shopguard.taxonomy import Language, Platform


def assemble(
    ctx: Context, plan: Plan, evidence: EvidenceCoverage, found: Sequence[Finding]
) -> Advice:
    """The advice, with ``found`` as its warnings."""
    data = ctx.data
    reasons = tuple(word(ctx, f) for f in plan.findings)
    warnings = tuple(word(ctx, f) for f in found)
    focus = plan.focus
    prepare_ids = unique([i for step in focus for i in data.step(step).prepare] + plan.prepare)
    # 消协 is the alternative to a 12315 complaint still to be made, never a second one
    alternative = Step.CONSUMER_ASSOCIATION if Step.REGULATOR_12315 in focus else None
    act_by = _act_by(ctx, plan)
    return Advice(
        step=plan.step,
        action=plan.action,
        next_step_at=plan.next_step_at,
        then=plan.then,
        parallel=tuple(sorted(plan.parallel, key=lambda s: data.step(s).rung)),
        alternative=alternative,
        reasons=reasons,
        warnings=warnings,
        missing_evidence=_missing(ctx, plan, focus, evidence),
        prepare=tuple(_prep(data, i) for i in prepare_ids),
        drafts=tuple(unique([d for d in (data.step(s).draft for s in focus) if d is not None])),
        guides=_guides(ctx.case, unique([plan.step, *plan.parallel, plan.then])),
        act_by=act_by,
        sources=_sources(ctx, plan, (*reasons, *warnings), act_by),
    )


def word(ctx: Context, finding: Finding) -> Reason:
    deadline = finding.deadline
    return make_reason(
        ctx.data,
        finding.code,
        finding.params,
        ctx.zone,
        rule_id=deadline.rule_id if deadline else None,
        rule_source=deadline.source if deadline else None,
        rule_confidence=deadline.confidence if deadline else None,
    )


def _missing(
    ctx: Context, plan: Plan, focus: Sequence[Step], evidence: EvidenceCoverage
) -> tuple[MissingEvidence, ...]:
    """The checklist's open kinds, then what the focus steps need that the case lacks."""
    found: dict[str, MissingEvidence] = {}

    def add(kind: str, required: bool, step: Step | None) -> None:
        if kind not in found and kind not in evidence.covered:
            found[kind] = MissingEvidence(kind, required, step)

    for kind in evidence.missing_required:
        add(kind, True, None)
    for step in focus:
        for kind in ctx.data.step(step).evidence_required:
            add(kind, True, step)
    for kind in evidence.missing_recommended:
        add(kind, False, None)
    for step in focus:
        for kind in ctx.data.step(step).evidence_recommended:
            add(kind, False, step)
    for kind, owner in plan.recommended_kinds:
        add(kind, False, owner)
    return tuple(found.values())


def _prep(data: EscalationData, item_id: str) -> PrepItem:
    spec = data.prepare[item_id]
    return PrepItem(spec.id, spec.zh, spec.en, spec.source, spec.confidence)


def _guides(case: AdvisorCase, steps: Iterable[Step | None]) -> tuple[Guide, ...]:
    return tuple(
        channel_guide(
            case.platform,
            step,
            language,
            live_stream=case.live_stream,
            special_price=case.special_price,
        )
        for step in steps
        if step is not None and step is not Step.NONE
        for language in Language
    )


def _act_by(ctx: Context, plan: Plan) -> tuple[ActBy, ...]:
    """The limits the steps still to be taken must beat."""
    ahead = {*plan.parallel, *([plan.step] if plan.action is Action.ACT else []), plan.then}
    deadlines: list[Deadline | None] = []
    if Step.PLATFORM_INTERVENTION in ahead and ctx.case.platform == Platform.JD:
        refusal = ctx.first(EntryKind.SELLER_REPLIED, response=SellerResponse.REFUSED)
        if refusal is not None:
            deadlines.append(ctx.window("jd_intervention_limit", "seller_refused_at", refusal.at))
    if Step.REGULATOR_12315 in ahead:
        deadlines.append(ctx.limit("12315_limit"))
    if Step.BEYOND in ahead:
        deadlines.append(ctx.limit("lawsuit_limit"))
    return tuple(
        ActBy(d.rule_id, d.due_at, d.title_zh, d.title_en, d.confidence, d.source)
        for d in deadlines
        if d is not None and d.due_at > ctx.now
    )


def _sources(
    ctx: Context, plan: Plan, reasons: Sequence[Reason], act_by: Sequence[ActBy]
) -> tuple[SourceRef, ...]:
    refs: dict[str, SourceRef] = {}

    def add(key: str, source: str, confidence: Confidence) -> None:
        refs.setdefault(key, SourceRef(key, source, confidence))

    for step in unique([plan.step, *plan.parallel, plan.then]):
        if step is not None:
            spec = ctx.data.step(step)
            add(f"escalation:step.{step.value}", spec.source, spec.confidence)
    for reason in reasons:
        add(reason.rule_id or f"escalation:{reason.code.value}", reason.source, reason.confidence)
    for limit in act_by:
        add(limit.rule_id, limit.source, limit.confidence)
    return tuple(refs.values())
