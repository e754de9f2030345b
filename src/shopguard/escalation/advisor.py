"""``advise``: the next step, why, what to prepare, where, and when (issue #6, domain.md §5).

A pure function of the case facts, the timeline, the evidence coverage, the rules data and
the clock. The ladder (:mod:`shopguard.escalation.ladder`) finds the step; this module then
applies what holds at every step:

- 12315 is never suggested after its 3-year limit, nor while a court, arbitration body or
  消协 handles the dispute (and 消协 is offered only as the alternative to 12315, never both);
- the shortcuts of ``escalation.toml`` (counterfeit / food safety: platform and 12315 in
  parallel with the seller; injury or hazard: 12315 and a lawyer, keep everything);
- warnings (the seller asked to move payment or chat off the platform) at any step;
- then :mod:`shopguard.escalation.assemble` adds what to prepare, the drafts to write, where
  to go (channel guide), the limits to beat and the sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopguard.escalation.advice import (
    Advice,
    AdvisorCase,
    EvidenceCoverage,
    ReasonCode,
    ResolutionSummary,
    SourceRef,
)
from shopguard.escalation.assemble import assemble
from shopguard.escalation.context import Context, Finding
from shopguard.escalation.data import ShortcutSpec, load_escalation
from shopguard.escalation.ladder import locate, resolve
from shopguard.escalation.plan import Plan
from shopguard.escalation.render import make_reason
from shopguard.escalation.steps import Action, Step
from shopguard.escalation.timeline import (
    ContactChannel,
    EntryKind,
    RegulatorBody,
    TimelineEntry,
    in_order,
)


def advise(
    case: AdvisorCase,
    timeline: Sequence[TimelineEntry],
    evidence: EvidenceCoverage,
    now: datetime,
    tz: str,
) -> Advice:
    """What to do next about ``case``, as of ``now``; moments are counted in zone ``tz``.

    Entries after ``now`` have not happened yet and are ignored. A case whose latest step is
    "resolved" gets a :class:`ResolutionSummary` and no advice.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    ctx = Context(case, in_order(timeline, now), now, tz, _zone(tz), load_escalation())
    resolved = _resolution(ctx)
    if resolved is not None:
        return resolved
    outcome = resolve(ctx, locate(ctx))
    plan = Plan.from_outcome(outcome)
    _block_12315(ctx, plan)
    for shortcut in ctx.data.shortcuts:
        if _applies(shortcut, case):
            _apply_shortcut(ctx, plan, shortcut)
    _limit_note(ctx, plan)
    return assemble(ctx, plan, evidence, _warnings(ctx))


# --- 12315: when it must not be suggested ------------------------------------------------


def _why_not_12315(ctx: Context) -> Finding | None:
    """Why 12315 cannot take the dispute now, or None when it can."""
    if ctx.court is not None:
        return None  # the ladder already stands at "beyond" with court_handles
    association = ctx.handling(RegulatorBody.CONSUMER_ASSOCIATION)
    if association is not None:
        return Finding(ReasonCode.ASSOCIATION_HANDLES, {"started_at": association.at})
    return ctx.limit_finding("12315_limit", ReasonCode.REGULATOR_LIMIT_PASSED)


def _block_12315(ctx: Context, plan: Plan) -> None:
    """A 12315 step that may not be taken gives way to the step after it (beyond)."""
    if Step.REGULATOR_12315 not in (plan.step, plan.then):
        return
    if plan.step is Step.REGULATOR_12315 and plan.action is Action.WAIT:
        return  # already filed: the complaint runs its course
    blocker = _why_not_12315(ctx)
    if blocker is None:
        return
    after = ctx.data.step(Step.REGULATOR_12315).next or Step.BEYOND
    plan.add(blocker)
    if plan.step is Step.REGULATOR_12315:
        plan.step = after
    if plan.then is Step.REGULATOR_12315:
        plan.then = after


def _limit_note(ctx: Context, plan: Plan) -> None:
    """Heading beyond after the civil limitation period: say so (the seller may plead it)."""
    if Step.BEYOND in (plan.step, plan.then, *plan.parallel) and ctx.court is None:
        plan.add(ctx.limit_finding("lawsuit_limit", ReasonCode.LAWSUIT_LIMIT_PASSED))


# --- shortcuts -----------------------------------------------------------------------------


