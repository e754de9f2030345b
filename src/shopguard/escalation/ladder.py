"""Where the shopper stands on the ladder, and whether it is time to climb (domain.md §5).

:func:`locate` reads the highest rung the timeline has reached and lists its findings: the
facts (the seller refused, the platform ruled …) and the windows (elapsed, or still running
with the moment they end). :func:`resolve` then applies the data of ``escalation.toml``: a
finding in the step's ``escalate_on`` moves the shopper to the step's ``next`` (or to the
finding's own ``leads_to``); otherwise the earliest running window says when to come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shopguard.deadlines.counting import count_period, is_date_only
from shopguard.escalation.advice import ParamValue, ReasonCode
from shopguard.escalation.context import Context, Finding, hours_between
from shopguard.escalation.steps import Action, Step
from shopguard.escalation.timeline import (
    EntryKind,
    RegulatorBody,
    Ruling,
    SellerResponse,
    TimelineEntry,
)
from shopguard.taxonomy import Platform, ProblemType

_STANCE: dict[SellerResponse, ReasonCode] = {
    SellerResponse.AGREED: ReasonCode.SELLER_AGREED,
    SellerResponse.PARTIAL_OFFER: ReasonCode.SELLER_PARTIAL_OFFER,
    SellerResponse.REFUSED: ReasonCode.SELLER_REFUSED,
    SellerResponse.STALLING: ReasonCode.SELLER_STALLING,
}  # NO_ANSWER is not a stance: the reply window decides
_RULING: dict[Ruling, ReasonCode] = {
    Ruling.FOR_SHOPPER: ReasonCode.RULED_FOR_SHOPPER,
    Ruling.AGAINST: ReasonCode.RULED_AGAINST,
    Ruling.PARTIAL: ReasonCode.RULED_PARTIAL,
}
_BODY_STEP: dict[RegulatorBody, Step] = {
    RegulatorBody.R12315: Step.REGULATOR_12315,
    RegulatorBody.CONSUMER_ASSOCIATION: Step.CONSUMER_ASSOCIATION,
}


@dataclass(frozen=True)
class Position:
    step: Step  # the step reached (taken) or, before any step, the one to start with
    taken: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Outcome:
    step: Step
    action: Action
    then: Step | None
    next_step_at: datetime | None
    findings: tuple[Finding, ...]


def locate(ctx: Context) -> Position:
    if ctx.court is not None:
        return _court(ctx, ctx.court)
    regulator = _regulator(ctx)
    if regulator is not None:
        return regulator
    if ctx.first(EntryKind.INTERVENTION_REQUESTED) or ctx.first(EntryKind.PLATFORM_RULED):
        return _intervention(ctx)
    if ctx.first(EntryKind.AFTER_SALES_FILED) or ctx.first(EntryKind.TICKET_FILED):
        return _ticket(ctx)
    contact = ctx.first(EntryKind.SELLER_CONTACTED)
    if contact is not None:
        return _seller(ctx, contact)
    return _start(ctx)


def resolve(ctx: Context, position: Position) -> Outcome:
    """Apply the step's escalation conditions (data) to the position's findings."""
    spec = ctx.data.step(position.step)
    settled = tuple(f for f in position.findings if not f.running)
    fired = [f for f in settled if f.code in spec.escalate_on]
    if fired:
        targets = [target_of(ctx, position.step, f.code) for f in fired]
        target = max(targets, key=lambda step: ctx.data.step(step).rung)
        gates = [f for f in position.findings if f.gate_for is target]
        if gates:
            gate = max(gates, key=_due)
            return Outcome(position.step, Action.WAIT, target, gate.due, (*settled, *gates))
        return Outcome(target, Action.ACT, None, None, settled)
    running = [f for f in position.findings if f.running and f.fires is not None]
    if running:
        soonest = min(running, key=lambda f: _opens_at(ctx, position, f))
        assert soonest.fires is not None
        then = target_of(ctx, position.step, soonest.fires)
        when = _opens_at(ctx, position, soonest)
        return Outcome(position.step, Action.WAIT, then, when, position.findings)
    action = Action.WAIT if position.taken else Action.ACT
    return Outcome(position.step, action, None, None, position.findings)


def target_of(ctx: Context, step: Step, code: ReasonCode) -> Step:
    """Where ``code`` leads from ``step``: its own ``leads_to``, else the step's ``next``."""
    leads_to = ctx.data.reasons[code].leads_to or ctx.data.step(step).next
    if leads_to is None:
        raise ValueError(f"{code.value} escalates from {step.value}, which has no next step")
    return leads_to


def _due(finding: Finding) -> datetime:
    assert finding.due is not None
    return finding.due


