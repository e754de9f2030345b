"""Case services on a real SQLite file with a fixed clock: ownership, numbering, ordering."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_fields import parse_field
from shopguard.cases import (
    delete_case,
    get_case,
    latest_open_case,
    list_cases,
    open_case,
    set_field,
    set_status,
)
from shopguard.clock import FixedClock
from shopguard.errors import InputError, NotFound
from shopguard.taxonomy import CaseStatus, ProblemType
from shopguard.users import ensure_user


async def test_cases_are_numbered_per_user(db: AsyncSession, clock: FixedClock) -> None:
    for uid in (1, 2):
        await ensure_user(db, uid, clock())
    a1 = await open_case(db, 1, clock(), problem_type=ProblemType.COUNTERFEIT)
    b1 = await open_case(db, 2, clock(), problem_type=ProblemType.LOGISTICS)
    a2 = await open_case(db, 1, clock(), problem_type=ProblemType.PRICE_DROP, amount_fen=7900)
    assert (a1.number, b1.number, a2.number) == (1, 1, 2)
    assert a2.platform == "douyin" and a2.amount_fen == 7900


async def test_another_users_case_is_not_found(db: AsyncSession, clock: FixedClock) -> None:
    await ensure_user(db, 1, clock())
    case = await open_case(db, 1, clock(), problem_type="other")
    assert case.id is not None
    for action in (
        lambda: get_case(db, 2, case.id),
        lambda: set_field(db, 2, case.id, "notes", "x", clock()),
        lambda: set_status(db, 2, case.id, CaseStatus.CLOSED, clock()),
        lambda: delete_case(db, 2, case.id),
    ):
        with pytest.raises(NotFound):
            await action()
    assert (await get_case(db, 1, case.id)).status == "open"


async def test_list_open_first_then_newest_and_page_clamped(
    db: AsyncSession, clock: FixedClock
) -> None:
    await ensure_user(db, 1, clock())
    ids = []
    for _ in range(6):
        ids.append((await open_case(db, 1, clock(), problem_type="other")).id)
        clock.advance(timedelta(hours=1))
    await set_status(db, 1, ids[5], CaseStatus.CLOSED, clock())
    first = await list_cases(db, 1, 0)
    assert [c.number for c in first.cases] == [5, 4, 3, 2, 1]
    assert (first.pages, first.total) == (2, 6)
    last = await list_cases(db, 1, 99)
    assert last.page == 1 and [c.number for c in last.cases] == [6]
    latest = await latest_open_case(db, 1)
    assert latest is not None and latest.number == 5


async def test_dates_must_be_in_order(db: AsyncSession, clock: FixedClock) -> None:
    await ensure_user(db, 1, clock())
    case = await open_case(db, 1, clock(), problem_type="other")
    assert case.id is not None
    ordered = parse_field("ordered_at", "2026-11-05", now=clock(), tz="Asia/Shanghai")
    await set_field(db, 1, case.id, "ordered_at", ordered, clock())
    signed = parse_field("signed_at", "2026-11-03", now=clock(), tz="Asia/Shanghai")
    with pytest.raises(InputError) as err:
        await set_field(db, 1, case.id, "signed_at", signed, clock())
    assert err.value.code == "signed_before_order"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("order_no", " 4829 3017 5621 8843 ", "4829301756218843"),
        ("order_no", "JD-2026_11", "JD-2026_11"),
        ("quantity", "２件", 2),
        ("amount_fen", "¥1,299.00", 129900),
        ("shop_name", "\x00某某旗舰店\u200b", "某某旗舰店"),
        ("signed_at", "2026-11-03 15:30", datetime(2026, 11, 3, 7, 30, tzinfo=UTC)),
        ("category", "food", "food"),
    ],
)
def test_parse_field_accepts(name: str, text: str, expected: object) -> None:
    now = datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert parse_field(name, text, now=now, tz="Asia/Shanghai") == expected


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("order_no", "12", "bad_code"),
        ("order_no", "../../etc/passwd", "bad_code"),
        ("quantity", "0", "bad_quantity"),
        ("quantity", "10000", "bad_quantity"),
        ("quantity", "many", "bad_quantity"),
        ("amount_fen", "abc", "amount.not_a_number"),
        ("amount_fen", "-5", "amount.negative"),
        ("amount_fen", "1e9", "amount.scientific"),
        ("amount_fen", "99999999999", "amount.too_large"),
        ("signed_at", "2026-13-40", "date.invalid"),
        ("signed_at", "2026-12-24", "date.future"),
        ("shop_name", "🙂🙂", "no_words"),
        ("shop_name", "店" * 201, "too_long"),
        ("notes", "   ", "empty"),
        ("category", "spaceships", "bad_choice"),
        ("user_id", "2", "unknown_field"),
    ],
)
def test_parse_field_refuses_with_a_code(name: str, text: str, code: str) -> None:
    now = datetime(2026, 11, 22, 10, tzinfo=UTC)
    with pytest.raises(InputError) as err:
        parse_field(name, text, now=now, tz="Asia/Shanghai")
    assert err.value.code == code


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_cases_opened_at_the_same_moment_get_their_own_numbers(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Two updates of one shopper at once (a host bot may not isolate them): the count read
    for the new number is locked (FOR UPDATE; on SQLite the write lock), so none is lost."""
    async with sessions() as setup:
        await ensure_user(setup, 1, clock())
        await setup.commit()

    async def open_one(problem: ProblemType) -> int:
        async with sessions() as session:
            # an update reads the shopper first, and holds them (the bot keeps them in its
            # context): the count must still be read again under the lock
            shopper = await ensure_user(session, 1, clock())
            case = await open_case(session, 1, clock(), problem_type=problem)
            await asyncio.sleep(0.05)  # the other update runs meanwhile
            await session.commit()
            assert shopper.cases_opened == case.number
            return case.number

    numbers = await asyncio.gather(*(open_one(p) for p in list(ProblemType)[:4]))
    assert sorted(numbers) == [1, 2, 3, 4]
