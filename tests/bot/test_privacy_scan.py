"""/privacy delete, checked by scanning: no row of the user in any table, no file in the store."""

from __future__ import annotations

from bot.local_chat import LocalChat
from shopguard.settings import Settings
from tests.bot.test_ownership_sweep import snapshot, victim_story


async def test_delete_all_leaves_no_row_and_no_file(
    chat: LocalChat, engine, settings: Settings
) -> None:
    neighbour = chat.as_user(515151)
    await neighbour.send("抖音买的耳机坏了，订单号 7766554433221100，花了 199 元")
    await neighbour.press("保存为案件")
    await victim_story(chat)
    before = await snapshot(engine, chat.user.id)
    assert before["cases"] and before["evidence_items"] and before["users"]
    stored = [p for p in settings.data_dir.rglob("*") if p.is_file()]
    assert stored, "the story stored evidence files"

    await chat.send("/privacy")
    await chat.press("删除我的全部数据")
    await chat.press("确认全部删除")

    after = await snapshot(engine, chat.user.id)
    assert {table: rows for table, rows in after.items() if rows} == {}
    # the neighbour stored no files, so whatever remains in the store was the shopper's
    evidence = [p for p in settings.data_dir.rglob("*") if p.is_file() and "evidence" in p.parts]
    assert evidence == []
    assert (await snapshot(engine, 515151))["cases"]  # the neighbour keeps everything
