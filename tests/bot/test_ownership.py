"""Forged callback data aimed at another shopper's case: "not found", nothing leaked or changed."""

from __future__ import annotations

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import CaseCb, ChoiceCb, FieldCb
from bot.local_chat import LocalChat
from shopguard.db.models import Case


@pytest.fixture
async def victim_case(chat: LocalChat, db: AsyncSession) -> Case:
    await chat.send("/new")
    await chat.press("抖音")
    await chat.press("疑似假货")
    await chat.press("编辑信息")
    await chat.press("订单号")
    await chat.send("4829301756218843")
    case = (await db.exec(Case.__table__.select())).first()  # type: ignore[attr-defined]
    assert case is not None
    return await db.get(Case, case.id)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "forge",
    [
        lambda cid: CaseCb(action="open", case_id=cid),
        lambda cid: CaseCb(action="fields", case_id=cid),
        lambda cid: CaseCb(action="close", case_id=cid),
        lambda cid: CaseCb(action="delete", case_id=cid),
        lambda cid: CaseCb(action="delete_yes", case_id=cid),
        lambda cid: FieldCb(case_id=cid, field="order_no"),
        lambda cid: ChoiceCb(field="category", value="food", case_id=cid),
        lambda cid: ChoiceCb(field="shop_name", value="", case_id=cid),
    ],
    ids=["open", "fields", "close", "delete", "delete_yes", "edit", "choice", "clear"],
)
async def test_forged_callback_for_another_users_case_is_not_found(
    chat: LocalChat, victim_case: Case, sessions, forge
) -> None:
    attacker = chat.as_user(6666)
    await attacker.send("/start")
    replies = await attacker.press_data(forge(victim_case.id).pack())
    shown = " ".join(r.text or "" for r in replies)
    assert "找不到这个案件" in shown
    assert "4829301756218843" not in shown
    assert all(r.chat_id in (None, 6666) for r in replies)
    async with sessions() as fresh:
        case = await fresh.get(Case, victim_case.id)
    assert case is not None
    assert (case.status, case.category, case.order_no) == ("open", None, "4829301756218843")


@pytest.mark.parametrize(
    "data", ["c:open:notanumber", "c:open", "ch:category:food:0:extra", "garbage", "f:1:__class__"]
)
async def test_malformed_callback_data_is_answered_as_expired(chat: LocalChat, data: str) -> None:
    await chat.send("/start")
    replies = await chat.press_data(data)
    assert replies[-1].method == "answerCallbackQuery"
    assert replies[-1].text in ("这个按钮已失效，请重新打开菜单。", "找不到这个案件。")