def _applies(shortcut: ShortcutSpec, case: AdvisorCase) -> bool:
    if shortcut.flag is not None:
        return bool(getattr(case, shortcut.flag))
    return case.problem_type in shortcut.problems


def _apply_shortcut(ctx: Context, plan: Plan, shortcut: ShortcutSpec) -> None:
    rung = ctx.data.step(Step.REGULATOR_12315).rung
    before_regulator = ctx.data.step(plan.step).rung < rung
    blocker = _why_not_12315(ctx)
    if shortcut.step is not None and before_regulator:
        # the shortcut replaces the ladder's step (injury: 12315 now, not the seller's window)
        plan.step = shortcut.step
        plan.action = Action.ACT
        plan.then = plan.next_step_at = None
        plan.findings = []
        if shortcut.step is Step.REGULATOR_12315 and blocker is not None:
            plan.step = ctx.data.step(Step.REGULATOR_12315).next or Step.BEYOND
            plan.add(blocker)
    elif shortcut.step is None and not before_regulator:
        # a parallel shortcut has nothing to add once a regulator or court has the dispute;
        # while 消协 has it, say why 12315 is not suggested alongside
        held = blocker is not None and blocker.code is ReasonCode.ASSOCIATION_HANDLES
        if Step.REGULATOR_12315 in shortcut.parallel and held:
            plan.add(blocker)
        return
    plan.findings.insert(0, Finding(shortcut.code, {}))
    here = ctx.data.step(plan.step).rung
    for step in shortcut.parallel:
        if step is plan.step or ctx.data.step(step).rung <= here:
            continue
        if step is Step.REGULATOR_12315 and blocker is not None:
            plan.add(blocker)
            continue
        if step not in plan.parallel:
            plan.parallel.append(step)
    plan.prepare += shortcut.prepare
    plan.recommended_kinds += [(kind, None) for kind in shortcut.evidence_recommended]


# --- warnings ------------------------------------------------------------------------------


def _warnings(ctx: Context) -> list[Finding]:
    warnings: list[Finding] = []
    request = ctx.last(EntryKind.OFF_PLATFORM_REQUEST)
    if request is not None:
        warnings.append(Finding(ReasonCode.OFF_PLATFORM_REQUEST, {"at": request.at}))
    contact = ctx.last(EntryKind.SELLER_CONTACTED, channel=ContactChannel.OFF_PLATFORM)
    if contact is not None:
        warnings.append(Finding(ReasonCode.OFF_PLATFORM_CONTACT, {"at": contact.at}))
    if all(ctx.handling(body) is not None for body in RegulatorBody):
        warnings.append(Finding(ReasonCode.BOTH_REGULATORS, {}))
    return warnings


# --- the resolved case ---------------------------------------------------------------------


def _resolution(ctx: Context) -> Advice | None:
    """A summary when the latest step is "resolved" (a later step reopens the case)."""
    steps = [e for e in ctx.entries if e.kind is not EntryKind.OFF_PLATFORM_REQUEST]
    if not steps or steps[-1].kind is not EntryKind.RESOLVED:
        return None
    entry = steps[-1]
    assert entry.outcome is not None and entry.amount_recovered_fen is not None
    started = ctx.entries[0].at
    days = (entry.at.astimezone(ctx.zone).date() - started.astimezone(ctx.zone).date()).days
    summary = ResolutionSummary(
        outcome=entry.outcome,
        amount_recovered_fen=entry.amount_recovered_fen,
        amount_fen=ctx.case.amount_fen,
        started_at=started,
        resolved_at=entry.at,
        days_taken=days,
    )
    params = {
        "outcome": entry.outcome.value,
        "resolved_at": entry.at,
        "amount_recovered_fen": entry.amount_recovered_fen,
        "days_taken": days,
    }
    reason = make_reason(ctx.data, ReasonCode.CASE_RESOLVED, params, ctx.zone)
    return Advice(
        step=Step.NONE,
        action=Action.NONE,
        next_step_at=None,
        then=None,
        parallel=(),
        alternative=None,
        reasons=(reason,),
        warnings=(),
        missing_evidence=(),
        prepare=(),
        drafts=(),
        guides=(),
        act_by=(),
        sources=(SourceRef(f"escalation:{reason.code.value}", reason.source, reason.confidence),),
        summary=summary,
    )


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc
