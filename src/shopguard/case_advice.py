"""The escalation advisor (issue #6) over a stored case: its facts, timeline and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_timeline import Logged, list_entries
from shopguard.cases import get_case
from shopguard.db.models import Case
from shopguard.escalation import Advice, AdvisorCase, EvidenceCoverage, advise
from shopguard.evidence.checklist import Tally, evaluate
from shopguard.evidence.kinds import EvidenceKind
from shopguard.evidence.rules import checklist_for


@dataclass(frozen=True)
class CaseAdvice:
    case: Case
    timeline: list[Logged]
    advice: Advice


def advisor_case(case: Case) -> AdvisorCase:
    return AdvisorCase(
        platform=case.platform,
        problem_type=case.problem_type,
        category=case.category,
        amount_fen=case.amount_fen,
        ordered_at=case.ordered_at,
        paid_at=case.paid_at,
        signed_at=case.signed_at,
        knew_of_harm_at=case.knew_of_harm_at,
        last_tracking_at=case.last_tracking_at,
        injury_or_hazard=bool(case.injury_or_hazard),
        live_stream=bool(case.live_room_id),
        special_price=bool(case.special_price),
        jd_self_operated=case.jd_self_operated,
    )


def evidence_coverage(case: Case) -> EvidenceCoverage:
    """What the evidence locker holds for the case (its tally) against the problem checklist."""
    tally = Tally.from_json(case.evidence_tally)
    covered = {kind for kind in tally.kinds if kind in EvidenceKind._value2member_map_}
    checklist = checklist_for(case.problem_type)
    for item_id in tally.ticked:  # held offline: its kinds count as held
        item = checklist.item(item_id)
        if item is not None:
            covered.update(k.value for k in item.kinds if k is not EvidenceKind.OTHER)
    evidence: list[tuple[int, str | None]] = []
    for kind, count in tally.kinds.items():
        evidence.extend((len(evidence) + 1, kind) for _ in range(count))
    report = evaluate(case.problem_type, evidence, tally.ticked)
    required: list[str] = []
    recommended: list[str] = []
    for status in report.missing():
        bucket = required if status.item.required else recommended
        for kind in status.item.kinds:
            if kind is not EvidenceKind.OTHER and kind not in required and kind not in bucket:
                bucket.append(kind.value)
    return EvidenceCoverage(
        covered=frozenset(covered),
        missing_required=tuple(required),
        missing_recommended=tuple(k for k in recommended if k not in required),
    )


async def case_advice(
    session: AsyncSession, user_id: int, case_id: int, now: datetime, tz: str
) -> CaseAdvice:
    case = await get_case(session, user_id, case_id)
    timeline = await list_entries(session, user_id, case_id)
    advice = advise(
        advisor_case(case), [t.entry for t in timeline], evidence_coverage(case), now, tz
    )
    return CaseAdvice(case, timeline, advice)
