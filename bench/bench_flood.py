"""Flood: one user's 200 messages in 10 s, and how fast the calm users are answered meanwhile.

The real ShopGuard dispatcher (``build_dispatcher``: dedup, dialog state in the SQL storage,
throttle, one database transaction per update …) on a SQLite file, with the production flood
limits (the ``Settings`` defaults). Replies go to the in-process Bot API session
(``LocalSession``: no network), which notes when each update's first reply reaches it.

Updates are handled the way polling handles them: each one becomes its own task
(``feed_update`` in ``asyncio.create_task``), started at its arrival time by the event loop, so
the calm users' updates and the flood run concurrently, with aiogram's per-user event isolation.
A calm user's latency runs from the update's arrival time (the moment it was due, so a busy
event loop that starts it late is counted) to its first reply arriving at the Bot API.

Phases, in this order, the same calm load in each (40 users, each sending /cases once a second,
staggered): calm (3 s), even flood (10 s), calm (3 s), burst flood (10 s), calm (3 s).

- even flood: one more user sends /cases 200 times, one every 50 ms;
- burst flood: another user sends 200 in bursts of 20 at once, one burst a second.

Goals: calm p95 during a flood ≤ 1.5× the calm p95 of the calm phases on either side of it
(pooled, so drift of the machine hits both); each flooder gets exactly one notice, and no more
of its messages reach a handler than the bucket allows (burst + rate × 10 s). "loop late" is the
event loop's worst delay in starting an update: large in a calm phase, it means the machine was
busy. For scale, a refused flood message and an answered /cases are then fed one at a time.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_dispatcher
from bot.i18n import texts
from bot.local_session import LocalSession, Outgoing
from shopguard.clock import system_clock
from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade
from shopguard.settings import Settings
from shopguard.taxonomy import Language

CALM_USERS = 40
CALM_INTERVAL = 1.0  # s between two messages of one calm user (under the throttle's rate)
COMMAND = "/cases"  # a real handler: clears the dialog, lists the cases, replies
FLOOD_MESSAGES = 200
FLOOD_SECONDS = 10.0
BURST = 20  # messages at once in the burst flood, one burst a second
CALM_SECONDS = 3.0  # calm load only: before, between and after the floods
BUSY_LATENESS = 0.010  # s: a calm phase's loop this late means the machine was busy
NEAR_BURST = 0.06  # s: a calm update arriving this soon after a burst meets it
WARMUP_SECONDS = 2.0
RATIO_GOAL = 1.5

RATE = Settings.model_fields["throttle_rate"].default  # the production flood limits
BUCKET = Settings.model_fields["throttle_burst"].default
NOTICE = texts(Language.ZH)("throttle.notice")
APOLOGY = texts(Language.ZH)("error.generic", error_id="\0").split("\0")[0]

CALM_IDS = [20_000 + n for n in range(CALM_USERS)]
EVEN_FLOODER, BURST_FLOODER, COST_FLOODER = 30_001, 30_002, 30_003
COST_UPDATES = 100  # fed one at a time, for the cost of a refused message


# ---------------------------------------------------------------------- feeding and timing


@dataclass
class Fed:
    """One update: when it was due, when its task started, when its first reply went out."""

    user_id: int
    due: float
    started: float | None = None
    replied: float | None = None
    replies: list[Outgoing] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def latency(self) -> float | None:
        return None if self.replied is None else self.replied - self.due

    @property
    def notices(self) -> int:
        return sum(r.text == NOTICE for r in self.replies)

    @property
    def handled(self) -> bool:
        """A handler answered (not the throttle's notice, not the error boundary's apology)."""
        return any(
            r.text != NOTICE and not (r.text or "").startswith(APOLOGY) for r in self.replies
        )


current: ContextVar[Fed | None] = ContextVar("bench_flood_update", default=None)


class TimedApi(LocalSession):
    """The in-process Bot API; notes when each update's first request reaches it."""

    def __init__(self) -> None:
        super().__init__(on_output=self._output)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        fed = current.get()
        if fed is not None and fed.replied is None:
            fed.replied = time.monotonic()
        return await super().make_request(bot, method, timeout)

    def _output(self, out: Outgoing) -> None:
        fed = current.get()
        if fed is not None:
            fed.replies.append(out)


