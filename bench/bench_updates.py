"""Per-update CPU cost of typical ShopGuard updates, as a ratio to a bare aiogram handler.

Both dispatchers run in one process, through the same in-process Bot API session
(``LocalChat`` / ``LocalSession``: no network), on one SQLite file database, with the same kind
of dialog-state storage (``build_storage``: the SQL storage, as configured by default). The bare
dispatcher has one router with one message handler and one button handler: each reads the
dialog data, sets a state, stores data and replies — a message with a reply, a button with an
answer and an edit of its message (the shape of ShopGuard's ``show``).

Scenarios, each fed exactly the same kinds and number of updates as its bare counterpart:

- open a case card (a button press);
- add evidence: a small PDF through ``LocalChat.attach`` into the case open in the chat;
- ``/advise`` for the open case when the command exists, else a case edit (press "amount",
  type the amount: two updates).

After a warm-up, scenario and bare blocks alternate so drift hits both. CPU is
``time.process_time`` (the whole process, the aiosqlite worker thread included) per update;
handler time is the wall time of one update through ``Dispatcher.feed_update`` (p50/p95; there
is no network, the evidence store's fsync is in it). Goals: CPU ≤ 1.5× bare, p95 ≤ 10 ms; the
ratio is also shown for one update of each kind together (a typical mix). The SQL
statements per update are counted too, and the same bare handler on aiogram's MemoryStorage is
shown for scale, as is the share of adding evidence spent fetching and storing the file. A
missed ratio prints the SQL of one such update and a cProfile summary of the
scenario (the main thread only: SQLite's own work runs in aiosqlite's thread).
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import os
import pstats
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Dispatcher, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, Message
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_dispatcher, build_storage
from bot.callbacks import CaseCb, ChoiceCb, FieldCb
from bot.evidence_context import EvidenceContextMiddleware
from bot.local_chat import LocalChat
from bot.local_session import LocalSession, Outgoing
from shopguard.clock import system_clock
from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade
from shopguard.evidence.store import EvidenceStore
from shopguard.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (ROOT / "bot", ROOT / "src" / "shopguard")  # "within the ShopGuard packages"

WARMUP = 30  # iterations per scenario (and per bare counterpart) before measuring
ROUNDS = 8  # alternating blocks: bare, scenario, bare, scenario …
BLOCK = 30  # iterations per block
PROFILE_ITERATIONS = 100
USERS = 40  # shoppers per scenario, taking turns (so no case piles up hundreds of files)
RATIO_GOAL = 1.5
P95_GOAL_MS = 10.0
SHOP_TZ = ZoneInfo("Asia/Shanghai")

# ---------------------------------------------------------------------- the bare baseline


class Bare(StatesGroup):
    step = State()


def bare_router() -> Router:
    """One router, one handler per update kind: read the dialog, set a state, save, reply."""
    router = Router(name="bare")

    @router.message()
    async def on_message(message: Message, state: FSMContext) -> None:
        data = await state.get_data()
        count = int(data.get("count", 0)) + 1
        await state.set_state(Bare.step)
        await state.update_data(count=count)
        await message.answer(f"<b>ok</b> {count}")

    @router.callback_query()
    async def on_button(query: CallbackQuery, state: FSMContext) -> None:
        data = await state.get_data()
        count = int(data.get("count", 0)) + 1
        await state.set_state(Bare.step)
        await state.update_data(count=count)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(f"<b>ok</b> {count}")

    return router


# ---------------------------------------------------------------------- measuring


class Meter:
    """Wall time of each update (one LocalChat call feeds one update)."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.recording = False

    async def __call__(self, update: Awaitable[list[Outgoing]]) -> list[Outgoing]:
        started = time.perf_counter()
        replies = await update
        if self.recording:
            self.walls.append(time.perf_counter() - started)
        return replies


Iteration = Callable[[int, Meter], Awaitable[list[Outgoing]]]


