"""Custom follow-ups (/remind, "…提醒我…", "remind me…", the ⏰ card button), cancelling them,
and the Done / Snooze / Open-case buttons on a reminder the dispatcher delivered.

The clock reads Sunday 2026-11-22 18:00 in Asia/Shanghai (10:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import ReminderCb
from bot.deadline_callbacks import RemindCb
from bot.local_chat import LocalChat
from bot.reminder_notifier import TelegramNotifier
from bot.sender import ProactiveSender
from shopguard.clock import FixedClock
from shopguard.db.models import Reminder
from shopguard.ratelimit import SendScheduler
from shopguard.reminders.dispatch import DispatchSettings, ReminderDispatcher
from shopguard.reminders.store import Status
from shopguard.settings import Settings
from tests.bot.conftest import StoredData


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def open_case(chat: LocalChat, platform: str = "抖音", problem: str = "质量问题") -> None:
    await chat.send("/new")
    await chat.press(platform)
    await chat.press(problem)


async def customs(db: StoredData) -> list[Reminder]:
    rows = await db.exec(
        select(Reminder).where(col(Reminder.kind) == "custom").order_by(col(Reminder.id))
    )
    return list(rows.all())


async def test_remind_command_sets_it_and_says_it_back(chat: LocalChat, db: StoredData) -> None:
    await open_case(chat)
    replies = await chat.send("/remind 2h 跟进商家回复")
    assert replies[0].text == (
        "⏰ 好的，2026-11-22（周日）20:00（2小时后）提醒你：跟进商家回复\n"
        "关联：案件 1（抖音） · 质量问题"
    )
    assert [label for label, _ in replies[0].buttons()] == ["↩️ 取消这条提醒", "📂 打开案件"]
    [reminder] = await customs(db)
    assert (reminder.user_id, reminder.case_id, reminder.text) == (chat.user.id, 1, "跟进商家回复")
    assert (reminder.due_at, reminder.available_at) == (utc("2026-11-22 12:00"),) * 2
    assert reminder.status == Status.PENDING


async def test_without_a_case_it_is_a_plain_reminder(chat: LocalChat, db: StoredData) -> None:
    replies = await chat.send("/remind 30分钟 看看物流")
    assert replies[0].text == (
        "⏰ 好的，2026-11-22（周日）18:30（30分钟后）提醒你：看看物流\n（未关联案件）"
    )
    [reminder] = await customs(db)
    assert reminder.case_id is None


async def test_free_text_in_chinese_is_a_reminder_not_a_case(
    chat: LocalChat, db: StoredData
) -> None:
    replies = await chat.send("明天上午10点提醒我申请价保")
    assert replies[0].text == (
        "⏰ 好的，2026-11-23（周一）10:00（16小时后）提醒你：申请价保\n（未关联案件）"
    )
    [reminder] = await customs(db)
    assert (reminder.text, reminder.due_at) == ("申请价保", utc("2026-11-23 02:00"))
    replies = await chat.send("下周一提醒我退货")
    assert replies[0].text.splitlines()[1] == "只说了日期，就按当天上午9点提醒。"


async def test_a_description_mentioning_a_reminder_still_goes_to_intake(
    chat: LocalChat, db: StoredData
) -> None:
    replies = await chat.send("抖音买的耳机坏了，花了199元，商家说发货后会提醒我")
    assert replies[0].text.startswith("我从你的描述里整理出：")
    assert await customs(db) == []


async def test_english(dispatcher: Dispatcher, db: StoredData) -> None:
    chat = LocalChat(dispatcher, user_id=2002, language_code="en")
    replies = await chat.send("remind me in 3 days to check the refund")
    assert replies[0].text == (
        "⏰ OK, I'll remind you Wed 2026-11-25 18:00 (in 3 d): check the refund\n"
        "(not linked to a case)"
    )
    replies = await chat.send("remind me at 10 to call")
    assert replies[0].text == (
        'I found no time in that. Write e.g. "in 2 hours follow up", "tomorrow 10am apply '
        'for 价保", "in 3 days check the refund".\nPlease send it again, or tap Cancel.'
    )


async def test_bad_input_keeps_the_dialog_going(chat: LocalChat, db: StoredData) -> None:
    replies = await chat.send("/remind")
    assert replies[0].text.startswith("⏰ 什么时候提醒你做什么？例如：\n• 2h 跟进商家回复")
    assert [label for label, _ in replies[0].buttons()] == ["✖ 取消"]
    replies = await chat.send("昨天 退货")
    assert replies[0].text == ("这个时间已经过去了，请换一个将来的时间。\n请再发一次，或点“取消”。")
    replies = await chat.send("10点 打电话")
    assert replies[0].text.startswith("“10点”是上午还是晚上？请写成“上午10点”或“晚上10点”。")
    replies = await chat.send("2小时后")
    assert replies[0].text.startswith("要提醒你做什么？")
    replies = await chat.send("晚上10点 打电话给客服")
    assert replies[0].text.startswith(
        "⏰ 好的，2026-11-22（周日）22:00（4小时后）提醒你：打电话给客服"
    )
    assert [r.text for r in await customs(db)] == ["打电话给客服"]
    replies = await chat.send("随便说点什么")  # the dialog is over: back to ordinary text
    assert "提醒" not in replies[0].text


async def test_cancel_leaves_the_dialog(chat: LocalChat, db: StoredData) -> None:
    await chat.send("/remind")
    replies = await chat.press("取消")
    assert replies[-1].text == "已取消。之前保存的内容都还在。"
    assert await customs(db) == []


async def test_a_follow_up_goes_to_the_case_open_in_the_conversation(
    chat: LocalChat, db: StoredData
) -> None:
    await open_case(chat)
    await open_case(chat, "京东", "商家不回复")  # the newest case is the conversation's
    replies = await chat.send("/remind 1h 看看回复了没")
    assert replies[0].text.endswith("关联：案件 2（京东） · 商家不回复")
    await chat.send("/cases")
    await chat.press("#1 ")  # opening case 1 makes it the conversation's case
    replies = await chat.press("提醒我")
    assert replies[-1].text.endswith("关联：案件 1（抖音） · 质量问题")
    await chat.send("3天后 查退款")
    replies = await chat.send("明天上午10点提醒我申请价保")
    assert replies[0].text.endswith("关联：案件 1（抖音） · 质量问题")
    assert [r.case_id for r in await customs(db)] == [2, 1, 1]
    await chat.press("打开案件")
    await chat.press("结案")  # a closed case takes no follow-ups: the newest open one does
    replies = await chat.send("/remind 2h 再问一次")
    assert replies[0].text.endswith("关联：案件 2（京东） · 商家不回复")


async def test_cancelling_a_follow_up(chat: LocalChat, db: StoredData) -> None:
    await chat.send("/remind 2h 跟进商家回复")
    replies = await chat.press("取消这条提醒")
    assert replies[-1].text == "已取消这条提醒：跟进商家回复"
    [reminder] = await customs(db)
    assert reminder.status == Status.CANCELLED
    replies = await chat.press_data(RemindCb(action="cancel", id=reminder.id).pack())
    assert (replies[-1].text, replies[-1].show_alert) == ("这条提醒已经取消了。", True)


async def test_a_sent_follow_up_cannot_be_cancelled_nor_anothers(
    chat: LocalChat, db: StoredData, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/remind 2h 跟进商家回复")
    [reminder] = await customs(db)
    attacker = chat.as_user(6666)
    await attacker.send("/start")
    replies = await attacker.press_data(RemindCb(action="cancel", id=reminder.id).pack())
    assert (replies[-1].text, replies[-1].show_alert) == ("找不到这条提醒。", True)
    replies = await attacker.press_data(ReminderCb(action="done", reminder_id=reminder.id).pack())
    assert replies[-1].text == "找不到这条提醒。"
    assert (await customs(db))[0].status == Status.PENDING
    async with sessions() as session, session.begin():
        await session.exec(update(Reminder).values(status=Status.SENT))
    replies = await chat.press("取消这条提醒")
    assert replies[-1].text == "这条提醒已经发出，不能再取消。"


async def test_buttons_on_a_delivered_deadline_reminder(
    chat: LocalChat,
    db: StoredData,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FixedClock,
) -> None:
    await open_case(chat)
    await chat.press("编辑信息")
    await chat.press("签收时间")
    await chat.send("2026-11-20")
    # the first reminders are due 11-24 22:00 local (3 days before 11-27 24:00, moved out of
    # the quiet hours); deliver them the way the running bot does, through the chat's bot
    clock.advance(timedelta(days=2, hours=4))
    sender = ProactiveSender(chat.bot, SendScheduler(1000.0, 0.0))
    notifier = TelegramNotifier(sender, sessions, settings, clock)
    dispatcher = ReminderDispatcher(sessions, notifier, clock, DispatchSettings(owner="test"))
    start = len(chat.session.sent)
    assert await dispatcher.dispatch_due() == 2
    delivered = chat.session.sent[start:]
    assert [out.text for out in delivered] == [
        "<b>⏰ 提醒</b> · 案件 1（抖音） · 质量问题\n"
        "质量问题退货（无其他规定或约定时）：2026-11-27 24:00 截止（还剩 3天2小时）",
        "<b>⏰ 提醒</b> · 案件 1（抖音） · 质量问题\n"
        "七天无理由退货：提出退货申请的期限：2026-11-27 24:00 截止（还剩 3天2小时）",
    ]
    chat.last_markup_message = delivered[1]
    assert [label for label, _ in chat.buttons()] == [
        "✅ 已办",
        "⏰ 1小时后",
        "🌅 明早9点",
        "📂 打开案件",
    ]
    replies = await chat.press("已办")
    assert (replies[-1].text, replies[-1].show_alert) == ("好的，这个期限的其余提醒已取消。", True)
    rows = await db.exec(select(Reminder).where(col(Reminder.deadline_key) == "return_no_reason"))
    assert sorted((r.offset_minutes, r.status) for r in rows.all()) == [
        (180, Status.DONE),
        (1440, Status.DONE),
        (4320, Status.DONE),  # the one pressed: remembered, never re-planned
    ]
    chat.last_markup_message = delivered[0]
    replies = await chat.press("1小时后")
    assert replies[-1].text == "好的，2026-11-24 23:00 再提醒你。"
    rows = await db.exec(
        select(Reminder).where(col(Reminder.status) == Status.PENDING).order_by(col(Reminder.id))
    )
    snoozed = rows.all()[-1]
    assert (snoozed.deadline_key, snoozed.offset_minutes) == ("quality_return", None)
    assert snoozed.due_at == utc("2026-11-24 15:00")
    replies = await chat.press("打开案件")
    assert replies[-1].text.startswith("<b>案件 1 · 进行中</b>")
    assert "（还剩 3天2小时）" in replies[-1].text  # the card counts from the clock, too
