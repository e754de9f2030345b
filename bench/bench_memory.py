"""Peak memory with 100 000 shoppers' dialog states and 1 000 000 stored reminders.

Every figure comes from a fresh (spawned) process: it sets up and warms up the same code paths,
then its RSS is taken and its high-water mark reset (``bench.memprobe``); the phase's peak RSS
minus that baseline is the growth printed. Goal everywhere: memory does not grow with N —
the ratio to the small baseline measured in the same run is ≈ 1.

(a) Dialog states, 1 000 (baseline) and 100 000 shoppers:

- aiogram's MemoryStorage as the reference — what holding the states in the process costs;
- the project's SQLStorage on a SQLite file. Writing a state through it costs milliseconds
  (an ORM flush and ~14 hops to aiosqlite's thread), so 100 000 of them would take minutes:
  the table is filled with the exact rows SQLStorage writes (its ``storage_key``, JSON data)
  and the measured process then makes update-shaped visits spread over all of them — read the
  state outside the update's transaction (as aiogram's FSM middleware does), then read the
  data and write state and data inside it (as a handler does under DatabaseMiddleware);
- aiogram's RedisStorage (when TEST_REDIS_URL is set): all N written and read back, 64
  shoppers at a time, under a private key prefix in database 13 of that server (the tests
  flush theirs), removed afterwards.

(b) Reminders: SQLite files of 10 000 (baseline) and 1 000 000 rows bulk-inserted with
``executemany`` into the table the migrations create — mostly sent or cancelled history and
future ones, 1 000 due now in both — then the dispatcher's ``claim_due`` (a batch of 50) and
``next_available_at`` (the ticker's planning). Also the worst case, every reminder overdue (a
catch-up after downtime). RSS growth, Python heap peak (tracemalloc) and times.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bench.memprobe import MB, Window, isolated, peak_window
from bot.storage import SQLStorage, current_session, storage_key
from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade
from shopguard.db.types import UTCDateTime
from shopguard.reminders.store import claim_due, next_available_at

SHOPPERS, SHOPPERS_BASELINE = 100_000, 1_000
VISITS = 3_000  # update-shaped visits to the SQL storage, spread over all stored states
CONCURRENCY = 64  # Redis: shoppers written/read at a time
WARMUP = 300
REMINDERS, REMINDERS_BASELINE = 1_000_000, 10_000
DUE = 1_000  # reminders due now in the realistic mix (the same in both databases)
BATCH, LEASE = 50, timedelta(seconds=60)  # the dispatcher's defaults
CLAIMS = 15  # timed claims after the first (of the 1 000 due)
PLANS = 30
BOT_ID = 100000
STATE = "EditField:value"
REDIS_DB = 13
FLAT = 1.25  # "≈ 1": within 25 % of the baseline's growth, or 1 MB
FLAT_MB = 1.0

Result = dict[str, float]


def fmt_mb(value: float) -> str:
    return f"{value / MB:+.1f} MB"


def verdict(big: float, small: float) -> str:
    return "ok" if big <= max(small * FLAT, small + FLAT_MB * MB) else "GROWS WITH N"


def ratio(big: float, small: float) -> str:
    return f"×{big / small:.2f}" if small > 0 else "×—"


def key(user_id: int) -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=user_id, user_id=user_id)


def state_data(user_id: int) -> dict[str, Any]:
    """What a shopper half-way through a dialog has stored: an edit and an evidence batch."""
    return {
        "case_id": user_id % 97 + 1,
        "field": "amount_fen",
        "ev_batch": {
            "id": f"{user_id:010x}",
            "case_id": user_id % 97 + 1,
            "group": None,
            "notes": [],
            "caption": "颜色和商品页不一样，商家说是正品",
            "mid": 1_000_000 + user_id,
        },
    }


def spread(count: int, stored: int) -> Iterator[int]:
    """``count`` user ids visiting all ``stored`` ones in a scattered order."""
    stride = 7919  # a prime: coprime with the table sizes used here
    return ((n * stride) % stored for n in range(count))


# ---------------------------------------------------------------------- (a) dialog states


async def write_and_read(storage: BaseStorage, users: range, concurrency: int) -> None:
    async def write(user_id: int) -> None:
        await storage.set_state(key(user_id), STATE)
        await storage.set_data(key(user_id), state_data(user_id))

    async def read(user_id: int) -> None:
        state = await storage.get_state(key(user_id))
        data = await storage.get_data(key(user_id))
        if state != STATE or data["ev_batch"]["mid"] != 1_000_000 + user_id:
            raise RuntimeError(f"shopper {user_id}: read back {state!r}, {data!r}")

    for step in (write, read):
        for start in range(users.start, users.stop, concurrency):
            chunk = range(start, min(start + concurrency, users.stop))
            await asyncio.gather(*(step(user_id) for user_id in chunk))


async def whole_states(storage: BaseStorage, count: int, concurrency: int) -> Result:
    """All ``count`` states written and read back through ``storage``."""
    await write_and_read(storage, range(-WARMUP, 0), concurrency)
    started = time.perf_counter()
    with peak_window() as window:
        await write_and_read(storage, range(count), concurrency)
    return measured(window, time.perf_counter() - started)


def measured(window: Window, seconds: float) -> Result:
    return {"before": window.before, "peak": window.peak, "growth": window.growth, "s": seconds}


def memory_states_child(count: int) -> Result:
    storage = MemoryStorage()
    return asyncio.run(whole_states(storage, count, 1))


def redis_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def redis_states_child(url: str, count: int) -> Result:
    from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

    async def run() -> Result:
        prefix = f"shopguard-bench-memory-{os.getpid()}"
        builder = DefaultKeyBuilder(prefix=prefix, with_destiny=True)
        storage = RedisStorage.from_url(redis_url(url), key_builder=builder)
        try:
            return await whole_states(storage, count, CONCURRENCY)
        finally:
            stale = [k async for k in storage.redis.scan_iter(match=f"{prefix}:*", count=5000)]
            for start in range(0, len(stale), 5000):
                await storage.redis.unlink(*stale[start : start + 5000])
            await storage.close()

    return asyncio.run(run())


def seed_states(path: Path, count: int) -> None:
    """The rows SQLStorage itself writes for ``count`` shoppers (key, user id, state, JSON)."""
    asyncio.run(migrate(path))
    with seeding(path) as db:
        db.executemany(
            "INSERT INTO dialog_states (key, user_id, state, data) VALUES (?, ?, ?, ?)",
            (
                (storage_key(key(u)), u, STATE, json.dumps(state_data(u), ensure_ascii=False))
                for u in range(count)
            ),
        )


async def visit(storage: SQLStorage, sessions: Any, user_id: int, n: int) -> None:
    """One update's worth of dialog state: the FSM middleware's read outside the update's
    transaction, then the handler's read and writes inside it (DatabaseMiddleware)."""
    if await storage.get_state(key(user_id)) != STATE:
        raise RuntimeError(f"shopper {user_id}: state lost")
    async with sessions() as session:
        token = current_session.set(session)
        try:
            data = await storage.get_data(key(user_id))
            if data["ev_batch"]["mid"] != 1_000_000 + user_id:
                raise RuntimeError(f"shopper {user_id}: read back {data!r}")
            await storage.set_state(key(user_id), STATE)
            await storage.set_data(key(user_id), {**data, "visits": n})
            await session.commit()
        finally:
            current_session.reset(token)