def _opens_at(ctx: Context, position: Position, finding: Finding) -> datetime:
    """When a running window really opens its step: not before a gate on that step."""
    assert finding.fires is not None
    target = target_of(ctx, position.step, finding.fires)
    dues = [_due(finding)] + [_due(g) for g in position.findings if g.gate_for is target]
    return max(dues)


# --- one rung each -------------------------------------------------------------------------


def _start(ctx: Context) -> Position:
    """Nothing logged yet: the robot for problems it handles, else the seller."""
    case = ctx.case
    if case.problem_type not in ctx.data.self_service_problems:
        return Position(Step.SELLER, False, (Finding(ReasonCode.NO_CONTACT_YET, {}),))
    findings: list[Finding] = []
    if case.problem_type == ProblemType.LOGISTICS:
        if case.last_tracking_at is not None:
            stall = ctx.window("logistics_stall", "last_tracking_at", case.last_tracking_at)
            if stall is not None:
                findings.append(
                    ctx.timed(
                        stall, ReasonCode.TRACKING_WINDOW_RUNNING, ReasonCode.TRACKING_STALLED
                    )
                )
        elif case.paid_at is not None:
            pickup = ctx.window("pickup", "paid_at", case.paid_at)
            if pickup is not None:
                findings.append(
                    ctx.timed(pickup, ReasonCode.PICKUP_WINDOW_RUNNING, ReasonCode.NO_PICKUP)
                )
    if not findings:
        findings.append(Finding(ReasonCode.SELF_SERVICE_FIRST, {}))
    return Position(Step.SELF_SERVICE, False, tuple(findings))


def _stance(ctx: Context, since: datetime) -> Finding | None:
    """The seller's latest answer since ``since``, when it is a stance (not "no answer")."""
    replies = ctx.after(since, EntryKind.SELLER_REPLIED)
    if not replies or replies[-1].response not in _STANCE:
        return None
    reply = replies[-1]
    assert reply.response is not None
    params: dict[str, ParamValue] = {"replied_at": reply.at}
    if reply.offer_fen is not None:
        params["offer_fen"] = reply.offer_fen
        if ctx.case.amount_fen:
            params["amount_fen"] = ctx.case.amount_fen
            params["offer_percent"] = reply.offer_fen * 100 // ctx.case.amount_fen
    return Finding(_STANCE[reply.response], params)


def _seller(ctx: Context, contact: TimelineEntry) -> Position:
    stance = _stance(ctx, contact.at)
    if stance is not None:
        return Position(Step.SELLER, True, (stance,))
    findings: list[Finding] = []
    window = ctx.window("seller_reply", "seller_contacted_at", contact.at)
    if window is not None:
        findings.append(
            ctx.timed(window, ReasonCode.SELLER_WINDOW_RUNNING, ReasonCode.SELLER_WINDOW_ELAPSED)
        )
    return Position(Step.SELLER, True, tuple(findings))


def _ticket(ctx: Context) -> Position:
    request = ctx.first(EntryKind.AFTER_SALES_FILED)
    ticket = ctx.first(EntryKind.TICKET_FILED)
    opened = min((e for e in (request, ticket) if e is not None), key=lambda e: e.at)
    findings: list[Finding] = []
    stance = _stance(ctx, opened.at)
    if stance is not None:
        findings.append(stance)
    if stance is None or stance.code is not ReasonCode.SELLER_AGREED:
        if request is not None and stance is None:
            window = ctx.window("seller_reply", "seller_contacted_at", request.at)
            if window is not None:
                findings.append(
                    ctx.timed(
                        window,
                        ReasonCode.REQUEST_WINDOW_RUNNING,
                        ReasonCode.REQUEST_WINDOW_ELAPSED,
                    )
                )
        if ticket is not None:
            window = ctx.window("ticket_reply", "ticket_filed_at", ticket.at)
            if window is not None:
                findings.append(
                    ctx.timed(
                        window, ReasonCode.TICKET_WINDOW_RUNNING, ReasonCode.TICKET_WINDOW_ELAPSED
                    )
                )
        if ctx.case.platform == Platform.JD:
            findings.extend(_jd_windows(ctx, opened))
    return Position(Step.PLATFORM_TICKET, True, tuple(findings))


def _jd_windows(ctx: Context, opened: TimelineEntry) -> list[Finding]:
    """JD: 京东介入 opens 24 h after the dispute opened and closes 15 days after a refusal."""
    findings: list[Finding] = []
    gate = ctx.window("jd_intervention", "dispute_opened_at", opened.at)
    if gate is not None and ctx.now < gate.due_at:
        params: dict[str, ParamValue] = {
            "rule": gate.rule_id,
            "window_hours": gate.amount,
            "started_at": gate.starts_at,
            "ends_at": gate.due_at,
        }
        findings.append(
            Finding(
                ReasonCode.JD_INTERVENTION_OPENS,
                params,
                gate,
                due=gate.due_at,
                gate_for=Step.PLATFORM_INTERVENTION,
            )
        )
    refusal = ctx.first(EntryKind.SELLER_REPLIED, response=SellerResponse.REFUSED)
    if refusal is not None:
        limit = ctx.window("jd_intervention_limit", "seller_refused_at", refusal.at)
        if limit is not None and ctx.now >= limit.due_at:
            findings.append(ctx.elapsed(limit, ReasonCode.JD_INTERVENTION_LIMIT_PASSED))
    return findings


