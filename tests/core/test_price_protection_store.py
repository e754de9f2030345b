"""价保 on stored cases: the unit price paid, the watch's memory as JSON, one process per
watch check (the lease), and the chart with and without observations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.cases import open_case
from shopguard.db.models import Case
from shopguard.price_chart import ChartPoint, render_price_chart
from shopguard.price_protection import (
    case_watch,
    get_watch,
    paid_unit_fen,
    report_price,
    start_watch,
    state_from_json,
    state_to_json,
)
from shopguard.price_watch_job import claim_due_watches
from shopguard.prices import Alert, Observation, PriceFound, WatchState, decide
from shopguard.users import ensure_user

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def _case(**facts: object) -> Case:
    return Case(
        user_id=1, number=1, problem_type="price_drop", created_at=NOW, updated_at=NOW, **facts
    )


def test_the_unit_price_is_stored_or_derived_only_when_exact() -> None:
    assert paid_unit_fen(_case(unit_price_fen=9950, amount_fen=19800, quantity=2)) == 9950
    assert paid_unit_fen(_case(amount_fen=19800, quantity=2)) == 9900
    assert paid_unit_fen(_case(amount_fen=20000, quantity=3)) is None
    assert paid_unit_fen(_case()) is None


def test_the_watch_state_survives_json() -> None:
    alert = Alert(NOW, 7900, 4000, 4000, "page")
    state = WatchState(alerts=(alert,), told_unreadable=True, failures_in_row=2)
    assert state_from_json(state_to_json(state)) == state
    assert state_from_json("{}") == WatchState()


async def test_a_due_watch_is_claimed_by_one_process_until_its_lease_ends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await ensure_user(session, 1, NOW)
        case = await open_case(session, 1, NOW, problem_type="price_drop", amount_fen=9900)
        assert case.id is not None
        await start_watch(session, 1, case.id, "https://item.jd.com/1.html", NOW)
        await session.commit()
    lease = timedelta(minutes=5)
    first = await claim_due_watches(sessions, now=NOW, owner="a", lease=lease, limit=10)
    second = await claim_due_watches(sessions, now=NOW, owner="b", lease=lease, limit=10)
    later = await claim_due_watches(sessions, now=NOW + lease, owner="b", lease=lease, limit=10)
    assert (len(first), second, later) == (1, [], first)


def test_the_chart_is_a_png_with_or_without_prices() -> None:
    end = NOW + timedelta(days=5)
    points = [ChartPoint(NOW, 8900), ChartPoint(NOW + timedelta(hours=3), None)]
    full = render_price_chart(9900, points, window_end=end, now=NOW, tz="Asia/Shanghai")
    empty = render_price_chart(9900, [], window_end=None, now=NOW, tz="Asia/Shanghai")
    assert full.startswith(PNG) and empty.startswith(PNG)
    assert full != empty


async def test_a_price_reported_by_hand_is_a_low_the_page_watch_does_not_announce_again(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await ensure_user(session, 1, NOW)
        case = await open_case(
            session,
            1,
            NOW,
            problem_type="price_drop",
            platform="douyin",
            amount_fen=19800,
            quantity=2,
            ordered_at=NOW - timedelta(days=2),
        )
        assert case.id is not None
        await start_watch(session, 1, case.id, "https://item.jd.com/1.html", NOW)
        report = await report_price(
            session, 1, case.id, PriceFound(7900, "CNY", "manual", "79"), NOW, "Asia/Shanghai"
        )
        assert (report.kind, report.refund_fen) == ("refund", 4000)
        row = await get_watch(session, 1, case.id)
        assert row is not None
        state = state_from_json(row.state)
        assert state.lowest_alerted_fen == 7900
        watch = case_watch(case, "Asia/Shanghai")
        assert not isinstance(watch, str)
    later = NOW + timedelta(hours=1)
    same = decide(watch, state, Observation(later, PriceFound(7900, None, "json-ld")))
    lower = decide(watch, state, Observation(later, PriceFound(6900, None, "json-ld")))
    assert (same.kind, same.reason, lower.kind) == ("nothing", "not_new_low", "alert")