def sql_states_child(path: str, stored: int, visits: int) -> Result:
    async def run() -> Result:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        sessions = session_factory(engine)
        storage = SQLStorage(sessions)
        for n, user_id in enumerate(spread(WARMUP, stored)):
            await visit(storage, sessions, (user_id + 1) % stored, n)
        started = time.perf_counter()
        with peak_window() as window:
            for n, user_id in enumerate(spread(visits, stored)):
                await visit(storage, sessions, user_id, n)
        result = measured(window, time.perf_counter() - started)
        await engine.dispose()
        return result

    return asyncio.run(run())


def states_line(label: str, small: Result, big: Result, note: str, *, goal: bool = True) -> None:
    print(f"     {label}:")
    print(
        f"       peak RSS {small['peak'] / MB:.1f} MB with {SHOPPERS_BASELINE:,} "
        f"({fmt_mb(small['growth'])} in the phase), {big['peak'] / MB:.1f} MB with {SHOPPERS:,} "
        f"({fmt_mb(big['growth'])}); {note}"
    )
    judged = (
        f"goal ≈ 1 (no growth with N): {verdict(big['growth'], small['growth'])}"
        if goal
        else "(no goal: what the storages below avoid)"
    )
    print(f"       ratio {ratio(big['peak'], small['peak'])}   {judged}")


