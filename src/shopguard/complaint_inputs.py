"""A stored case as complaint inputs: its facts, dated timeline, numbered evidence, and the
required evidence still missing (the drafts in :mod:`shopguard.complaints` never read the
database themselves).

The timeline is the case's logged dispute steps (:mod:`shopguard.case_timeline`) plus the
case's own dated facts for the events the log does not already have, so nothing is counted
twice and nothing typed by hand is lost.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_timeline import list_entries
from shopguard.complaints import ComplaintFacts, Event, EvidenceEntry, TimelineEntry
from shopguard.db.models import Case
from shopguard.escalation import EntryKind
from shopguard.escalation import TimelineEntry as Step
from shopguard.evidence.checklist import evaluate
from shopguard.evidence.queries import case_items, ticks
from shopguard.money import format_fen
from shopguard.price_protection import lowest_reported
from shopguard.taxonomy import Language

_CASE_MOMENTS: tuple[tuple[str, Event], ...] = (
    ("paid_at", Event.PAID),
    ("knew_of_harm_at", Event.DISCOVERED),
    ("seller_contacted_at", Event.CONTACTED_SELLER),
    ("return_requested_at", Event.AFTER_SALES_REQUESTED),
    ("return_received_at", Event.RETURN_RECEIVED),
    ("dispute_opened_at", Event.CONTACTED_PLATFORM),
    ("ticket_filed_at", Event.TICKET_FILED),
)
_STEP_EVENTS: dict[EntryKind, Event] = {
    EntryKind.SELLER_CONTACTED: Event.CONTACTED_SELLER,
    EntryKind.SELLER_REPLIED: Event.SELLER_REPLIED,
    EntryKind.AFTER_SALES_FILED: Event.AFTER_SALES_REQUESTED,
    EntryKind.TICKET_FILED: Event.TICKET_FILED,
    EntryKind.INTERVENTION_REQUESTED: Event.CONTACTED_PLATFORM,
    EntryKind.PLATFORM_RULED: Event.PLATFORM_REPLIED,
}
_RESPONSES = {
    "agreed": ("商家同意处理", "the seller agreed"),
    "refused": ("商家拒绝", "the seller refused"),
    "partial_offer": ("商家只同意部分赔付", "the seller offered part"),
}


def case_facts(case: Case) -> ComplaintFacts:
    return ComplaintFacts(
        platform=case.platform,  # type: ignore[arg-type]
        problem_type=case.problem_type,  # type: ignore[arg-type]
        category=case.category,  # type: ignore[arg-type]
        shop_name=case.shop_name,
        seller_business_name=case.seller_business_name,
        seller_address=case.seller_address,
        item=case.item,
        order_no=case.order_no,
        amount_paid_fen=case.amount_fen,
        quantity=case.quantity,
        unit_price_fen=case.unit_price_fen,
        ordered_at=case.ordered_at,
        signed_at=case.signed_at,
        live_room_id=case.live_room_id,
        last_tracking_at=case.last_tracking_at,
        price_protect_days=case.price_protect_days,
    )


async def complaint_facts(session: AsyncSession, case: Case) -> ComplaintFacts:
    """The case's facts plus what a complaint also cites: the lowest price seen since (价保)."""
    facts = case_facts(case)
    lowest = await lowest_reported(session, case)
    if lowest is None or lowest.amount_fen is None:
        return facts
    return replace(facts, current_unit_price_fen=lowest.amount_fen, current_price_seen_at=lowest.at)


def _step(step: Step, language: Language) -> TimelineEntry | None:
    event = _STEP_EVENTS.get(step.kind)
    if event is None:
        return None
    zh = language == Language.ZH
    outcome = ""
    if step.response is not None:
        outcome = _RESPONSES.get(step.response.value, ("", ""))[0 if zh else 1]
        if step.offer_fen is not None:
            outcome += (
                f"（{format_fen(step.offer_fen)}）" if zh else f" ({format_fen(step.offer_fen)})"
            )
    return TimelineEntry(
        step.at, event, detail=step.note or "", outcome=outcome, channel=step.reference or ""
    )


async def case_timeline(
    session: AsyncSession, case: Case, language: Language
) -> tuple[TimelineEntry, ...]:
    """Logged steps, then the case's dated facts for events the log lacks."""
    assert case.id is not None
    entries = [
        entry
        for logged in await list_entries(session, case.user_id, case.id)
        if (entry := _step(logged.entry, language)) is not None
    ]
    present = {entry.event for entry in entries}
    for name, event in _CASE_MOMENTS:
        at: datetime | None = getattr(case, name)
        if at is not None and event not in present:
            entries.append(TimelineEntry(at, event))
    if case.seller_refused_at is not None and Event.SELLER_REPLIED not in present:
        refused = _RESPONSES["refused"][0 if language == Language.ZH else 1]
        entries.append(TimelineEntry(case.seller_refused_at, Event.SELLER_REPLIED, outcome=refused))
    return tuple(sorted(entries, key=lambda entry: entry.at))


async def case_evidence(
    session: AsyncSession, case: Case
) -> tuple[tuple[EvidenceEntry, ...], tuple[str, ...]]:
    """证据1…n as entries, and the required checklist items nothing covers yet."""
    assert case.id is not None
    _, items = await case_items(session, case.user_id, case.id)
    entries = tuple(
        EvidenceEntry(number, item.kind, item.description, item.original_at)
        for number, item in items
    )
    report = evaluate(
        case.problem_type, [(n, i.kind) for n, i in items], await ticks(session, case)
    )
    missing = tuple(s.item.id for s in report.missing() if s.item.required)
    return entries, missing
