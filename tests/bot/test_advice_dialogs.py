"""The case timeline and the escalation advisor in conversation (issue #6): logging steps from
the card, the advice, "remind me then", deleting a step, a resolved case, /stats, and forged
buttons aimed at another shopper's case or step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.complaint_callbacks import CpCaseCb
from bot.local_chat import LocalChat
from bot.local_session import Outgoing
from bot.timeline_callbacks import TlCb, TlDelCb, TlKindCb
from shopguard.case_advice import case_advice
from shopguard.clock import FixedClock
from shopguard.db.models import Case, Reminder, TimelineEvent
from tests.bot.conftest import StoredData
from tests.bot.test_evidence_intake import new_case

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
MISSING = (
    "<b>还缺的证据</b>\n"
    "• 开箱视频（必需）\n"
    "• 商品照片（必需）\n"
    "• 标签/序列号（必需）\n"
    "• 订单页/交易快照（必需）\n"
    "• 聊天记录（必需）\n"
    "• 付款凭证（必需）\n"
)


def texts(replies: list[Outgoing]) -> str:
    """What the shopper reads (a bare button acknowledgement has no text)."""
    return "\n".join(r.text for r in replies if r.text)


async def _case(db: StoredData) -> Case:
    return (await db.exec(select(Case))).one()  # type: ignore[no-any-return]


async def _log_return_request(chat: LocalChat, at: str) -> str:
    await chat.press("记一笔")
    await chat.press("申请了售后")
    await chat.press("退货退款")
    return texts(await chat.send(at))


async def _log_refusal_now(chat: LocalChat) -> str:
    await chat.press("记一笔")
    await chat.press("商家答复")
    await chat.press("拒绝")
    return texts(await chat.press("就是现在"))


async def test_a_refusal_logged_then_advice_is_platform_intervention(
    chat: LocalChat, db: StoredData
) -> None:
    await new_case(chat, "抖音", "与描述不符")
    future = await _log_return_request(chat, "2026-11-23 10:00")
    assert future.startswith("这个时间还没到，请检查日期。\n请重新发送")  # the dialog goes on
    logged = await _log_return_request_typed_again(chat)
    assert logged.startswith("✅ 已记录：2026-11-22 09:00 · 申请了售后：退货退款")
    assert "📜 维权记录（1 步），最近：\n  2026-11-22 09:00 · 申请了售后：退货退款" in logged
    refused = await _log_refusal_now(chat)
    assert refused.startswith("✅ 已记录：2026-11-22 18:00 · 商家答复：拒绝")
    case = await _case(db)
    assert case.seller_refused_at == NOW
    assert case.return_requested_at == case.dispute_opened_at == NOW - timedelta(hours=9)
    assert case.seller_contacted_at == NOW - timedelta(hours=9)

    advice = texts(await chat.press("现在该做什么"))
    assert advice.startswith(
        "<b>🧭 案件 #1：现在该做什么</b>\n▶️ 现在：<b>申请平台介入</b>\n\n"
        "<b>原因</b>\n• 商家在2026-11-22 18:00拒绝了你的要求。\n\n" + MISSING
    )
    assert "<i>申请平台介入</i>：我的 → 订单 → 订单详情 → 平台介入" in advice
    assert "✍️ 要发送的文书：平台介入申诉说明——点下方按钮撰写。" in advice
    labels = [label for label, _ in chat.buttons()]
    assert "⏰ 到时提醒我" not in labels  # nothing to wait for: act now
    write = dict(chat.buttons())["✍️ 撰写平台介入申诉说明"]
    assert write == CpCaseCb(action="open", case_id=case.id, channel="mediation").pack()


async def _log_return_request_typed_again(chat: LocalChat) -> str:
    return texts(await chat.send("2026-11-22 09:00"))


async def test_remind_me_then_schedules_the_follow_up_once(
    chat: LocalChat, db: StoredData, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await new_case(chat, "抖音", "与描述不符")
    await _log_return_request(chat, "2026-11-22 09:00")
    shown = texts(await chat.press("现在该做什么"))
    assert "⏳ 已完成，等待：<b>申请售后/提交工单</b>" in shown
    assert "⏭ 下一步：2026-11-24 09:00 起可以申请平台介入。" in shown
    case = await _case(db)
    assert case.id is not None
    async with sessions() as session:
        expected = (
            await case_advice(session, chat.user.id, case.id, clock(), "Asia/Shanghai")
        ).advice
    assert expected.next_step_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)

    replies = await chat.press("到时提醒我")
    assert texts(replies) == "⏰ 好的，我会在 2026-11-24 09:00 提醒你：申请平台介入。"
    again = await chat.press_data(TlCb(action="remind", case_id=case.id).pack())
    assert texts(again) == "这个提醒已经设好了（2026-11-24 09:00）。"
    rows = (await db.exec(select(Reminder).where(col(Reminder.kind) == "custom"))).all()
    assert [(r.user_id, r.case_id, r.due_at, r.kind, r.status) for r in rows] == [
        (chat.user.id, case.id, expected.next_step_at, "custom", "pending")
    ]
    assert rows[0].text == "案件 #1：该进行下一步了——申请平台介入。发送 /advise 查看详情。"


async def test_a_resolved_case_shows_the_summary(chat: LocalChat, db: StoredData) -> None:
    await new_case(chat, "抖音", "与描述不符")
    await chat.press("编辑信息")
    await chat.press("实付金额")
    await chat.send("398")
    await _log_return_request(chat, "2026-11-20 09:00")
    await chat.press("记一笔")
    await chat.press("已解决")
    await chat.press("全额退款")
    bad = texts(await chat.send("很多钱"))
    assert bad == "“金额”需要是数字，如 398 或 398.50。\n请重新发送，或点“取消”。"
    await chat.send("398")
    logged = texts(await chat.press("就是现在"))
    assert logged.startswith("✅ 已记录：2026-11-22 18:00 · 已解决：全额退款，追回 ¥398.00")
    assert "点下面的“✅ 结案”，这个案件的期限提醒就会停止" in logged
    assert "✅ 结案" in [label for label, _ in chat.buttons()]
    summary = texts(await chat.send("/advise"))
    assert summary == (
        "✅ <b>案件 #1 已解决</b>\n结果：全额退款\n追回：¥398.00（实付 ¥398.00）\n"
        "用时 2 天（2026-11-20 09:00 → 2026-11-22 18:00）。"
    )
    stats = texts(await chat.send("/stats"))
    assert stats == "📊 我的战绩\n案件：1\n已解决：1\n追回金额：¥398.00"


async def test_full_timeline_deletes_a_step_and_its_fact(chat: LocalChat, db: StoredData) -> None:
    await new_case(chat, "抖音", "与描述不符")
    await chat.press("记一笔")
    await chat.press("提交了工单")
    await chat.send("GD20261122")
    await chat.press("就是现在")
    assert (await _case(db)).ticket_filed_at == NOW
    await chat.press("记一笔")
    full = texts(await chat.press("完整记录"))
    assert full == "<b>📜 案件 #1 的维权记录</b>\n1. 2026-11-22 18:00 · 提交了工单：编号 GD20261122"
    await chat.press("🗑 1")
    deleted = texts(await chat.press("确认删除"))
    assert deleted.startswith("🗑 已删除：2026-11-22 18:00 · 提交了工单：编号 GD20261122")
    assert (await _case(db)).ticket_filed_at is None
    assert (await db.exec(select(TimelineEvent))).all() == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda c, e: TlCb(action="log", case_id=c),
        lambda c, e: TlCb(action="full", case_id=c),
        lambda c, e: TlCb(action="advise", case_id=c),
        lambda c, e: TlCb(action="remind", case_id=c),
        lambda c, e: TlKindCb(case_id=c, kind="resolved"),
        lambda c, e: TlDelCb(action="ask", entry_id=e),
        lambda c, e: TlDelCb(action="yes", entry_id=e),
    ],
    ids=["log", "full", "advise", "remind", "kind", "delete_ask", "delete_yes"],
)
async def test_forged_buttons_for_another_shoppers_case_find_nothing(
    chat: LocalChat, db: StoredData, forge: object
) -> None:
    await new_case(chat, "抖音", "与描述不符")
    await _log_return_request(chat, "2026-11-22 09:00")
    case = await _case(db)
    entry = (await db.exec(select(TimelineEvent))).one()
    attacker = chat.as_user(6666)
    await attacker.send("/start")
    replies = await attacker.press_data(forge(case.id, entry.id).pack())  # type: ignore[operator]
    shown = texts(replies)
    assert shown in ("找不到这个案件。", "找不到这条记录。"), shown
    assert "退货退款" not in shown
    assert (await db.exec(select(TimelineEvent))).all() == [entry]
    assert (await db.exec(select(Reminder).where(col(Reminder.kind) == "custom"))).all() == []


async def test_a_partial_offer_asks_the_amount_and_buttons_are_needed_for_choices(
    chat: LocalChat, db: StoredData
) -> None:
    await new_case(chat, "抖音", "与描述不符")
    await chat.press("记一笔")
    await chat.press("商家答复")
    assert texts(await chat.send("拒绝了")) == "请用上面的按钮选择，或点“取消”。"
    asked = texts(await chat.press("部分补偿"))
    assert asked == "商家答复——商家提出多少钱？请发送金额，如 100 或 99.50。"
    await chat.send("50")
    await chat.send("昨天 20:00")
    entry = (await db.exec(select(TimelineEvent))).one()
    assert entry.data == (
        '{"kind": "seller_replied", "at": "2026-11-21T12:00:00+00:00", '
        '"response": "partial_offer", "offer_fen": 5000}'
    )
