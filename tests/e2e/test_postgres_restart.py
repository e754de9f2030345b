"""The real bot on PostgreSQL that restarts mid-run: it reconnects and carries on.

The test runs its own throwaway PostgreSQL cluster (initdb into a temporary folder, a free
port), so restarting it disturbs nothing else. The shopper opens a case, PostgreSQL restarts,
the shopper opens a second one; then PostgreSQL goes down while a message is on its way and
comes back a few seconds later: that message is answered once the database is back. Reminders
that fall due around the restarts are delivered once each.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from shopguard.db.engine import create_engine, session_factory
from shopguard.db.models import Reminder
from tests.conftest import service_url
from tests.e2e.conftest import BotProcess
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 660001
APOLOGY = "抱歉，处理时出了点问题"
PG_USER = "postgres"  # the server refuses to run as root; Debian's package creates this user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL cluster of this test alone: trust auth on 127.0.0.1, socket in its folder.

    pg_ctl runs with its output discarded (the server it starts would inherit a pipe and keep
    it open) and from a thread, so the fake Bot API in the test's event loop keeps answering.
    """

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = free_port()
        self.database = "shopguard"
        self.url = f"postgresql+asyncpg://{PG_USER}@127.0.0.1:{self.port}/{self.database}"

    def _argv(self, tool: str, *args: str) -> list[str]:
        argv = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            return ["runuser", "-u", PG_USER, "--", *argv]
        return argv

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            self._argv(tool, *args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=90,
        )

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", *args)

    async def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, user=PG_USER)
        await asyncio.to_thread(
            self._run,
            "initdb",
            "-D",
            str(self.data),
            "-U",
            PG_USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    async def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=100"
        )
        await asyncio.to_thread(self._pg_ctl, "-l", str(self.log), "-o", options, "start")

    async def stop(self, mode: str = "fast") -> None:
        await asyncio.to_thread(self._pg_ctl, "-m", mode, "stop")

    async def create_database(self) -> None:
        connection = await asyncpg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, database="postgres"
        )
        try:
            await connection.execute(f"CREATE DATABASE {self.database}")
        finally:
            await connection.close()

    async def fetch(self, sql: str) -> list[tuple[object, ...]]:
        connection = await asyncpg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, database=self.database
        )
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        finally:
            await connection.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "----- PostgreSQL log (tail) -----\n" + "\n".join(text.splitlines()[-lines:])


@pytest.fixture
async def private_postgres() -> AsyncIterator[PrivatePostgres]:
    bin_dir = Path(service_url("TEST_PG_BIN"))
    root = Path(tempfile.mkdtemp(prefix="shopguard-pg-"))
    cluster = PrivatePostgres(bin_dir, root)
    try:
        await cluster.init()
        await cluster.start()
        await cluster.create_database()
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                await cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