def per_shopper(small: Result, big: Result) -> float:
    return (big["growth"] - small["growth"]) / (SHOPPERS - SHOPPERS_BASELINE)


def dialog_states(folder: Path) -> None:
    sizes = (SHOPPERS_BASELINE, SHOPPERS)
    print(f"   (a) dialog states: peak RSS of the process, {SHOPPERS:,} shoppers vs {sizes[0]:,}")

    small, big = (isolated(memory_states_child, n) for n in sizes)
    states_line(
        "reference: aiogram MemoryStorage, all N written and read (states held in the process)",
        small,
        big,
        f"{per_shopper(small, big):.0f} B per shopper",
        goal=False,
    )

    results = []
    for n in sizes:
        path = folder / f"states-{n}.sqlite3"
        seed_states(path, n)
        results.append(isolated(sql_states_child, str(path), n, VISITS))
        path.unlink()
    small, big = results
    states_line(
        f"SQLStorage (SQLite file): {VISITS:,} update-shaped visits spread over N stored states",
        small,
        big,
        f"{per_shopper(small, big):+.0f} B per extra shopper, "
        f"{big['s'] / VISITS * 1e3:.1f} ms per visit",
    )

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        print("     RedisStorage: skipped (TEST_REDIS_URL is not set: scripts/services.sh start)")
        return
    small, big = (isolated(redis_states_child, url, n) for n in sizes)
    states_line(
        f"RedisStorage: all N written and read back, {CONCURRENCY} shoppers at a time",
        small,
        big,
        f"{per_shopper(small, big):+.0f} B per extra shopper, "
        f"{big['s'] / SHOPPERS * 1e6:.0f} µs per shopper (4 calls)",
    )


