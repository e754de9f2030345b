"""Conversation fixtures: the real Dispatcher and routers on a temporary database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import build_dispatcher
from bot.local_chat import LocalChat
from shopguard.clock import FixedClock
from shopguard.settings import Settings
from tests.conftest import service_url
from tests.fakebotapi import FakeBotAPI


@pytest.fixture
async def redis_url() -> str | None:
    """Dialog state in Redis when SHOPGUARD_TEST_REDIS=1 (the scale-out profile), else in SQL."""
    if os.environ.get("SHOPGUARD_TEST_REDIS") != "1":
        return None
    url = service_url("TEST_REDIS_URL")
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    return url


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """A fake Bot API server over real HTTP."""
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, redis_url: str | None) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", throttle_burst=1000, redis_url=redis_url
    )


@pytest.fixture
async def dispatcher(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> AsyncIterator[Dispatcher]:
    dispatcher = build_dispatcher(settings, sessions, clock)
    yield dispatcher
    await dispatcher.storage.close()


@pytest.fixture
def chat(dispatcher: Dispatcher) -> LocalChat:
    return LocalChat(dispatcher, user_id=1001, language_code="zh-hans")


class _Rows:
    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def all(self) -> list[Any]:
        return list(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        (row,) = self._rows
        return row

    def scalar_one(self) -> Any:
        (row,) = self._rows
        return row[0]


class StoredData:
    """Reads what is stored, each read in its own short transaction.

    A conversation test must not hold a transaction open: under SQLite's write lock it would
    block the very updates it is checking.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def exec(self, statement: Any) -> _Rows:
        async with self._sessions() as session:
            return _Rows(list((await session.exec(statement)).all()))

    async def get(self, model: Any, key: Any) -> Any:
        async with self._sessions() as session:
            return await session.get(model, key)

    def expire_all(self) -> None:
        return None


@pytest.fixture
def db(sessions: async_sessionmaker[AsyncSession]) -> StoredData:
    return StoredData(sessions)


async def dialog_of(chat: LocalChat) -> tuple[str | None, dict[str, Any]]:
    """The shopper's dialog state and data as stored — in SQL or Redis, whichever is configured."""
    key = StorageKey(bot_id=chat.bot.id, chat_id=chat.chat.id, user_id=chat.user.id)
    storage = chat.dispatcher.storage
    return await storage.get_state(key), await storage.get_data(key)