def _intervention(ctx: Context) -> Position:
    ruling = ctx.last(EntryKind.PLATFORM_RULED)
    if ruling is not None:
        assert ruling.ruling is not None
        finding = Finding(_RULING[ruling.ruling], {"ruled_at": ruling.at})
        return Position(Step.PLATFORM_INTERVENTION, True, (finding,))
    request = ctx.first(EntryKind.INTERVENTION_REQUESTED)
    assert request is not None
    findings: list[Finding] = []
    stall_rule = ctx.data.step(Step.PLATFORM_INTERVENTION).stall_rule
    if stall_rule is not None:
        window = ctx.window(stall_rule, "ticket_filed_at", request.at)
        if window is not None:
            findings.append(
                ctx.timed(
                    window,
                    ReasonCode.INTERVENTION_WINDOW_RUNNING,
                    ReasonCode.INTERVENTION_STALLED,
                )
            )
    return Position(Step.PLATFORM_INTERVENTION, True, tuple(findings))


def _regulator(ctx: Context) -> Position | None:
    """The open complaint (the first filed, if both are open), else the last one closed."""
    open_ = [e for e in (ctx.handling(b) for b in RegulatorBody) if e is not None]
    if open_:
        filed = min(open_, key=lambda e: e.at)
        assert filed.body is not None
        if filed.body is RegulatorBody.R12315:
            return _complaint_12315(ctx, filed)
        return _association(ctx, filed)
    closed = ctx.last(EntryKind.REGULATOR_CLOSED)
    if closed is None:
        return None
    assert closed.body is not None
    params: dict[str, ParamValue] = {
        "body": closed.body.value,
        "outcome": str(closed.regulator_outcome),
        "closed_at": closed.at,
    }
    finding = Finding(ReasonCode.REGULATOR_CLOSED, params)
    return Position(_BODY_STEP[closed.body], True, (finding,))


def _complaint_12315(ctx: Context, filed: TimelineEntry) -> Position:
    step = Step.REGULATOR_12315
    accepted = [
        e
        for e in ctx.after(filed.at, EntryKind.REGULATOR_ACCEPTED)
        if e.body is RegulatorBody.R12315
    ]
    if accepted:
        start = accepted[0].at
        windows = [
            ctx.window(rule_id, "complaint_12315_accepted_at", start)
            for rule_id in ("12315_mediation", "12315_mediation_60d")
        ]
        present = [w for w in windows if w is not None]
        if not present:
            return Position(step, True, ())
        earliest = min(present, key=lambda w: w.due_at)  # the two texts conflict: the earlier
        finding = ctx.timed(earliest, ReasonCode.MEDIATION_RUNNING, ReasonCode.MEDIATION_ELAPSED)
        return Position(step, True, (finding,))
    accept = ctx.window("12315_accept", "complaint_12315_filed_at", filed.at)
    if accept is None:
        return Position(step, True, ())
    finding = ctx.timed(
        accept, ReasonCode.REGULATOR_ACCEPT_RUNNING, ReasonCode.REGULATOR_ACCEPT_ELAPSED
    )
    return Position(step, True, (finding,))


def _association(ctx: Context, filed: TimelineEntry) -> Position:
    """No legal clock binds a consumer association: its typical handling time (low)."""
    days = ctx.data.association_days
    count = count_period(
        "calendar_days", filed.at, days, ctx.zone, time_known=not is_date_only(filed.at, ctx.zone)
    )
    params: dict[str, ParamValue] = {"window_days": days, "started_at": filed.at}
    if ctx.now < count.due_at:
        params["ends_at"] = count.due_at
        finding = Finding(
            ReasonCode.ASSOCIATION_WINDOW_RUNNING,
            params,
            due=count.due_at,
            fires=ReasonCode.ASSOCIATION_WINDOW_ELAPSED,
        )
    else:
        params["ended_at"] = count.due_at
        params["elapsed_hours"] = hours_between(filed.at, ctx.now)
        finding = Finding(ReasonCode.ASSOCIATION_WINDOW_ELAPSED, params)
    return Position(Step.CONSUMER_ASSOCIATION, True, (finding,))


def _court(ctx: Context, entry: TimelineEntry) -> Position:
    params: dict[str, ParamValue] = {"forum": str(entry.forum), "started_at": entry.at}
    return Position(Step.BEYOND, True, (Finding(ReasonCode.COURT_HANDLES, params),))