class StatementCounter:
    """SQL statements and transactions the engine ran (any session, any thread)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        self.transactions = 0
        self.log: list[str] | None = None
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "begin", self._begin)

    def _statement(self, _connection: object, _cursor: object, statement: str, *_: object) -> None:
        self.statements += 1
        if self.log is not None:
            self.log.append(statement)

    def _begin(self, *_: object) -> None:
        self.transactions += 1


@dataclass
class Runner:
    """One side of a comparison: an iteration (``updates`` updates) and what it measured."""

    iteration: Iteration
    updates: int
    counter: StatementCounter | None = None
    meter: Meter = field(default_factory=Meter)
    cpu: float = 0.0
    iterations: int = 0
    statements: int = 0
    transactions: int = 0
    next_index: int = 0

    async def run(self, count: int, *, record: bool, collect: bool = True) -> list[Outgoing]:
        if collect:
            gc.collect()
        self.meter.recording = record
        replies: list[Outgoing] = []
        counter = self.counter
        statements, transactions = (counter.statements, counter.transactions) if counter else (0, 0)
        started = time.process_time()
        for _ in range(count):
            replies = await self.iteration(self.next_index, self.meter)
            self.next_index += 1
        spent = time.process_time() - started
        self.meter.recording = False
        if record:
            self.cpu += spent
            self.iterations += count
            if counter:
                self.statements += counter.statements - statements
                self.transactions += counter.transactions - transactions
        return replies

    @property
    def cpu_per_update(self) -> float:
        return self.cpu / (self.iterations * self.updates)

    def per_update(self, total: float) -> float:
        return total / (self.iterations * self.updates)

    def percentile(self, share: float) -> float:
        walls = sorted(self.meter.walls)
        return walls[min(len(walls) - 1, round(share * (len(walls) - 1)))]


class StoreMeter:
    """CPU spent in the evidence store's ``put`` (its worker thread included) while ``runner``
    records: fetching the file and writing it durably, which the bare handler never does."""

    def __init__(self, store: EvidenceStore, runner: Runner) -> None:
        self.cpu = 0.0
        put = store.put

        async def metered(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return await put(*args, **kwargs)
            finally:
                if runner.meter.recording:
                    self.cpu += time.process_time() - started

        store.put = metered  # type: ignore[method-assign]


@dataclass
class Scenario:
    name: str
    shopguard: Runner
    bare: Runner
    in_memory: Runner  # the bare handler on aiogram's MemoryStorage: for scale
    check: Callable[[list[Outgoing]], bool]  # the last warm-up replies look right
    store: StoreMeter | None = None


def micros(value: float) -> str:
    return f"{value * 1e6:7.0f} µs"


def ms(value: float) -> str:
    return f"{value * 1e3:5.2f} ms"


# ---------------------------------------------------------------------- the conversations


def case_id_on_card(chat: LocalChat) -> int:
    for _, data in chat.buttons():
        if data.startswith(f"{CaseCb.__prefix__}:"):
            return CaseCb.unpack(data).case_id
    raise RuntimeError(f"no case card among the buttons {chat.buttons()}")


async def open_case(chat: LocalChat) -> int:
    """A Douyin quality case with a 签收 date 3 days ago and an amount: deadlines, reminders."""
    await chat.send("/new")
    await chat.press_data(ChoiceCb(field="platform", value="douyin").pack())
    await chat.press_data(ChoiceCb(field="problem_type", value="quality_defect").pack())
    case_id = case_id_on_card(chat)
    signed = (datetime.now(SHOP_TZ) - timedelta(days=3)).date().isoformat()
    for name, value in (("signed_at", signed), ("amount_fen", "398")):
        await chat.press_data(FieldCb(case_id=case_id, field=name).pack())
        await chat.send(value)
    await chat.press_data(CaseCb(action="open", case_id=case_id).pack())  # the active case
    return case_id


def routers(dispatcher: Dispatcher) -> list[Router]:
    found: list[Router] = []
    pending: list[Router] = [dispatcher]
    while pending:
        router = pending.pop()
        found.append(router)
        pending.extend(router.sub_routers)
    return found


def middleware_code(dispatcher: Dispatcher) -> dict[tuple[str, int], int]:
    """Where each middleware's ``__call__`` on ShopGuard's routers is defined, in order."""
    found: dict[tuple[str, int], int] = {}
    for router in routers(dispatcher):
        for observer in router.observers.values():
            for middleware in (*observer.outer_middleware, *observer.middleware):
                code = type(middleware).__call__.__code__
                found.setdefault((code.co_filename, code.co_firstlineno), len(found))
    return found


def evidence_store(dispatcher: Dispatcher) -> EvidenceStore:
    for router in routers(dispatcher):
        for observer in router.observers.values():
            for middleware in observer.outer_middleware:
                if isinstance(middleware, EvidenceContextMiddleware):
                    return middleware.locker.store
    raise RuntimeError("no evidence store among the middlewares")


def has_advise(dispatcher: Dispatcher) -> bool:
    """Whether some router of this dispatcher answers /advise."""
    for router in routers(dispatcher):
        for handler in router.message.handlers:
            for filter_ in handler.filters or ():
                command = filter_.callback
                if isinstance(command, Command) and any(
                    getattr(c, "pattern", c) == "advise" for c in command.commands
                ):
                    return True
    return False


def write_documents(folder: Path, count: int) -> list[Path]:
    """Small distinct PDFs (2 KB): each is new evidence, never a duplicate."""
    folder.mkdir()
    paths = []
    for index in range(count):
        path = folder / f"receipt-{index}.pdf"
        body = f"%PDF-1.4\n% ShopGuard bench receipt {index}\n".encode() + b"0" * 2000
        path.write_bytes(body + b"\n%%EOF\n")
        paths.append(path)
    return paths


def replied(methods: set[str], needle: str = "") -> Callable[[list[Outgoing]], bool]:
    def check(replies: list[Outgoing]) -> bool:
        return any(r.method in methods and needle in (r.text or "") for r in replies)

    return check


def bare_iteration(kind: str, pool: list[LocalChat], documents: list[Path]) -> Iteration:
    """The bare counterpart of a scenario: the same kinds of updates, as many."""

    async def button(i: int, meter: Meter) -> list[Outgoing]:
        return await meter(pool[i % USERS].press_data(f"bare:{i}"))

    async def document(i: int, meter: Meter) -> list[Outgoing]:
        return await meter(pool[i % USERS].attach(documents[i]))

    async def command(i: int, meter: Meter) -> list[Outgoing]:
        return await meter(pool[i % USERS].send("/advise"))

    async def edit(i: int, meter: Meter) -> list[Outgoing]:
        await meter(pool[i % USERS].press_data(f"bare:{i}"))
        return await meter(pool[i % USERS].send(f"{300 + i % 200}.50"))

    return {"button": button, "document": document, "command": command, "edit": edit}[kind]


async def build_scenarios(folder: Path) -> tuple[list[Scenario], Dispatcher]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=folder / "data",
        redis_url=None,
        throttle_rate=1e9,  # flood control stays in the path, never refuses
        throttle_burst=10**9,
    )
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'shopguard.sqlite3'}")
    await upgrade(engine)
    sessions = session_factory(engine)
    counter = StatementCounter(engine)
    shopguard = build_dispatcher(settings, sessions, system_clock)
    storage, isolation = build_storage(settings, sessions)
    bare = Dispatcher(storage=storage, events_isolation=isolation)
    bare.include_router(bare_router())
    assert type(bare.storage) is type(shopguard.storage)
    in_memory = Dispatcher(storage=MemoryStorage())  # for scale only, not the goal's baseline
    in_memory.include_router(bare_router())

    total = WARMUP + ROUNDS * BLOCK + PROFILE_ITERATIONS + 1  # + the SQL listing's one
    documents = write_documents(folder / "documents", total)
    first = LocalChat(shopguard, user_id=10_000)

    async def pool(base: int) -> list[tuple[LocalChat, int]]:
        chats = [first.as_user(base + n) for n in range(USERS)]
        return [(chat, await open_case(chat)) for chat in chats]

    def bare_runners(kind: str, base: int) -> tuple[Runner, Runner]:
        updates = 2 if kind == "edit" else 1
        runners = []
        for dispatcher in (bare, in_memory):
            chat = LocalChat(dispatcher, user_id=base, session=LocalSession())
            chats = [chat.as_user(base + n) for n in range(USERS)]
            runners.append(Runner(bare_iteration(kind, chats, documents), updates, counter))
            base += USERS
        return runners[0], runners[1]

    cards, evidence, third = await pool(11_000), await pool(12_000), await pool(13_000)

    async def open_card(i: int, meter: Meter) -> list[Outgoing]:
        chat, case_id = cards[i % USERS]
        return await meter(chat.press_data(CaseCb(action="open", case_id=case_id).pack()))

    async def add_evidence(i: int, meter: Meter) -> list[Outgoing]:
        chat, _ = evidence[i % USERS]
        return await meter(chat.attach(documents[i]))

    async def advise(i: int, meter: Meter) -> list[Outgoing]:
        chat, _ = third[i % USERS]
        return await meter(chat.send("/advise"))

    async def edit(i: int, meter: Meter) -> list[Outgoing]:
        chat, case_id = third[i % USERS]
        await meter(chat.press_data(FieldCb(case_id=case_id, field="amount_fen").pack()))
        return await meter(chat.send(f"{300 + i % 200}.50"))

    scenarios = [
        Scenario(
            "open a case card (button)",
            Runner(open_card, counter=counter, updates=1),
            *bare_runners("button", 91_000),
            replied({"editMessage"}, "</b>"),
        ),
        Scenario(
            "add evidence (2 KB PDF via attach)",
            adding := Runner(add_evidence, counter=counter, updates=1),
            *bare_runners("document", 92_000),
            replied({"sendMessage"}, "📥"),
            StoreMeter(evidence_store(shopguard), adding),
        ),
    ]
    if has_advise(shopguard):
        scenarios.append(
            Scenario(
                "/advise for the open case",
                Runner(advise, counter=counter, updates=1),
                *bare_runners("command", 93_000),
                replied({"sendMessage"}),
            )
        )
    else:
        scenarios.append(
            Scenario(
                "case edit: press amount, type it (2 updates)",
                Runner(edit, counter=counter, updates=2),
                *bare_runners("edit", 93_000),
                replied({"sendMessage"}, "¥"),
            )
        )
    return scenarios, shopguard


# ---------------------------------------------------------------------- the profile


HARNESS = ("local_chat.py", "local_session.py")  # the in-process chat, not the application
Key = tuple[str, int, str]  # cProfile's (file, line, function)


def in_packages(filename: str) -> bool:
    path = Path(filename)
    return any(path.is_relative_to(package) for package in PACKAGES)


def package_of(filename: str) -> str:
    """bot, shopguard, a site-package, a standard-library module, or builtins."""
    if in_packages(filename):
        return "bot" if Path(filename).is_relative_to(PACKAGES[0]) else "shopguard"
    if filename == "~" or filename.startswith("<"):
        return "builtins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    library = [n for n, part in enumerate(parts) if part.startswith("python3")]
    return Path(*parts[library[-1] + 1 :]).parts[0].removesuffix(".py") if library else "other"


def label(key: Key) -> str:
    filename, line, function = key
    if filename == "~":
        return function
    parts = Path(filename).parts
    if Path(filename).is_relative_to(ROOT) and "site-packages" not in parts:
        shown = Path(filename).relative_to(ROOT)
    elif "site-packages" in parts:
        shown = Path(*parts[parts.index("site-packages") + 1 :])
    else:
        shown = Path(*parts[-2:])
    return f"{shown}:{line}({function})"


def waiting(key: Key) -> bool:
    """The event loop waiting (for aiosqlite's thread, the disk): not the main thread's work."""
    filename, _, function = key
    return filename == "~" and ("poll" in function or "select" in function)


def entry_point(entries: dict[Key, Any], key: Key) -> str:
    """The costliest caller from another file (who asked for this)."""
    if package_of(key[0]) == "asyncio":
        return ""  # the event loop: its "callers" are whichever coroutine last yielded
    callers = entries[key][4]
    others = [(c[3], caller) for caller, c in callers.items() if caller[0] != key[0]]
    return f" ← {label(max(others)[1])}" if others else ""


def statement_shape(statement: str) -> str:
    """``SELECT dialog_states``, ``BEGIN IMMEDIATE`` …"""
    verb = statement.split(None, 1)[0].upper()
    pattern = {
        "SELECT": r"\bFROM\s+(\S+)",
        "INSERT": r"\bINTO\s+(\S+)",
        "DELETE": r"\bFROM\s+(\S+)",
    }
    found = re.search(pattern.get(verb, r"^UPDATE\s+(\S+)"), statement, re.IGNORECASE)
    if verb in ("SELECT", "INSERT", "UPDATE", "DELETE") and found:
        return f"{verb} {found.group(1).strip(chr(34))}"
    return " ".join(statement.split()[:2])


async def sql_of_one(scenario: Scenario, counter: StatementCounter) -> None:
    counter.log = []
    await scenario.shopguard.run(1, record=False, collect=False)
    shapes = Counter(statement_shape(s) for s in counter.log)
    counter.log = None
    each = "" if scenario.shopguard.updates == 1 else f" ({scenario.shopguard.updates} updates)"
    listed = ", ".join(f"{shape} ×{count}" for shape, count in shapes.most_common())
    print(f"     SQL of one iteration{each}: {listed}")


async def profile(scenario: Scenario, middlewares: dict[tuple[str, int], int]) -> None:
    """Where the main thread's time goes, as shares of its busy time (the loop's waits left
    out); cProfile slows the run, so shares, not milliseconds."""
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    await scenario.shopguard.run(PROFILE_ITERATIONS, record=False, collect=False)
    profiler.disable()
    entries: dict[Key, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    by_package: dict[str, float] = defaultdict(float)
    ours, chain, hot = [], [], []
    idle = 0.0
    for key, (_, _, own, cumulative, _) in entries.items():
        if waiting(key):
            idle += own
            continue
        by_package[package_of(key[0])] += own
        hot.append((own, key))
        if not in_packages(key[0]) or Path(key[0]).name in HARNESS:
            continue
        if key[:2] in middlewares:  # they all wrap the handler
            chain.append((middlewares[key[:2]], cumulative, Path(key[0]).stem))
        else:
            ours.append((cumulative, own, label(key)))
    busy = sum(by_package.values())
    print(
        f"     cProfile, {PROFILE_ITERATIONS} iterations, as shares of the main thread's busy "
        f"time (the loop also waited {idle / (busy + idle):.0%} of the wall time);"
    )
    print(
        "     cumulative shares are approximate: coroutine resumptions and SQLAlchemy's greenlets "
        "confuse cProfile's call stack; own times and the package split are exact"
    )
    steps = " > ".join(f"{name} {cumulative / busy:.0%}" for _, cumulative, name in sorted(chain))
    print(f"       middlewares (cumulative): {steps} > handler")
    print("        cum    own  top 10 by cumulative time, bot/ and src/shopguard/ (besides those)")
    for cumulative, own, where in sorted(ours, reverse=True)[:10]:
        print(f"       {cumulative / busy:4.0%}  {own / busy:4.0%}  {where}")
    print("        own  top 5 by own time, any package (← its costliest caller in another file)")
    for own, key in sorted(hot, reverse=True)[:5]:
        print(f"             {own / busy:4.0%}  {label(key)}{entry_point(entries, key)}")
    shares = sorted(by_package.items(), key=lambda item: -item[1])[:8]
    print("       own time by package: " + ", ".join(f"{n} {o / busy:.0%}" for n, o in shares))


# ---------------------------------------------------------------------- the run


async def run_all(folder: Path) -> None:
    scenarios, dispatcher = await build_scenarios(folder)
    storage = type(dispatcher.storage).__name__
    print(
        f"   SQLite file database, dialog state in {storage}, in-process Bot API session; "
        f"{ROUNDS * BLOCK} iterations per figure after {WARMUP} warm-up, "
        f"{ROUNDS} alternating rounds; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    for scenario in scenarios:
        sides = (scenario.bare, scenario.shopguard, scenario.in_memory)
        for runner in sides:
            replies = await runner.run(WARMUP, record=False)
            if runner is scenario.shopguard and not scenario.check(replies):
                shown = [(r.method, (r.text or "")[:80]) for r in replies]
                raise RuntimeError(f"{scenario.name}: unexpected replies {shown}")
        for _ in range(ROUNDS):
            for runner in sides:
                await runner.run(BLOCK, record=True)
    missed = []
    for scenario in scenarios:
        ours, bare = scenario.shopguard, scenario.bare
        ratio = ours.cpu_per_update / bare.cpu_per_update
        p95 = ours.percentile(0.95)
        print(f"   {scenario.name}")
        print(
            f"     CPU {micros(ours.cpu_per_update)}/update, bare handler "
            f"{micros(bare.cpu_per_update)}/update: ratio ×{ratio:.2f}   goal ≤ ×{RATIO_GOAL}"
            f"{'' if ratio <= RATIO_GOAL else '  MISSED'}"
        )
        print(
            f"     handler time p50 {ms(ours.percentile(0.5))}, p95 {ms(p95)}   "
            f"goal p95 ≤ {P95_GOAL_MS:.0f} ms{'' if p95 * 1e3 <= P95_GOAL_MS else '  MISSED'}"
        )
        print(
            f"     SQL per update: {ours.per_update(ours.statements):.1f} statements in "
            f"{ours.per_update(ours.transactions):.1f} transactions (bare "
            f"{bare.per_update(bare.statements):.1f} in {bare.per_update(bare.transactions):.1f})"
        )
        if scenario.store is not None:
            stored = ours.per_update(scenario.store.cpu)
            print(
                f"     of which fetching and storing the file (getFile, the in-process download; "
                f"create, write, fsync, rename on a worker thread): {micros(stored).strip()}"
                "/update; the rest ×"
                f"{(ours.cpu_per_update - stored) / bare.cpu_per_update:.2f} the bare handler "
                "(for scale, not the goal)"
            )
        memory = scenario.in_memory
        print(
            f"     for scale: bare p50 {ms(bare.percentile(0.5))}, p95 "
            f"{ms(bare.percentile(0.95))}; bare on aiogram's MemoryStorage "
            f"{micros(memory.cpu_per_update).strip()}/update CPU, p95 {ms(memory.percentile(0.95))}"
        )
        if ratio > RATIO_GOAL:
            missed.append(scenario)
    # "a typical update": one of each scenario, as the shopper's updates come
    ours = sum(s.shopguard.cpu_per_update for s in scenarios)
    bares = sum(s.bare.cpu_per_update for s in scenarios)
    print(
        f"   one update of each kind above: CPU {micros(ours / len(scenarios))}/update, bare "
        f"{micros(bares / len(scenarios))}/update: ratio ×{ours / bares:.2f}   goal ≤ ×{RATIO_GOAL}"
        f"{'' if ours / bares <= RATIO_GOAL else '  MISSED'}"
    )
    # what one SQL statement costs the bare handler: its SQL storage runs against MemoryStorage
    extra = sum(
        s.bare.cpu - s.in_memory.cpu * s.bare.iterations / s.in_memory.iterations for s in scenarios
    )
    statements = sum(s.bare.statements for s in scenarios)
    print(
        f"   SQL storage vs MemoryStorage in the bare handler: ≈ {extra / statements * 1e6:.0f} µs "
        "CPU per SQL statement (transactions, aiosqlite's thread hops included)"
    )
    for scenario in missed:
        print(f"   why {scenario.name!r} costs more than ×{RATIO_GOAL} the bare handler:")
        assert scenario.shopguard.counter is not None
        await sql_of_one(scenario, scenario.shopguard.counter)
        await profile(scenario, middleware_code(dispatcher))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run_all(Path(folder)))


if __name__ == "__main__":
    main()
