"""A short 价保 claim for the platform ticket: the case's facts, the lower price seen and the
exact difference (``(unit price paid − current unit price) × quantity``), rendered by
:func:`shopguard.complaints.render_draft`."""

from __future__ import annotations

from datetime import datetime

from shopguard.complaints import (
    Channel,
    Complaint,
    ComplaintFacts,
    Draft,
    Event,
    TimelineEntry,
    propose_demands,
    render_draft,
)
from shopguard.db.models import Case
from shopguard.money import format_fen_yuan
from shopguard.price_protection import paid_unit_fen
from shopguard.taxonomy import Category, Language, Platform, ProblemType

DEMAND_RULE = "price_protect_difference"


def claim_facts(case: Case, current_unit_fen: int, seen_at: datetime) -> ComplaintFacts:
    category = case.category if case.category in Category._value2member_map_ else None
    return ComplaintFacts(
        platform=Platform(case.platform),
        problem_type=ProblemType.PRICE_DROP,
        category=Category(category) if category else None,
        shop_name=case.shop_name,
        item=case.item,
        order_no=case.order_no,
        amount_paid_fen=case.amount_fen,
        quantity=case.quantity,
        unit_price_fen=paid_unit_fen(case),
        ordered_at=case.ordered_at,
        signed_at=case.signed_at,
        current_unit_price_fen=current_unit_fen,
        current_price_seen_at=seen_at,
        price_protect_days=case.price_protect_days,
    )


def claim_draft(
    case: Case, current_unit_fen: int, seen_at: datetime, *, now: datetime, language: str, tz: str
) -> Draft | None:
    """The platform-ticket claim; None when no price difference can be asked (not lower)."""
    facts = claim_facts(case, current_unit_fen, seen_at)
    demand = next((o for o in propose_demands(facts) if o.rule_id == DEMAND_RULE), None)
    if demand is None or demand.amount_fen is None:
        return None
    timeline = []
    if case.ordered_at is not None:
        timeline.append(TimelineEntry(case.ordered_at, Event.ORDERED))
    drop = format_fen_yuan(current_unit_fen)
    detail = f"同款现价 {drop}" if language == Language.ZH else f"same item now {drop}"
    timeline.append(TimelineEntry(seen_at, Event.PRICE_DROPPED, detail=detail))
    complaint = Complaint(facts=facts, demand=demand, timeline=tuple(timeline))
    return render_draft(complaint, Channel.PLATFORM_TICKET, now=now, language=language, tz=tz)