async def seed_reminder(url: str, text: str, due_in: timedelta) -> None:
    """A custom reminder for the shopper, due ``due_in`` from now."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with session_factory(engine)() as session, session.begin():
            session.add(
                Reminder(
                    user_id=SHOPPER,
                    kind="custom",
                    text=text,
                    due_at=now + due_in,
                    available_at=now + due_in,
                    created_at=now,
                )
            )
    finally:
        await engine.dispose()


async def open_case(fake: FakeBotAPI, platform: str, problem: str, number: int) -> None:
    mark = fake.mark()
    await fake.user_text(SHOPPER, "/new")
    await fake.wait_for_message(SHOPPER, "在哪个平台买的", timeout=30, since=mark)
    await fake.press_button(SHOPPER, platform)
    await fake.wait_for(lambda c: f"平台：{platform}" in (c.text or ""), timeout=30, since=mark)
    await fake.press_button(SHOPPER, problem)
    await fake.wait_for_message(SHOPPER, f"案件 {number} 已创建", timeout=30, since=mark)


def sent_to_shopper(fake: FakeBotAPI, needle: str) -> int:
    return sum(needle in (c.text or "") for c in fake.messages_to(SHOPPER))


async def test_bot_carries_on_when_postgres_restarts_and_when_it_is_briefly_down(
    private_postgres: PrivatePostgres, fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    # PostgreSQL comes first among the fixtures, so teardown stops the bot before the database
    pg = private_postgres
    bot_process.env.update(
        DATABASE_URL=pg.url,
        REMINDER_TICK_SECONDS="1",
        REMINDER_LEASE_SECONDS="5",
        SEND_CHAT_INTERVAL="0.1",
        THROTTLE_BURST="50",
    )
    await bot_process.start(wait=True)

    await fake_api.user_text(SHOPPER, "/start")
    await fake_api.wait_for_message(SHOPPER, "购物维权助手", timeout=30)
    await open_case(fake_api, "京东", "质量问题", 1)

    # a restart with the bot's connections cut; a reminder falls due just after it
    await seed_reminder(pg.url, "pg-restart-reminder-1", timedelta(seconds=4))
    [(first_server,)] = await pg.fetch("SELECT pg_postmaster_start_time()")
    started = time.monotonic()
    await pg.stop("fast")
    await pg.start()
    restart_took = time.monotonic() - started
    assert await pg.fetch("SELECT pg_postmaster_start_time()") != [(first_server,)]

    await open_case(fake_api, "抖音", "疑似假货", 2)
    mark = fake_api.mark()
    await fake_api.user_text(SHOPPER, "/cases")
    listing = await fake_api.wait_for_message(SHOPPER, "我的案件（共 2 个", timeout=30, since=mark)
    labels = [label for label, _ in fake_api.buttons(listing)]
    assert labels[0].startswith("🟢 #2 抖音") and labels[1].startswith("🟢 #1 京东")
    await fake_api.wait_for_message(SHOPPER, "pg-restart-reminder-1", timeout=30)
    assert bot_process.running, bot_process.log_tail()

    # PostgreSQL down while the shopper writes; back a couple of seconds later
    await seed_reminder(pg.url, "pg-restart-reminder-2", timedelta(seconds=1))
    outage_started = time.monotonic()
    await pg.stop("fast")
    mark = fake_api.mark()
    await fake_api.user_text(SHOPPER, "/cases")
    await asyncio.sleep(2.0)
    await pg.start()
    outage_took = time.monotonic() - outage_started

    # the message sent during the outage is answered once the database is back
    await fake_api.wait_for_message(SHOPPER, "我的案件（共 2 个", timeout=30, since=mark)
    await fake_api.wait_for_message(SHOPPER, "pg-restart-reminder-2", timeout=30, since=mark)
    await open_case(fake_api, "京东", "运输破损", 3)
    assert bot_process.running, bot_process.log_tail()

    await asyncio.sleep(1.5)  # a reminder sent twice would show up now
    assert sent_to_shopper(fake_api, "pg-restart-reminder-1") == 1
    assert sent_to_shopper(fake_api, "pg-restart-reminder-2") == 1
    assert sent_to_shopper(fake_api, "我的案件（共 2 个") == 2
    assert sent_to_shopper(fake_api, APOLOGY) == 0
    assert await pg.fetch("SELECT number, platform, problem_type FROM cases ORDER BY number") == [
        (1, "jd", "quality_defect"),
        (2, "douyin", "counterfeit"),
        (3, "jd", "damaged_in_transit"),
    ]
    assert await pg.fetch("SELECT text, status FROM reminders ORDER BY text") == [
        ("pg-restart-reminder-1", "sent"),
        ("pg-restart-reminder-2", "sent"),
    ]
    assert bot_process.running, bot_process.log_tail()
    assert fake_api.internal_errors == []
    print(f"PostgreSQL restart took {restart_took:.2f} s, the outage {outage_took:.2f} s")
