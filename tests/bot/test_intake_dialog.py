"""Free-text intake in the chat: a description becomes a draft case, confirmed before saving."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from shopguard.db.models import Case

EXAMPLE = (
    "抖音买的奶粉怀疑是假货，订单号 4829301756218843，花了 398 元，11月3号签收的，商家三天没回"
)


async def test_description_becomes_a_confirmed_case(chat: LocalChat, db: AsyncSession) -> None:
    replies = await chat.send(EXAMPLE)
    summary = replies[0].text
    for expected in (
        "平台：抖音",
        "问题：疑似假货",
        "品类：食品",
        "订单号：4829301756218843",
        "实付金额：¥398.00 × 1",
        "签收时间：2026-11-03",
        "商家已 3 天未回复",
    ):
        assert expected in summary
    replies = await chat.press("保存为案件")
    assert "<b>案件 1 · 进行中</b>" in replies[-2].text
    [case] = (await db.exec(select(Case))).all()
    assert case.order_no == "4829301756218843"
    assert case.amount_fen == 39800
    assert case.signed_at == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    assert case.notes == EXAMPLE


async def test_only_the_missing_problem_is_asked(chat: LocalChat, db: AsyncSession) -> None:
    replies = await chat.send("京东买的电视，订单号 JD20261101887766，花了 2999 元")
    assert "遇到的是哪类问题？" in replies[0].text
    replies = await chat.press("运输破损")
    assert "问题：运输破损" in replies[-1].text
    await chat.press("保存为案件")
    [case] = (await db.exec(select(Case))).all()
    assert (case.platform, case.problem_type, case.amount_fen) == (
        "jd",
        "damaged_in_transit",
        299900,
    )


async def test_discard_saves_nothing(chat: LocalChat, db: AsyncSession) -> None:
    await chat.send(EXAMPLE)
    replies = await chat.press("不保存")
    assert replies[-1].text == "好的，没有保存。"
    assert (await db.exec(select(Case))).all() == []


async def test_emoji_only_and_overlong_descriptions_get_clear_answers(chat: LocalChat) -> None:
    replies = await chat.send("😡😡😡")
    assert "没从这段话里找到订单信息" in replies[0].text
    replies = await chat.send("假货" * 2500)
    assert "描述太长了（5000字）" in replies[0].text
    replies = await chat.send(EXAMPLE)
    assert "订单号：4829301756218843" in replies[0].text
