"""End-to-end fixtures: a fake Bot API server on loopback and the real bot as a subprocess.

``fake_api`` is a started :class:`~tests.fakebotapi.FakeBotAPI` in the test's event loop.
``bot_process`` is a :class:`BotProcess` handle (not started) that runs ``python -m bot`` against
it; the process is always killed at teardown and its log is attached to the report of a failed
test. It runs on the profile the suite runs on: its SQLite file by default, PostgreSQL with
``SHOPGUARD_TEST_DATABASE=postgres``, dialog state in Redis with ``SHOPGUARD_TEST_REDIS=1``; tests
read what it stored through ``rows`` and ``dialog_state``, whichever the profile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from bot.app import REDIS_KEYS
from tests.conftest import DEFAULT_BACKEND, reset_postgres, service_url
from tests.fakebotapi import FakeBotAPI

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "123456:TEST-TOKEN"
BOT_ID = int(BOT_TOKEN.split(":", 1)[0])


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


class BotProcess:
    """The real bot (``sys.executable -m bot``) polling the fake server.

    Set extra variables in ``env`` before ``start()``; ``DATA_DIR`` stays the same across
    restarts, so state must survive them. All waits are async so the fake server (which runs in
    the same event loop) keeps answering while we wait.
    """

    def __init__(self, fake: FakeBotAPI, tmp_path: Path) -> None:
        self.fake = fake
        self.argv: list[str] = ["-m", "bot"]
        """Arguments after the interpreter (tests of the harness itself swap in a script)."""
        self.data_dir = tmp_path / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'shopguard.sqlite3'}"
        """Where the bot keeps its data (its default; ``use_services`` changes it)."""
        self.redis_url: str | None = None
        self.log_path = tmp_path / "bot.log"
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        self.env: dict[str, str] = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            "BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE": fake.base_url,
            "DATA_DIR": str(self.data_dir),
            "LOG_LEVEL": "INFO",
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self._polls_before_start = 0

    def use_services(self, database_url: str, redis_url: str | None) -> None:
        """Run on PostgreSQL (and Redis for the dialog state when given): the production
        profile."""
        self.database_url = self.env["DATABASE_URL"] = database_url
        self.redis_url = redis_url
        if redis_url is not None:
            self.env["REDIS_URL"] = redis_url

    async def rows(self, sql: str) -> list[tuple[Any, ...]] | None:
        """The rows of ``sql`` as the bot's database holds them now; None while the database or
        its tables are not made yet. SQLite is read read-only, so the bot's locks are not
        disturbed."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            path = Path(url.database or "")
            if not path.exists():
                return None
            with contextlib.closing(
                sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
            ) as db:
                try:
                    return [tuple(row) for row in db.execute(sql)]
                except sqlite3.OperationalError:
                    return None
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        except asyncpg.UndefinedTableError:
            return None
        finally:
            await connection.close()

    async def dialog_state(self, user_id: int) -> str | None:
        """The state of the shopper's dialog in their private chat, where the bot keeps it."""
        if self.redis_url is None:
            found = await self.rows(
                f"SELECT state FROM dialog_states WHERE user_id = {int(user_id)}"
            )
            return found[0][0] if found else None
        redis = Redis.from_url(self.redis_url)
        key = StorageKey(bot_id=BOT_ID, chat_id=user_id, user_id=user_id)
        try:
            value = await redis.get(REDIS_KEYS.build(key, "state"))
        finally:
            await redis.aclose()
        return value.decode() if value is not None else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.returncode

    async def start(self, *, wait: bool = False) -> BotProcess:
        """Spawn the bot; with ``wait`` also wait until it polls."""
        if self.running:
            raise RuntimeError("bot process is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        self._polls_before_start = self.fake.poll_count
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts} at {time.strftime('%X')} =====\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                *self.argv,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill9 takes any children too
            )
        if wait:
            await self.wait_polling()
        return self

    async def wait_polling(self, timeout: float = 30.0) -> None:
        """Wait until the fake server sees a getUpdates from the process started last."""
        deadline = time.monotonic() + timeout
        while self.fake.poll_count <= self._polls_before_start:
            if self.proc is None:
                raise RuntimeError("bot process was never started")
            if self.proc.returncode is not None:
                raise AssertionError(
                    f"bot exited with code {self.proc.returncode} before polling\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"bot did not call getUpdates within {timeout}s "
                    f"(requests seen: {dict(self.fake.requests)})\n{self.log_tail()}"
                )
            await asyncio.sleep(0.05)

    async def kill9(self) -> None:
        """SIGKILL the process (no chance to clean up) and wait until it is gone."""
        if self.running:
            assert self.proc is not None
            self._signal_group(signal.SIGKILL)
            await self._wait_exit(10.0)

    async def terminate(self, timeout: float = 15.0) -> int | None:
        """SIGTERM (graceful stop) and wait; falls back to SIGKILL and fails if it hangs."""
        if not self.running:
            return self.returncode
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        if not await self._wait_exit(timeout):
            await self.kill9()
            raise AssertionError(f"bot ignored SIGTERM for {timeout}s\n{self.log_tail()}")
        return self.proc.returncode

    async def restart(self, *, kill: bool = False, wait: bool = False) -> BotProcess:
        """Stop (SIGTERM, or SIGKILL with ``kill``) and start again on the same DATA_DIR."""
        if kill:
            await self.kill9()
        else:
            await self.terminate()
        return await self.start(wait=wait)

    async def _wait_exit(self, timeout: float) -> bool:
        assert self.proc is not None
        try:
            async with asyncio.timeout(timeout):
                await self.proc.wait()
        except TimeoutError:
            return False
        return True

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    async def cleanup(self) -> None:
        """Teardown: SIGKILL whatever is still running."""
        if self.running:
            self._signal_group(signal.SIGKILL)
            await self._wait_exit(10.0)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 80) -> str:
        tail = self.log_text().splitlines()[-lines:]
        return "----- bot log (tail) -----\n" + "\n".join(tail)


