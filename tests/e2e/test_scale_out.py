"""Two bot processes (webhook workers) on one PostgreSQL share the reminders: each sent once."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from shopguard.db.engine import create_engine
from tests.conftest import reset_postgres, service_url
from tests.e2e.conftest import BotProcess
from tests.e2e.seed import seed_due_reminders
from tests.e2e.test_reminder_delivery import delivered, wait_delivered
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_worker(fake: FakeBotAPI, tmp_path: Path, name: str, database_url: str) -> BotProcess:
    (tmp_path / name).mkdir()
    worker = BotProcess(fake, tmp_path / name)
    port = free_port()
    worker.env.update(
        DATABASE_URL=database_url,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        WEBHOOK_SECRET="scale-out-secret",
        WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        INSTANCE_NAME=name,
        REMINDER_LEASE_SECONDS="10",
        REMINDER_TICK_SECONDS="1",
        REMINDER_BATCH="25",
        SEND_RATE="50",
        SEND_CHAT_INTERVAL="0.05",
        LOG_LEVEL="WARNING",
    )
    return worker


async def test_two_processes_on_postgres_deliver_2000_reminders_exactly_once(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    url = service_url("TEST_POSTGRES_URL")
    await reset_postgres(url)
    texts = await seed_due_reminders(url, users=200, per_user=10, late_by=timedelta(minutes=1))
    workers = [webhook_worker(fake_api, tmp_path, f"worker-{n}", url) for n in (1, 2)]
    try:
        for worker in workers:
            await worker.start()
        await wait_delivered(fake_api, len(texts), timeout=120)
        await asyncio.sleep(1.0)
    finally:
        for worker in workers:
            await worker.cleanup()

    counts = delivered(fake_api)
    assert set(counts) == set(texts)
    assert [t for t, n in counts.items() if n > 1] == []
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT status, lease_owner, count(*) FROM reminders GROUP BY 1, 2")
        )
        by_owner = Counter({(status, owner): n for status, owner, n in rows})
    await engine.dispose()
    assert sum(by_owner.values()) == len(texts)
    assert {status for status, _ in by_owner} == {"sent"}
    assert by_owner[("sent", "worker-1")] > 0 and by_owner[("sent", "worker-2")] > 0
