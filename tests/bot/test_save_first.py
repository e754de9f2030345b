"""What the shopper is told is already stored, and a dialog row is written once per update."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from bot.middlewares.database import DatabaseMiddleware
from bot.storage import SQLStorage
from shopguard.users import ensure_user
from tests.conftest import recorded


async def committed(sessions: async_sessionmaker[AsyncSession], sql: str) -> list[Any]:
    """What another connection sees now (a read: it waits for no lock)."""
    async with sessions() as other:
        return list((await other.exec(text(sql))).all())


async def test_a_confirmation_goes_out_only_once_what_it_confirms_is_stored(
    chat: LocalChat,
    dispatcher: Dispatcher,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, list[Any]] = {}
    send = chat.session.make_request

    async def looking(bot: Any, method: Any, timeout: int | None = None) -> Any:
        message = getattr(method, "text", None) or ""
        if "平台：京东。" in message and isinstance(dispatcher.storage, SQLStorage):
            seen["dialog"] = await committed(sessions, "SELECT state FROM dialog_states")
        if "案件 1 已创建" in message:
            seen["case"] = await committed(sessions, "SELECT number, platform FROM cases")
        return await send(bot, method, timeout)

    monkeypatch.setattr(chat.session, "make_request", looking)
    await chat.send("/new")
    await chat.press("京东")
    replies = await chat.press("质量问题")
    assert "案件 1 已创建" in replies[-1].text
    assert seen["case"] == [(1, "jd")]
    if isinstance(dispatcher.storage, SQLStorage):
        assert seen["dialog"] == [("NewCase:problem",)]


class Steps(StatesGroup):
    one = State()
    two = State()


def storage_router(sessions: async_sessionmaker[AsyncSession]) -> Router:
    router = Router()
    router.message.middleware(DatabaseMiddleware(sessions))

    @router.message(Command("many"))
    async def many_changes(message: Message, state: FSMContext) -> None:
        await state.set_state(Steps.one)
        await state.update_data(a=1)
        await state.set_state(Steps.two)
        await state.update_data(b=2)
        assert await state.get_state() == Steps.two.state
        await message.answer(f"data {await state.get_data()}")

    @router.message(Command("fail"))
    async def change_then_fail(message: Message, state: FSMContext) -> None:
        await state.set_state(Steps.one)
        await state.update_data(lost=True)
        raise RuntimeError("after the change")

    @router.message(Command("clear"))
    async def clear(message: Message, state: FSMContext) -> None:
        await state.clear()
        await message.answer("cleared")

    @router.message(Command("late"))
    async def change_after_a_commit(message: Message, db: AsyncSession) -> None:
        shopper = await ensure_user(db, message.chat.id, datetime(2026, 11, 22, tzinfo=UTC))
        await db.commit()  # as a reply does before it is sent
        shopper.timezone = "UTC"  # changed afterwards, not even added to the session again

    @router.message()
    async def show(message: Message, state: FSMContext) -> None:
        await message.answer(f"{await state.get_state()} {await state.get_data()}")

    return router


@pytest.fixture
def storage_chat(sessions: async_sessionmaker[AsyncSession]) -> LocalChat:
    dispatcher = Dispatcher(storage=SQLStorage(sessions))
    dispatcher.include_router(storage_router(sessions))
    return LocalChat(dispatcher, user_id=4242)


async def test_a_dialog_row_is_written_once_per_update_however_often_it_changes(
    storage_chat: LocalChat, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    with recorded(engine) as run:
        replies = await storage_chat.send("/many")
    statements = [f"{s.split()[0]} dialog_states" for s in run if "dialog_states" in s.split()]
    assert replies[0].text == "data {'a': 1, 'b': 2}"
    assert statements == ["SELECT dialog_states", "INSERT dialog_states"]
    stored = await committed(sessions, "SELECT user_id, state, data FROM dialog_states")
    assert stored == [(4242, "Steps:two", '{"a": 1, "b": 2}')]

    replies = await storage_chat.send("anything")
    assert replies[0].text == "Steps:two {'a': 1, 'b': 2}"


async def test_a_failed_update_changes_no_dialog_and_the_next_one_sees_the_old(
    storage_chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await storage_chat.send("/many")
    with pytest.raises(RuntimeError, match="after the change"):
        await storage_chat.send("/fail")
    replies = await storage_chat.send("anything")
    assert replies[0].text == "Steps:two {'a': 1, 'b': 2}"
    stored = await committed(sessions, "SELECT state, data FROM dialog_states")
    assert stored == [("Steps:two", '{"a": 1, "b": 2}')]


async def test_a_cleared_dialog_leaves_no_row(
    storage_chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await storage_chat.send("/many")
    assert (await storage_chat.send("/clear"))[0].text == "cleared"
    assert await committed(sessions, "SELECT key FROM dialog_states") == []
    assert (await storage_chat.send("anything"))[0].text == "None {}"


async def test_outside_an_update_the_storage_reads_and_writes_on_its_own(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    storage = SQLStorage(sessions)
    key = StorageKey(bot_id=1, chat_id=7, user_id=7)
    await storage.set_state(key, Steps.one)
    await storage.set_data(key, {"x": "价保"})
    assert (await storage.get_state(key), await storage.get_data(key)) == (
        "Steps:one",
        {"x": "价保"},
    )
    stored = await committed(sessions, "SELECT user_id, state, data FROM dialog_states")
    assert stored == [(7, "Steps:one", '{"x": "价保"}')]
    await storage.set_state(key, None)
    await storage.set_data(key, {})
    assert await committed(sessions, "SELECT key FROM dialog_states") == []


async def test_a_change_made_after_an_early_commit_is_committed_too(
    storage_chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await storage_chat.send("/late")
    assert await committed(sessions, "SELECT id, timezone FROM users") == [(4242, "UTC")]
