"""An update delivered twice (a retried webhook, a second worker) is handled once; one whose
worker died while handling it is handled again, not lost."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.types import Chat, Message, TelegramObject, Update, User
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import build_dispatcher
from bot.local_chat import LocalChat
from bot.middlewares.dedup import UpdateDedupMiddleware
from shopguard.clock import FixedClock
from shopguard.settings import Settings
from tests.conftest import service_url


async def test_the_same_update_twice_gets_one_reply(chat: LocalChat) -> None:
    update = Update(
        update_id=777,
        message=Message(
            message_id=5,
            date=datetime.now(UTC),
            chat=Chat(id=chat.user.id, type="private"),
            from_user=User(id=chat.user.id, is_bot=False, first_name="A"),
            text="/help",
        ),
    )
    first = await chat._feed(update)
    second = await chat._feed(update)
    assert len(first) == 1 and first[0].text.startswith("<b>怎么用</b>")
    assert second == []


# ---------------------------------------------------------------- shared by workers, in Redis


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(service_url("TEST_REDIS_URL"))
    yield client
    await client.aclose()


@pytest.fixture
def worker(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> Callable[[], Dispatcher]:
    """A new worker process's dispatcher on the shared Redis (and database)."""

    def start() -> Dispatcher:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path / "data",
            redis_url=service_url("TEST_REDIS_URL"),
        )
        return build_dispatcher(settings, sessions, clock)

    return start


def help_update(user_id: int) -> Update:
    """/help with an update id no other test (or run sharing this Redis) uses."""
    return Update(
        update_id=secrets.randbelow(10**12),
        message=Message(
            message_id=5,
            date=datetime.now(UTC),
            chat=Chat(id=user_id, type="private"),
            from_user=User(id=user_id, is_bot=False, first_name="A"),
            text="/help",
        ),
    )


def claim_key(chat: LocalChat, update: Update) -> str:
    return f"shopguard:update:{chat.bot.id}:{update.update_id}"


async def test_an_update_handled_by_one_worker_is_skipped_by_another(
    worker: Callable[[], Dispatcher], redis: Redis
) -> None:
    first, second = LocalChat(worker(), user_id=4101), LocalChat(worker(), user_id=4101)
    update = help_update(4101)
    assert len(await first._feed(update)) == 1
    assert await second._feed(update) == []
    assert await redis.get(claim_key(first, update)) == b"done"


async def test_an_update_whose_worker_died_while_handling_it_is_handled_again(
    worker: Callable[[], Dispatcher], redis: Redis
) -> None:
    chat = LocalChat(worker(), user_id=4102)
    update = help_update(4102)
    # what a worker killed mid-update leaves: its claim, still "handling" (its dialog lock
    # expired with it)
    await redis.set(claim_key(chat, update), b"handling", ex=60)
    replies = await chat._feed(update)
    assert len(replies) == 1 and replies[0].text.startswith("<b>怎么用</b>")
    assert await redis.get(claim_key(chat, update)) == b"done"
    assert await chat._feed(update) == []


async def test_outside_a_dialog_a_claim_being_handled_is_left_to_its_worker(redis: Redis) -> None:
    """No dialog lock guards such an update, so its claimant may well be alive."""
    dedup = UpdateDedupMiddleware(redis)
    update = help_update(4103)
    key = f"shopguard:update:42:{update.update_id}"
    await redis.set(key, b"handling", ex=60)
    calls: list[object] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        calls.append(event)

    bot = SimpleNamespace(id=42)
    await dedup(handler, update, {"bot": bot})
    assert calls == []
    await dedup(handler, update, {"bot": bot, "state": object()})  # in a dialog: taken over
    assert calls == [update]


async def test_a_failed_update_counts_as_handled_and_a_cancelled_one_does_not(
    redis: Redis,
) -> None:
    dedup = UpdateDedupMiddleware(redis)
    bot = SimpleNamespace(id=43)
    failing, cancelled = help_update(4104), help_update(4104)

    async def fail(event: TelegramObject, data: dict[str, Any]) -> None:
        raise RuntimeError("handler bug")

    async def stopped(event: TelegramObject, data: dict[str, Any]) -> None:
        raise asyncio.CancelledError

    with pytest.raises(RuntimeError):
        await dedup(fail, failing, {"bot": bot, "state": object()})
    assert await redis.get(f"shopguard:update:43:{failing.update_id}") == b"done"
    with pytest.raises(asyncio.CancelledError):
        await dedup(stopped, cancelled, {"bot": bot, "state": object()})
    assert await redis.get(f"shopguard:update:43:{cancelled.update_id}") == b"handling"