class Feeder:
    """Starts each update as its own task at its due time, as polling does (``handle_as_tasks``)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.bot = Bot(
            token="100000:LOCAL",
            session=TimedApi(),
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        self.loop = asyncio.get_running_loop()
        self.tasks: set[asyncio.Task[None]] = set()
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1)

    def at(self, user_id: int, due: float) -> Fed:
        """``user_id`` sends the command at loop time ``due`` (time.monotonic)."""
        fed = Fed(user_id, due)
        self.loop.call_at(due, self._start, fed)
        return fed

    async def alone(self, user_id: int, count: int) -> list[Fed]:
        """``user_id`` sends the command ``count`` times, each once the previous was handled."""
        sent = []
        for _ in range(count):
            fed = Fed(user_id, time.monotonic())
            self._start(fed)
            await self.drain()
            sent.append(fed)
        return sent

    def _start(self, fed: Fed) -> None:
        fed.started = time.monotonic()
        user = User(id=fed.user_id, is_bot=False, first_name="Shopper", language_code="zh-hans")
        message = Message(
            message_id=next(self.message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=fed.user_id, type="private"),
            from_user=user,
            text=COMMAND,
        )
        update = Update(update_id=next(self.update_ids), message=message)
        task = asyncio.create_task(self._handle(fed, update))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _handle(self, fed: Fed, update: Update) -> None:
        current.set(fed)
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception as error:  # polling logs it and goes on; counted here
            fed.error = error

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))


class StatementCounter:
    """SQL statements the engine ran (any session, any thread)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)

    def _statement(self, *_: object) -> None:
        self.statements += 1


class StateReads:
    """Times the dialog-state reads (``storage.get_state``, which aiogram's FSM middleware calls
    for every update); installed on the storage instance only after the phases."""

    def __init__(self, storage: Any) -> None:
        self.seconds = 0.0
        original = storage.get_state

        async def timed(*args: Any, **kwargs: Any) -> str | None:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)  # type: ignore[no-any-return]
            finally:
                self.seconds += time.perf_counter() - started

        storage.get_state = timed


# ---------------------------------------------------------------------- the phases


@dataclass
class Phase:
    name: str
    calm: list[Fed]
    flood: list[Fed]

    def latencies(self) -> list[float]:
        return sorted(f.latency for f in self.calm if f.latency is not None)

    def lateness(self) -> float:
        """The event loop's worst delay in starting an update's task."""
        return max((f.started or f.due) - f.due for f in (*self.calm, *self.flood))


def calm_schedule(start: float, seconds: float) -> Iterable[tuple[int, float]]:
    for k in range(round(seconds / CALM_INTERVAL)):
        for n, user_id in enumerate(CALM_IDS):
            yield user_id, start + k * CALM_INTERVAL + n * CALM_INTERVAL / CALM_USERS


def even_flood(start: float) -> list[float]:
    step = FLOOD_SECONDS / FLOOD_MESSAGES
    offset = CALM_INTERVAL / CALM_USERS / 2  # between two calm users' times
    return [start + offset + n * step for n in range(FLOOD_MESSAGES)]


