"""Reminder delivery: send rate under the caps, start-up time against the backlog, loop stalls.

Each figure is printed next to its goal, as a ratio to a baseline measured in the same run.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.fake_api import ROOT, FakeApiProcess
from bot.sender import ProactiveSender
from shopguard.clock import system_clock
from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade
from shopguard.db.models import Reminder, User
from shopguard.ratelimit import SendScheduler
from shopguard.reminders.dispatch import DispatchSettings, Outcome, ReminderDispatcher, Sent
from shopguard.reminders.store import Claimed

CAP = 25.0  # the configured overall rate (messages/s)
CHAT_INTERVAL = 1.05  # the configured per-chat spacing (s)


async def seed(url: str, *, reminders: int, users: int, due_in: timedelta) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    now = datetime.now(UTC)
    async with session_factory(engine)() as session, session.begin():
        session.add_all(User(id=1_000_000 + u, created_at=now) for u in range(users))
        await session.flush()
        for start in range(0, reminders, 5000):
            session.add_all(
                Reminder(
                    user_id=1_000_000 + n % users,
                    kind="custom",
                    text=f"bench {n}",
                    due_at=now + due_in,
                    available_at=now + due_in,
                    created_at=now,
                )
                for n in range(start, min(start + 5000, reminders))
            )
            await session.flush()
    await engine.dispose()


class CountingSender:
    """The real sender; remembers when each message went out."""

    def __init__(self, sender: ProactiveSender) -> None:
        self.sender = sender
        self.times: list[float] = []

    async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome:
        outcome = await self.sender.send(reminder.user_id, f"⏰ {reminder.text}")
        if isinstance(outcome, Sent):
            self.times.append(time.perf_counter())
        return outcome


async def send_rate(tmp: Path) -> None:
    """Sustained rate against a fake enforcing 30/s overall and 1/s per chat."""
    url = f"sqlite+aiosqlite:///{tmp / 'rate.sqlite3'}"
    count, users = 400, 100  # four each: the per-chat spacing matters too
    await seed(url, reminders=count, users=users, due_in=-timedelta(minutes=1))
    fake = FakeApiProcess(per_chat=1, global_limit=30)
    engine = create_engine(url)
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot("1:BENCH", session=session)
    try:
        notifier = CountingSender(ProactiveSender(bot, SendScheduler(CAP, CHAT_INTERVAL)))
        dispatcher = ReminderDispatcher(
            session_factory(engine), notifier, system_clock, DispatchSettings(owner="bench")
        )
        await dispatcher.dispatch_due()
        stats = fake.stats()
    finally:
        await session.close()
        await engine.dispose()
        fake.close()
    span = notifier.times[-1] - notifier.times[0]
    rate = (len(notifier.times) - 1) / span
    print(f"   send rate: {rate:.2f} msg/s sustained over {len(notifier.times)} messages")
    print(f"   ratio to the configured cap ({CAP:.0f}/s): {rate / CAP:.3f}   goal ≥ 0.9")
    print(f"   429s received: {stats['count_429']}   goal 0")
    print(f"   peak per chat in any 1 s: {stats['peak_sends_per_chat']}   (fake's limit 1)")


def time_to_first_poll(data_dir: Path) -> float:
    fake = FakeApiProcess()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(data_dir),
        "BOT_TOKEN": "1:BENCH",
        "TELEGRAM_API_BASE": fake.base_url,
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env)
    try:
        while fake.stats()["poll_count"] == 0:
            if bot.poll() is not None:
                raise RuntimeError("the bot exited before polling")
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        bot.kill()
        bot.wait()
        fake.close()


async def startup(tmp: Path) -> None:
    """Start to first getUpdates, with no reminders and with 100 000 pending ones."""
    empty, full = tmp / "empty", tmp / "full"
    for folder in (empty, full):
        folder.mkdir()
    await seed(
        f"sqlite+aiosqlite:///{empty / 'shopguard.sqlite3'}",
        reminders=0,
        users=1,
        due_in=timedelta(days=1),
    )
    await seed(
        f"sqlite+aiosqlite:///{full / 'shopguard.sqlite3'}",
        reminders=100_000,
        users=1000,
        due_in=timedelta(days=1),
    )
    runs = 3
    base = min(time_to_first_poll(empty) for _ in range(runs))
    loaded = min(time_to_first_poll(full) for _ in range(runs))
    print(
        f"   start → first poll: {base * 1000:.0f} ms with 0 reminders, "
        f"{loaded * 1000:.0f} ms with 100 000 pending (best of {runs})"
    )
    print(
        f"   ratio (100 000 / 0): {loaded / base:.2f}   goal ≈ 1 (the reminder part does not grow)"
    )


class InstantNotifier:
    async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome:
        await asyncio.sleep(0)
        return Sent(message_id=reminder.id)


async def longest_stall(work: asyncio.Future[object] | None, idle_for: float = 0.0) -> float:
    """The worst lateness of a 2 ms timer while ``work`` runs (or for ``idle_for`` seconds)."""
    worst = 0.0
    loop = asyncio.get_running_loop()
    end = loop.time() + idle_for
    while (work is not None and not work.done()) or (work is None and loop.time() < end):
        before = loop.time()
        await asyncio.sleep(0.002)
        worst = max(worst, loop.time() - before - 0.002)
    return worst


async def catch_up_stall(tmp: Path) -> None:
    """A 10 000-reminder catch-up (all overdue) and the event loop's longest stall meanwhile."""
    url = f"sqlite+aiosqlite:///{tmp / 'catchup.sqlite3'}"
    await seed(url, reminders=10_000, users=2000, due_in=-timedelta(hours=1))
    engine = create_engine(url)
    dispatcher = ReminderDispatcher(
        session_factory(engine), InstantNotifier(), system_clock, DispatchSettings(owner="bench")
    )
    idle = await longest_stall(None, idle_for=2.0)
    started = time.perf_counter()
    work = asyncio.ensure_future(dispatcher.dispatch_due())
    stall = await longest_stall(work)
    sent = await work
    elapsed = time.perf_counter() - started
    await engine.dispose()
    print(f"   catch-up: {sent} reminders in {elapsed:.1f} s ({sent / elapsed:.0f}/s, no network)")
    print(
        f"   longest loop stall: {stall * 1000:.1f} ms (idle baseline {idle * 1000:.1f} ms, "
        f"ratio {stall / max(idle, 1e-4):.1f})   goal ≤ 50 ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        asyncio.run(send_rate(tmp))
        asyncio.run(startup(tmp))
        asyncio.run(catch_up_stall(tmp))
