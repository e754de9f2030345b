"""The sweep: every button a shopper ever got, pressed by someone else.

The victim goes through the features (intake, edits, evidence, timeline, advice, complaint,
deadlines, reminders); every callback they were shown is then pressed by another user. Nothing
of the victim's may be shown to the attacker, changed or deleted, and the victim gets nothing.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.local_chat import LocalChat
from tests.evidence_samples import pdf_bytes

VICTIM_SECRETS = ("6102938475610293", "某某母婴旗舰店", "罐底批号", "13912345678")
STORY = "抖音买的奶粉怀疑是假货，订单号 6102938475610293，花了 398 元，11月3号签收的，商家三天没回"


async def victim_story(chat: LocalChat) -> None:
    await chat.send(STORY)
    await chat.press("保存为案件")
    for label, value in (
        ("店铺", "某某母婴旗舰店"),
        ("备注", "罐底批号与官网不符，客服电话13912345678"),
    ):
        await chat.press("编辑信息")
        await chat.press(label)
        await chat.send(value)
    await chat.send_document(pdf_bytes(), "label.pdf", caption="罐底批号照片")
    for command in ("/cases", "/deadlines", "/advise", "/complaint", "/stats", "/privacy", "/help"):
        await chat.send(command)
        for label, _ in chat.buttons()[:3]:
            with contextlib.suppress(LookupError):
                await chat.press(label)
    await chat.send("/cases")


def shown_callbacks(chat: LocalChat) -> list[str]:
    seen: list[str] = []
    for out in chat.session.sent:
        if out.chat_id == chat.user.id:
            seen += [data for _, data in out.buttons() if data and data not in seen]
    return seen


async def snapshot(engine: AsyncEngine, user_id: int) -> dict[str, Any]:
    """Every row that mentions the user (by user_id, or through their cases), as JSON."""

    def read(connection: Any) -> dict[str, Any]:
        tables = inspect(connection).get_table_names()
        cases = [r[0] for r in connection.execute(
            text("SELECT id FROM cases WHERE user_id = :u"), {"u": user_id})]  # fmt: skip
        rows: dict[str, Any] = {}
        for table in sorted(tables):
            columns = {c["name"] for c in inspect(connection).get_columns(table)}
            where = []
            if "user_id" in columns:
                where.append(f"user_id = {int(user_id)}")
            if "case_id" in columns and cases:
                where.append(f"case_id IN ({','.join(str(int(c)) for c in cases)})")
            if table == "users":
                where.append(f"id = {int(user_id)}")
            if where:
                found = connection.execute(
                    text(f"SELECT * FROM {table} WHERE {' OR '.join(where)}")
                )
                rows[table] = sorted(json.dumps(dict(r._mapping), default=str) for r in found)
        return rows

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def test_no_button_of_one_shopper_works_for_another(chat: LocalChat, engine) -> None:
    await victim_story(chat)
    callbacks = shown_callbacks(chat)
    assert len(callbacks) >= 20, callbacks
    before = await snapshot(engine, chat.user.id)
    assert before["cases"] and before.get("evidence_items")

    attacker = chat.as_user(424242)
    await attacker.send("/start")
    start = len(chat.session.sent)
    for data in callbacks:
        await attacker.press_data(data)
    during = chat.session.sent[start:]

    assert not [o for o in during if o.chat_id == chat.user.id]  # the victim got nothing
    shown = "\n".join((o.text or "") + str(o.buttons()) for o in during)
    for secret in VICTIM_SECRETS:
        assert secret not in shown
    assert not [o for o in during if o.method == "sendDocument" and o.document and
                b"6102938475610293" in o.document]  # fmt: skip
    assert await snapshot(engine, chat.user.id) == before