@contextmanager
def seeding(path: Path) -> Iterator[sqlite3.Connection]:
    """One transaction, then everything checkpointed into the file and the connection closed:
    the measured process must not inherit a write-ahead log to replay."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA synchronous=OFF")
        with db:
            yield db
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


async def migrate(path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()


# ---------------------------------------------------------------------- (b) reminders

STATUS_MIX = (("sent", 0.6), ("cancelled", 0.1), ("done", 0.05))  # the rest: pending, future


def seed_reminders(path: Path, count: int, *, now: datetime, all_due: bool) -> None:
    """``count`` reminders of ``count // 10`` shoppers, inserted with ``executemany``."""
    asyncio.run(migrate(path))
    dialect = sqlite_dialect.dialect()
    to_db = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert to_db is not None
    stamp: Callable[[datetime], str] = to_db
    users = max(count // 10, 1)
    chance = random.Random(8)
    created = stamp(now - timedelta(days=200))

    def rows() -> Iterator[tuple[object, ...]]:
        for n in range(count):
            user_id, roll = 1_000_000 + n % users, chance.random()
            if all_due or n < DUE:
                status, due = "pending", now - timedelta(seconds=chance.uniform(1, 30 * 86400))
            else:
                status, due = "pending", now + timedelta(seconds=chance.uniform(60, 90 * 86400))
                for name, share in STATUS_MIX:
                    if roll < share:
                        status = name
                        due = now - timedelta(seconds=chance.uniform(60, 180 * 86400))
                        break
                    roll -= share
            at = stamp(due)
            sent = at if status == "sent" else None
            yield (user_id, "deadline", "return_7d", 4320, f"⏰ 提醒 {n}", at, at, at, status, sent)

    with seeding(path) as db:
        db.executemany(
            "INSERT INTO users (id, timezone, is_active, cases_opened, created_at) "
            "VALUES (?, 'Asia/Shanghai', 1, 0, ?)",
            ((1_000_000 + u, created) for u in range(users)),
        )
        db.executemany(
            "INSERT INTO reminders (user_id, kind, deadline_key, offset_minutes, text, "
            "deadline_at, due_at, available_at, status, attempts, sent_at, created_at) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '{created}')",
            rows(),
        )


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = await call()
    return value, time.perf_counter() - started


def reminders_child(path: str, now_iso: str) -> Result:
    now = datetime.fromisoformat(now_iso)

    async def run() -> Result:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        sessions = session_factory(engine)

        async def claim(at: datetime = now) -> list[Any]:
            return await claim_due(sessions, now=at, owner="bench", lease=LEASE, limit=BATCH)

        async def plan() -> datetime | None:
            return await next_available_at(sessions)

        # the same statements, nothing due yet: code paths and caches warm, the data cold
        await claim(now - timedelta(days=3650))
        with peak_window() as window:
            claimed, first_claim = await timed(claim)
            upcoming, first_plan = await timed(plan)
        if len(claimed) != BATCH or upcoming is None:
            raise RuntimeError(f"claimed {len(claimed)}, next at {upcoming}")
        tracemalloc.start()
        await claim()
        await plan()
        _, heap = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        claims = [(await timed(claim))[1] for _ in range(CLAIMS)]
        plans = [(await timed(plan))[1] for _ in range(PLANS)]
        await engine.dispose()
        return {
            "before": window.before,
            "peak": window.peak,
            "growth": window.growth,
            "heap": heap,
            "first_claim": first_claim,
            "claim": statistics.median(claims),
            "first_plan": first_plan,
            "plan": statistics.median(plans),
        }

    return asyncio.run(run())


def reminders(folder: Path) -> None:
    now = datetime.now(UTC)
    sizes = (REMINDERS_BASELINE, REMINDERS)
    print(
        f"   (b) reminders: claim_due (batch of {BATCH}) + next_available_at, "
        f"{REMINDERS:,} stored vs {sizes[0]:,}; times: first (cold) / median"
    )
    for all_due in (False, True):
        results, seeding_time = [], 0.0
        for n in sizes:
            path = folder / f"reminders-{n}.sqlite3"
            started = time.perf_counter()
            seed_reminders(path, n, now=now, all_due=all_due)
            seeding_time += time.perf_counter() - started
            results.append(isolated(reminders_child, str(path), now.isoformat()))
            path.unlink()
        small, big = results
        due = "every one overdue (catch-up after downtime)" if all_due else f"{DUE:,} due now"
        print(f"     {due} (executemany seeding: {seeding_time:.0f} s)")
        for n, result in zip(sizes, results, strict=True):
            print(
                f"       {n:>9,}: peak RSS {result['peak'] / MB:.1f} MB "
                f"({fmt_mb(result['growth'])}), heap peak {result['heap'] / 1024:.0f} KB; claim "
                f"{result['first_claim'] * 1e3:.1f} / {result['claim'] * 1e3:.1f} ms, next "
                f"{result['first_plan'] * 1e3:.1f} / {result['plan'] * 1e3:.1f} ms"
            )
        print(
            f"       ratio: peak RSS {ratio(big['peak'], small['peak'])}, heap "
            f"{ratio(big['heap'], small['heap'])}   goal ≈ 1 (no growth with N): "
            f"{verdict(big['growth'], small['growth'])}"
        )
        print(
            f"       time ratio: claim {ratio(big['claim'], small['claim'])}, next_available_at "
            f"{ratio(big['plan'], small['plan'])} (a claim holds SQLite's write lock: updates "
            "wait for it)"
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        dialog_states(Path(folder))
        reminders(Path(folder))


if __name__ == "__main__":
    main()