def burst_flood(start: float) -> list[float]:
    every = FLOOD_SECONDS / (FLOOD_MESSAGES // BURST)
    return [start + (n // BURST + 0.5) * every for n in range(FLOOD_MESSAGES)]


async def run_phase(
    feeder: Feeder,
    name: str,
    seconds: float,
    flooder: int | None = None,
    flood_times: Callable[[float], list[float]] | None = None,
) -> Phase:
    gc.collect()
    start = time.monotonic() + 0.05
    calm = [feeder.at(user_id, due) for user_id, due in calm_schedule(start, seconds)]
    flood = []
    if flooder is not None and flood_times is not None:
        flood = [feeder.at(flooder, due) for due in flood_times(start)]
    await asyncio.sleep(start + seconds - time.monotonic())
    await feeder.drain()
    return Phase(name, calm, flood)


# ---------------------------------------------------------------------- the report


def ms(value: float) -> str:
    return f"{value * 1e3:6.1f}"


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def problems(phase: Phase) -> str:
    """Calm updates that were not answered properly (there should be none)."""
    unanswered = sum(not f.handled for f in phase.calm)
    throttled = sum(f.notices for f in phase.calm)
    failed = sum(f.error is not None for f in phase.calm) + sum(
        (r.text or "").startswith(APOLOGY) for f in phase.calm for r in f.replies
    )
    if unanswered == throttled == failed == 0:
        return ""
    return f"  calm updates: {unanswered} unanswered, {throttled} throttled, {failed} failed"


@dataclass
class Cost:
    """Per update, fed one at a time (nothing else running)."""

    cpu: float
    wall: float
    state_read: float
    statements: float
    handled: int


async def cost(
    feeder: Feeder, counter: StatementCounter, reads: StateReads, users: list[int], count: int
) -> Cost:
    gc.collect()
    statements, read = counter.statements, reads.seconds
    cpu, wall = time.process_time(), time.perf_counter()
    sent = [f for n in range(count) for f in await feeder.alone(users[n % len(users)], 1)]
    return Cost(
        cpu=(time.process_time() - cpu) / count,
        wall=(time.perf_counter() - wall) / count,
        state_read=(reads.seconds - read) / count,
        statements=(counter.statements - statements) / count,
        handled=sum(f.handled for f in sent),
    )


async def refusal_cost(feeder: Feeder, counter: StatementCounter) -> tuple[Cost, Cost]:
    """What a refused flood message costs, next to a calm user's answered command."""
    reads = StateReads(feeder.dispatcher.storage)
    await feeder.alone(COST_FLOODER, BUCKET + 1)  # now over the limit (and notified)
    refused = await cost(feeder, counter, reads, [COST_FLOODER], COST_UPDATES)
    answered = await cost(feeder, counter, reads, CALM_IDS, COST_UPDATES)
    return refused, answered


def p95(phases: list[Phase]) -> float:
    return percentile(sorted(x for p in phases for x in p.latencies()), 0.95)


def near_bursts(phase: Phase) -> str:
    """The calm updates that arrived just after a burst, against the rest of that phase."""
    bursts = sorted({f.due for f in phase.flood})
    near: list[float] = []
    rest: list[float] = []
    for fed in phase.calm:
        since = min((fed.due - b for b in bursts if b <= fed.due), default=1.0)
        if fed.latency is not None:
            (near if since < NEAR_BURST else rest).append(fed.latency)
    near.sort()
    rest.sort()
    return (
        f"   {phase.name}: calm updates arriving ≤ {NEAR_BURST * 1e3:.0f} ms after a burst: "
        f"n {len(near)}, p50 {ms(percentile(near, 0.5)).strip()}, max {ms(near[-1]).strip()} ms; "
        f"the others: p50 {ms(percentile(rest, 0.5)).strip()}, "
        f"p95 {ms(percentile(rest, 0.95)).strip()} ms"
    )


def report(phases: list[Phase], costs: tuple[Cost, Cost]) -> None:
    """``phases``: calm, flood, calm, flood, calm; each flood against the calm on either side."""
    print(
        f"   calm users' reply latency, ms from an update's arrival to its reply reaching the Bot "
        f"API ({CALM_USERS} users, each 1 {COMMAND} per {CALM_INTERVAL:.0f} s)"
    )
    print(
        "     phase                    n    p50    p95    max   loop late   p95 ratio to the calm"
    )
    for n, phase in enumerate(phases):
        values = phase.latencies()
        ratio = ""
        if phase.flood:
            around = [phases[n - 1], phases[n + 1]]
            base = p95(around)
            ratio = (
                f"  ×{p95([phase]) / base:.2f} (p95 {ms(base).strip()} around)   goal ≤ "
                f"×{RATIO_GOAL}   {'PASS' if p95([phase]) / base <= RATIO_GOAL else 'MISS'}"
            )
        print(
            f"     {phase.name:<23} {len(values):4d} {ms(percentile(values, 0.5))} "
            f"{ms(percentile(values, 0.95))} {ms(values[-1])}   {ms(phase.lateness())}  {ratio}"
        )
    stalled = max(p.lateness() for p in phases if not p.flood)
    if stalled > BUSY_LATENESS:
        print(
            f"     note: in a calm phase the event loop started an update {ms(stalled).strip()} ms "
            "late (calm load alone): the machine was busy, the ratios next to it are unreliable"
        )
    allowed = BUCKET + RATE * FLOOD_SECONDS + 1
    for phase in phases:
        if problem := problems(phase):
            print(f"   {phase.name}:{problem}")
        if not phase.flood:
            continue
        notices = sum(f.notices for f in phase.flood)
        handled = sum(f.handled for f in phase.flood)
        print(
            f"   {phase.name}: flooder notices: {notices} (goal 1)   "
            f"{'PASS' if notices == 1 else 'MISS'};  reached a handler: {handled} of "
            f"{len(phase.flood)} (goal ≤ {allowed:.0f}: burst {BUCKET} + {RATE}/s × "
            f"{FLOOD_SECONDS:.0f} s)   {'PASS' if handled <= allowed else 'MISS'}"
        )
    for phase in phases:
        if phase.flood and len({f.due for f in phase.flood}) < len(phase.flood):
            print(near_bursts(phase))
    refused, answered = costs
    print(
        f"   for scale, fed one at a time: a refused flood message {ms(refused.cpu).strip()} ms "
        f"CPU, {refused.statements:.1f} SQL statements, {ms(refused.wall).strip()} ms wall of "
        f"which {ms(refused.state_read).strip()} ms reading the dialog state; an answered "
        f"{COMMAND} {ms(answered.cpu).strip()} ms CPU, {answered.statements:.1f} statements"
        + (f" ({refused.handled} of the refused reached a handler)" if refused.handled else "")
    )


# ---------------------------------------------------------------------- the run


async def run_all(folder: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=folder / "data",
        redis_url=None,
        throttle_rate=RATE,
        throttle_burst=BUCKET,
    )
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'shopguard.sqlite3'}")
    await upgrade(engine)
    counter = StatementCounter(engine)
    dispatcher = build_dispatcher(settings, session_factory(engine), system_clock)
    feeder = Feeder(dispatcher)
    print(
        f"   SQLite file database, dialog state in {type(dispatcher.storage).__name__}, "
        f"in-process Bot API session; throttle {RATE}/s, burst {BUCKET}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    try:
        warm = await run_phase(feeder, "warm-up", WARMUP_SECONDS)
        if problem := problems(warm):
            replies = [(r.method, (r.text or "")[:80]) for f in warm.calm[:3] for r in f.replies]
            raise RuntimeError(f"warm-up:{problem}; e.g. {replies}")
        phases = [
            await run_phase(feeder, "calm", CALM_SECONDS),
            await run_phase(feeder, "even flood (20/s)", FLOOD_SECONDS, EVEN_FLOODER, even_flood),
            await run_phase(feeder, "calm", CALM_SECONDS),
            await run_phase(
                feeder, f"burst flood ({BURST}×/s)", FLOOD_SECONDS, BURST_FLOODER, burst_flood
            ),
            await run_phase(feeder, "calm", CALM_SECONDS),
        ]
        costs = await refusal_cost(feeder, counter)
    finally:
        await engine.dispose()
    report(phases, costs)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run_all(Path(folder)))


if __name__ == "__main__":
    main()