@pytest.fixture
async def bot_process(
    fake_api: FakeBotAPI, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[BotProcess]:
    handle = BotProcess(fake_api, tmp_path)
    if DEFAULT_BACKEND == "postgres":
        handle.use_services(await fresh_postgres(), await fresh_redis())
    request.node._bot_process = handle  # read by pytest_runtest_makereport below
    try:
        yield handle
    finally:
        await handle.cleanup()


async def fresh_postgres() -> str:
    """The run's PostgreSQL database, emptied for this test."""
    url = service_url("TEST_POSTGRES_URL")
    await reset_postgres(url)
    return url


async def fresh_redis() -> str | None:
    """Redis, emptied for this test (dialog states and handled update ids of earlier tests would
    otherwise leak in), when the suite runs with SHOPGUARD_TEST_REDIS=1."""
    if os.environ.get("SHOPGUARD_TEST_REDIS") != "1":
        return None
    url = service_url("TEST_REDIS_URL")
    redis = Redis.from_url(url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()
    return url


async def eventually(
    read: Callable[[], Awaitable[object]], expected: object, what: str, timeout: float = 15.0
) -> None:
    """Wait until ``read()`` gives ``expected`` (what the bot commits shows up a moment after
    its reply)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = await read()
        if last == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} gave {last!r}, expected {expected!r}")


async def wait_stored(bot: BotProcess, sql: str, expected: object, timeout: float = 15.0) -> None:
    """Wait until the bot has committed what the test expects."""
    await eventually(lambda: bot.rows(sql), expected, repr(sql), timeout)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    handle: BotProcess | None = getattr(item, "_bot_process", None)
    if handle is not None and report.failed and handle.starts:
        report.sections.append(("bot process log", handle.log_tail(200)))
    return report
