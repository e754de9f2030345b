"""The case timeline service on SQLite: add / list / delete, owner scoping, the Case facts the
timeline settles (and the reminders re-planned from them), the card digest, /stats, and the
advisor's view of a stored case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_advice import advisor_case, case_advice, evidence_coverage
from shopguard.case_timeline import (
    Digest,
    add_entry,
    delete_entry,
    get_entry,
    list_entries,
    shopper_stats,
)
from shopguard.cases import open_case, set_field
from shopguard.clock import FixedClock
from shopguard.db.models import Case, Reminder, TimelineEvent
from shopguard.errors import InputError, NotFound
from shopguard.escalation import (
    AfterSalesType,
    ResolvedOutcome,
    SellerResponse,
    Step,
    TimelineEntry,
)
from shopguard.users import ensure_user

E = TimelineEntry
SH = "Asia/Shanghai"


async def _case(db: AsyncSession, clock: FixedClock, user_id: int = 1, **facts: object) -> Case:
    await ensure_user(db, user_id, clock())
    return await open_case(db, user_id, clock(), problem_type="not_as_described", **facts)


async def _pending(db: AsyncSession, case_id: int, key: str) -> list[Reminder]:
    rows = await db.exec(
        select(Reminder).where(
            col(Reminder.case_id) == case_id,
            col(Reminder.deadline_key) == key,
            col(Reminder.status) == "pending",
        )
    )
    return list(rows.all())


async def test_add_list_in_time_order_and_facts_written(
    db: AsyncSession, clock: FixedClock
) -> None:
    case = await _case(db, clock)
    assert case.id is not None
    now = clock()
    requested = E.after_sales_filed(now - timedelta(hours=5), AfterSalesType.RETURN_AND_REFUND)
    contacted = E.seller_contacted(now - timedelta(days=1))
    refused = E.seller_replied(now - timedelta(hours=1), SellerResponse.REFUSED)
    for entry in (requested, refused, contacted):
        await add_entry(db, 1, case.id, entry, now)
    listed = await list_entries(db, 1, case.id)
    assert [item.entry for item in listed] == [contacted, requested, refused]
    assert (case.seller_contacted_at, case.return_requested_at) == (contacted.at, requested.at)
    assert (case.dispute_opened_at, case.seller_refused_at) == (requested.at, refused.at)
    assert case.ticket_filed_at is None
    digest = Digest.from_json(case.timeline_digest)
    assert digest == Digest(3, (contacted, requested, refused))
    # the 退货退款 request starts the 15-day "request not handled" clock: reminders planned
    assert await _pending(db, case.id, "return_unhandled")


async def test_delete_re_derives_the_facts_and_re_plans(
    db: AsyncSession, clock: FixedClock
) -> None:
    case = await _case(db, clock)
    assert case.id is not None
    now = clock()
    first = await add_entry(
        db, 1, case.id, E.after_sales_filed(now - timedelta(days=2), AfterSalesType.EXCHANGE), now
    )
    second = await add_entry(
        db,
        1,
        case.id,
        E.after_sales_filed(now - timedelta(days=1), AfterSalesType.RETURN_AND_REFUND),
        now,
    )
    assert case.dispute_opened_at == first.entry.at
    await delete_entry(db, 1, first.id, now)
    assert case.dispute_opened_at == second.entry.at  # the next earliest request
    assert case.seller_contacted_at == second.entry.at
    await delete_entry(db, 1, second.id, now)
    assert (case.dispute_opened_at, case.return_requested_at, case.seller_contacted_at) == (
        None,
        None,
        None,
    )
    assert await _pending(db, case.id, "return_unhandled") == []
    assert Digest.from_json(case.timeline_digest) == Digest(0, ())
    assert await list_entries(db, 1, case.id) == []


async def test_a_moment_typed_by_hand_survives_an_unrelated_deletion(
    db: AsyncSession, clock: FixedClock
) -> None:
    case = await _case(db, clock)
    assert case.id is not None
    now = clock()
    typed = now - timedelta(days=3)
    await set_field(db, 1, case.id, "ticket_filed_at", typed, now)
    logged = await add_entry(db, 1, case.id, E.seller_contacted(now - timedelta(days=1)), now)
    await delete_entry(db, 1, logged.id, now)
    assert case.ticket_filed_at == typed
    assert case.seller_contacted_at is None


async def test_owner_scoping(db: AsyncSession, clock: FixedClock) -> None:
    case = await _case(db, clock)
    await _case(db, clock, user_id=2)
    assert case.id is not None
    now = clock()
    logged = await add_entry(db, 1, case.id, E.seller_contacted(now), now)
    with pytest.raises(NotFound):
        await add_entry(db, 2, case.id, E.seller_contacted(now), now)
    with pytest.raises(NotFound):
        await list_entries(db, 2, case.id)
    with pytest.raises(NotFound):
        await get_entry(db, 2, logged.id)
    with pytest.raises(NotFound):
        await delete_entry(db, 2, logged.id, now)
    with pytest.raises(NotFound):
        await case_advice(db, 2, case.id, now, SH)
    rows = (await db.exec(select(TimelineEvent))).all()
    assert [(r.user_id, r.case_id) for r in rows] == [(1, case.id)]
    assert case.seller_contacted_at == now


async def test_a_step_in_the_future_is_refused(db: AsyncSession, clock: FixedClock) -> None:
    case = await _case(db, clock)
    assert case.id is not None
    with pytest.raises(InputError) as err:
        await add_entry(db, 1, case.id, E.seller_contacted(clock() + timedelta(minutes=1)), clock())
    assert err.value.code == "date.future"
    assert (await db.exec(select(TimelineEvent))).all() == []


async def test_stats_count_resolved_cases_and_money(db: AsyncSession, clock: FixedClock) -> None:
    now = clock()
    a, b, c = [await _case(db, clock) for _ in range(3)]
    other = await _case(db, clock, user_id=2)
    for case in (a, b, c, other):
        assert case.id is not None
        await add_entry(db, case.user_id, case.id, E.seller_contacted(now - timedelta(days=5)), now)
    assert a.id and b.id and c.id and other.id
    await add_entry(db, 1, a.id, E.resolved(now, ResolvedOutcome.FULL_REFUND, 39800), now)
    await add_entry(
        db, 1, b.id, E.resolved(now - timedelta(days=2), ResolvedOutcome.GAVE_UP, 0), now
    )
    await add_entry(db, 1, b.id, E.off_platform_request(now - timedelta(days=1)), now)
    # reopened by a later step: no longer resolved
    await add_entry(
        db, 1, c.id, E.resolved(now - timedelta(days=2), ResolvedOutcome.OTHER, 500), now
    )
    await add_entry(db, 1, c.id, E.ticket_filed(now - timedelta(days=1), "T-1"), now)
    await add_entry(db, 2, other.id, E.resolved(now, ResolvedOutcome.COMPENSATION, 100000), now)
    stats = await shopper_stats(db, 1)
    assert (stats.opened, stats.resolved, stats.recovered_fen) == (3, 2, 39800)


async def test_the_advisor_reads_the_stored_case(db: AsyncSession, clock: FixedClock) -> None:
    case = await _case(db, clock, amount_fen=39800, live_room_id="LR12345")
    assert case.id is not None
    await set_field(db, 1, case.id, "injury_or_hazard", True, clock())
    await set_field(db, 1, case.id, "special_price", True, clock())
    facts = advisor_case(case)
    assert (facts.injury_or_hazard, facts.special_price, facts.live_stream) == (True, True, True)
    assert facts.amount_fen == 39800 and facts.platform == "douyin"
    case.evidence_tally = '{"kinds": {"unboxing_video": 1}, "unclassified": 0, "ticked": []}'
    coverage = evidence_coverage(case)
    assert coverage.covered == frozenset({"unboxing_video"})
    assert "unboxing_video" not in coverage.missing_required
    assert coverage.missing_required  # the rest of the not-as-described checklist
    found = await case_advice(db, 1, case.id, clock(), SH)
    assert found.advice.step is Step.REGULATOR_12315  # injury or hazard: 12315 at once
