"""价保 on a stored case: the unit price paid, the window, the price history and the watch.

The rules live in :mod:`shopguard.prices` (pure); this module reads and writes the database,
always scoped to the owning user (another user's case is :class:`~shopguard.errors.NotFound`).
The window is the case's ``price_protect`` deadline (conservative end), so it moves with the
shop's promise (``price_protect_days`` / ``price_protect_from``) like every other deadline.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_deadlines import case_deadlines
from shopguard.cases import get_case
from shopguard.db.models import Case, PriceObservation, PriceWatchRow
from shopguard.deadlines import Deadline
from shopguard.evidence.services import active_case
from shopguard.prices import (
    Alert,
    Observation,
    PriceFound,
    PriceReading,
    PriceWatch,
    WatchState,
    decide,
)
from shopguard.taxonomy import CaseStatus, ProblemType

WINDOW_RULE = "price_protect"
ReportKind = Literal[
    "refund", "not_lower", "window_closed", "not_started", "no_window", "no_paid_price"
]
NoWatch = Literal["no_window", "no_paid_price"]


def has_protection(case: Case) -> bool:
    """A case the 价保 feature is about: a price-drop case, or one with a 价保 promise."""
    return case.problem_type == ProblemType.PRICE_DROP or case.price_protect_days is not None


def paid_unit_fen(case: Case) -> int | None:
    """The unit price paid: as stored, else the amount paid / quantity when it divides."""
    if case.unit_price_fen is not None:
        return case.unit_price_fen
    if case.amount_fen is not None and case.quantity >= 1 and case.amount_fen % case.quantity == 0:
        return case.amount_fen // case.quantity
    return None


def protection_window(case: Case, tz: str) -> Deadline | None:
    return case_deadlines(case, tz).get(WINDOW_RULE)


def case_watch(
    case: Case, tz: str, *, threshold_fen: int = 0, url: str | None = None
) -> PriceWatch | NoWatch:
    """The case as a :class:`PriceWatch`, or what is missing to make one."""
    window = protection_window(case, tz)
    if window is None:
        return "no_window"
    paid = paid_unit_fen(case)
    if paid is None or paid <= 0:
        return "no_paid_price"
    return PriceWatch(
        paid_unit_fen=paid,
        quantity=case.quantity,
        starts_at=window.starts_at,
        ends_at=window.due_at,
        threshold_fen=threshold_fen,
        url=url,
    )


async def protected_case(session: AsyncSession, user_id: int) -> Case | None:
    """The case a price report is about: the conversation's case when it has 价保, else the
    most recent open case that has it, else none."""
    case = await active_case(session, user_id)
    if case is not None and case.status == CaseStatus.OPEN and has_protection(case):
        return case
    rows = await session.exec(
        select(Case)
        .where(col(Case.user_id) == user_id, col(Case.status) == CaseStatus.OPEN)
        .order_by(col(Case.created_at).desc(), col(Case.id).desc())
    )
    return next((c for c in rows.all() if has_protection(c)), None)


# --- price history -----------------------------------------------------------------------------


def add_observation(
    session: AsyncSession, case: Case, at: datetime, reading: PriceReading, origin: str
) -> PriceObservation:
    assert case.id is not None
    found = isinstance(reading, PriceFound)
    row = PriceObservation(
        user_id=case.user_id,
        case_id=case.id,
        at=at,
        amount_fen=reading.amount_fen if isinstance(reading, PriceFound) else None,
        currency=(reading.currency or "CNY") if isinstance(reading, PriceFound) else None,
        unreadable=None if found else getattr(reading, "reason", "unreadable"),
        origin=origin,
    )
    session.add(row)
    return row


async def price_history(
    session: AsyncSession, user_id: int, case_id: int
) -> list[PriceObservation]:
    case = await get_case(session, user_id, case_id)
    rows = await session.exec(
        select(PriceObservation)
        .where(col(PriceObservation.case_id) == case.id)
        .order_by(col(PriceObservation.at), col(PriceObservation.id))
    )
    return list(rows.all())


@dataclass(frozen=True)
class PriceReport:
    """What a price the shopper reported means for their case."""

    kind: ReportKind
    case: Case
    price: PriceFound
    at: datetime
    paid_unit_fen: int | None = None
    refund_fen: int | None = None
    window: Deadline | None = None


async def report_price(
    session: AsyncSession, user_id: int, case_id: int, price: PriceFound, now: datetime, tz: str
) -> PriceReport:
    """Store a reported CNY price in the history and say whether it is worth a claim."""
    case = await get_case(session, user_id, case_id)
    add_observation(session, case, now, price, "manual")
    await session.flush()
    window = protection_window(case, tz)
    paid = paid_unit_fen(case)
    if window is None:
        return PriceReport("no_window", case, price, now, paid)
    if paid is None:
        return PriceReport("no_paid_price", case, price, now, None, window=window)
    watch = PriceWatch(paid, case.quantity, window.starts_at, window.due_at)
    if now >= watch.ends_at:
        return PriceReport("window_closed", case, price, now, paid, window=window)
    if now < watch.starts_at:
        return PriceReport("not_started", case, price, now, paid, window=window)
    if price.amount_fen >= paid:
        return PriceReport("not_lower", case, price, now, paid, window=window)
    refund = watch.refund_for(price.amount_fen)
    await _remember_in_watch(session, case, watch, price, now)
    return PriceReport("refund", case, price, now, paid, refund, window)


async def _remember_in_watch(
    session: AsyncSession, case: Case, watch: PriceWatch, price: PriceFound, now: datetime
) -> None:
    """A low the shopper reported is one the page watch need not announce again."""
    rows = await session.exec(
        select(PriceWatchRow).where(
            col(PriceWatchRow.case_id) == case.id, col(PriceWatchRow.status) == "active"
        )
    )
    row = rows.first()
    if row is None:
        return
    verdict = decide(watch, state_from_json(row.state), Observation(now, price, "manual"))
    if verdict.kind == "alert":
        row.state = state_to_json(verdict.state)
        session.add(row)


async def lowest_reported(session: AsyncSession, case: Case) -> PriceObservation | None:
    """The lowest CNY price seen for the case (for the card and the claim draft)."""
    rows = await session.exec(
        select(PriceObservation)
        .where(
            col(PriceObservation.case_id) == case.id,
            col(PriceObservation.amount_fen).is_not(None),
            col(PriceObservation.currency) == "CNY",
        )
        .order_by(col(PriceObservation.amount_fen), col(PriceObservation.at).desc())
        .limit(1)
    )
    return rows.first()


# --- watches -----------------------------------------------------------------------------------


async def get_watch(session: AsyncSession, user_id: int, case_id: int) -> PriceWatchRow | None:
    case = await get_case(session, user_id, case_id)
    rows = await session.exec(select(PriceWatchRow).where(col(PriceWatchRow.case_id) == case.id))
    return rows.first()


async def start_watch(
    session: AsyncSession, user_id: int, case_id: int, url: str, now: datetime
) -> PriceWatchRow:
    """Watch ``url`` for the case (replacing an earlier URL); the first check is due now."""
    case = await get_case(session, user_id, case_id)
    assert case.id is not None
    row = await get_watch(session, user_id, case_id) or PriceWatchRow(
        user_id=user_id, case_id=case.id, url=url, next_check_at=now, created_at=now
    )
    row.url, row.status, row.stop_reason = url, "active", None
    row.state, row.next_check_at = state_to_json(WatchState()), now
    row.lease_until, row.lease_owner = None, None
    session.add(row)
    await session.flush()
    return row


async def stop_watch(session: AsyncSession, user_id: int, case_id: int) -> bool:
    """Stop watching (the shopper asked); False when there was no active watch."""
    row = await get_watch(session, user_id, case_id)
    if row is None or row.status != "active":
        return False
    row.status, row.stop_reason, row.lease_until = "stopped", "by_user", None
    session.add(row)
    await session.flush()
    return True


def state_to_json(state: WatchState) -> str:
    alerts = [{**asdict(a), "at": a.at.isoformat()} for a in state.alerts]
    return json.dumps(
        {
            "alerts": alerts,
            "told_unreadable": state.told_unreadable,
            "failures_in_row": state.failures_in_row,
        }
    )


def state_from_json(text: str) -> WatchState:
    data = json.loads(text or "{}")
    alerts = tuple(
        Alert(
            at=datetime.fromisoformat(a["at"]),
            unit_price_fen=int(a["unit_price_fen"]),
            refund_fen=int(a["refund_fen"]),
            extra_fen=int(a["extra_fen"]),
            origin=a["origin"],
        )
        for a in data.get("alerts", [])
    )
    return WatchState(
        alerts=alerts,
        told_unreadable=bool(data.get("told_unreadable", False)),
        failures_in_row=int(data.get("failures_in_row", 0)),
    )
