"""/privacy: export everything as JSON; delete everything, confirmed."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from shopguard.db.models import DialogState


async def _open_case(chat: LocalChat) -> None:
    await chat.send("/new")
    await chat.press("拼多多")
    await chat.press("退款未到账")


async def test_export_sends_a_json_file_with_my_cases(chat: LocalChat) -> None:
    await _open_case(chat)
    await chat.send("/privacy")
    replies = await chat.press("导出")
    [document] = [r for r in replies if r.method == "sendDocument"]
    assert document.filename == "shopguard-data-20261122.json"
    data = json.loads(document.document or b"")
    assert data["user"]["id"] == chat.user.id
    assert [c["problem_type"] for c in data["cases"]] == ["refund_not_received"]


async def test_delete_all_leaves_no_row_of_the_user(chat: LocalChat, sessions) -> None:
    other = chat.as_user(4242)
    await _open_case(other)
    await _open_case(chat)
    async with sessions() as s, s.begin():  # a half-finished dialog in another chat
        s.add(DialogState(key=f"1:-5:{chat.user.id}:::default", user_id=chat.user.id, state="X"))
    await chat.send("/privacy")
    replies = await chat.press("删除我的全部数据")
    assert "确定删除你的全部数据吗" in replies[-1].text
    replies = await chat.press("确认全部删除")
    assert "你的全部数据已删除" in replies[-1].text
    async with sessions() as fresh:
        for table, column in (("users", "id"), ("cases", "user_id"), ("dialog_states", "user_id")):
            mine = await fresh.exec(
                text(f"SELECT count(*) FROM {table} WHERE {column} = :u").bindparams(u=chat.user.id)
            )  # type: ignore[call-overload]
            assert mine.scalar_one() == 0, table
        theirs = await fresh.exec(text("SELECT count(*) FROM cases WHERE user_id = 4242"))  # type: ignore[call-overload]
        assert theirs.scalar_one() == 1


async def test_delete_can_be_cancelled(chat: LocalChat, db: AsyncSession) -> None:
    await _open_case(chat)
    await chat.send("/privacy")
    await chat.press("删除我的全部数据")
    replies = await chat.press("取消")
    assert "已取消" in replies[-1].text
    count = await db.exec(text("SELECT count(*) FROM cases"))  # type: ignore[call-overload]
    assert count.scalar_one() == 1
