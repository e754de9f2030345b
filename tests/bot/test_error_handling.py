"""Failures the shopper must still hear about — and ones they should never notice."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Dispatcher
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from bot.storage import SQLStorage
from shopguard.db.models import User
from shopguard.users import ensure_user


async def test_a_failure_before_any_router_still_gets_an_apology(
    dispatcher: Dispatcher, chat: LocalChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("storage is down")

    monkeypatch.setattr(dispatcher.storage, "get_state", broken)
    replies = await chat.send("/start")
    assert len(replies) == 1
    assert replies[0].text.startswith("抱歉，处理时出了点问题（错误编号 ")


async def test_a_dialog_read_rides_out_a_short_database_outage(
    dispatcher: Dispatcher, chat: LocalChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not isinstance(dispatcher.storage, SQLStorage):
        pytest.skip("dialog state is in Redis")
    monkeypatch.setattr("bot.reconnect.RETRY_DELAYS", (0.01, 0.01))
    real = dispatcher.storage._sessions
    failures = [ConnectionRefusedError("database restarting")] * 2

    def flaky() -> Any:
        if failures:
            raise failures.pop()
        return real()

    monkeypatch.setattr(dispatcher.storage, "_sessions", flaky)
    replies = await chat.send("/start")
    assert "购物维权助手" in replies[0].text
    assert failures == []


async def test_the_shopper_read_rides_out_a_short_database_outage(
    chat: LocalChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the dialog state in Redis, reading the shopper is an update's first database read."""
    monkeypatch.setattr("bot.reconnect.RETRY_DELAYS", (0.01, 0.01))
    failures = [ConnectionRefusedError("database restarting")] * 2

    async def flaky(session: AsyncSession, *args: Any, **kwargs: Any) -> User:
        await session.exec(select(1))  # the failed try leaves a transaction to roll back
        if failures:
            raise failures.pop()
        return await ensure_user(session, *args, **kwargs)

    monkeypatch.setattr("bot.middlewares.user_context.ensure_user", flaky)
    replies = await chat.send("/start")
    assert "购物维权助手" in replies[0].text
    assert failures == []
