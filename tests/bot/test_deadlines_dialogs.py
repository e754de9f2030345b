"""Deadlines on the case card, the "more facts" menu, /deadlines, the calendar file and the
reminder settings — what the shopper sees and what is stored.

The clock reads Sunday 2026-11-22 18:00 in Asia/Shanghai (10:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from bot.callbacks import CaseCb
from bot.deadline_callbacks import DeadlinesCb, PrefsCb
from bot.local_chat import LocalChat
from shopguard.db.models import Case, Reminder, User
from shopguard.reminders.store import Status
from tests.bot.conftest import StoredData


async def open_case(chat: LocalChat, platform: str = "抖音", problem: str = "质量问题") -> None:
    await chat.send("/new")
    await chat.press(platform)
    await chat.press(problem)


async def edit(chat: LocalChat, *labels_then_value: str) -> list:  # type: ignore[type-arg]
    """Press "编辑信息", then each label, then send the last item as the value."""
    *labels, value = labels_then_value
    await chat.press("编辑信息")
    for label in labels:
        await chat.press(label)
    return await chat.send(value)


def section(card: str) -> str:
    return card.split("\n\n", 1)[1]


async def pending(db: StoredData, user_id: int) -> list[tuple[str | None, int | None, datetime]]:
    rows = await db.exec(
        select(Reminder).where(
            col(Reminder.user_id) == user_id, col(Reminder.status) == Status.PENDING
        )
    )
    return sorted((r.deadline_key, r.offset_minutes, r.due_at) for r in rows.all())


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def test_the_card_shows_each_deadline_with_time_left_rule_and_source(
    chat: LocalChat,
) -> None:
    await open_case(chat)
    replies = await edit(chat, "签收时间", "2026-11-20")
    assert section(replies[1].text) == (
        "<b>⏳ 期限</b>（按更保守的算法；Asia/Shanghai 时间）\n"
        "• <b>质量问题退货（无其他规定或约定时）</b>\n"
        "  2026-11-27 24:00 前要办（还剩 5天6小时）\n"
        "  依据：消费者权益保护法 第24条 · 可信度：高\n"
        "• <b>七天无理由退货：提出退货申请的期限</b>\n"
        "  2026-11-27 24:00 前要办（还剩 5天6小时）\n"
        "  依据：消费者权益保护法 第25条; 网络购买商品七日无理由退货暂行办法 第10条 · 可信度：高\n"
        "• <b>通知卖家质量瑕疵的最长期限</b>\n"
        "  2028-11-20 24:00 前要办（还剩 729天6小时）\n"
        "  依据：民法典 第621条 · 可信度：高\n"
        "• <b>平台保存订单记录和直播回放的最短期限</b>\n"
        "  2029-11-20 24:00 前要办（还剩 1094天6小时）\n"
        "  依据：电子商务法 第31条; 网络交易监督管理办法 第20条 · 可信度：高\n"
        "ℹ️ 补充知道权益受损的时间可算出：12315投诉时限：超过即不予受理、民事诉讼时效"
    )


async def test_typical_rules_say_so_and_excluded_categories_say_why(chat: LocalChat) -> None:
    await open_case(chat, "抖音", "降价（价保）")
    await edit(chat, "下单时间", "2026-11-20 20:00")
    await chat.press("编辑信息")
    await chat.press("品类")
    replies = await chat.press("生鲜")
    assert section(replies[-1].text) == (
        "<b>⏳ 期限</b>（按更保守的算法；Asia/Shanghai 时间）\n"
        "• <b>抖音价格保护（价保）</b>\n"
        "  2026-11-27 20:00 前要办（还剩 5天2小时）\n"
        "  ⚠️ 常见做法，请以订单页为准（platform pages (Douyin start of the clock unconfirmed)）\n"
        "  抖音价保从何时起算尚未确认：请在订单页查看；未确认时按下单时间计算。"
        "价保天数以店铺承诺为准，常见7、15、30天。\n"
        "🚫 七天无理由退货：提出退货申请的期限：不适用。"
        "依法不适用七天无理由退货：消费者定作的商品、鲜活易腐的商品、"
        "已下载或拆封的数字化商品（以及报纸、期刊）。\n"
        "ℹ️ 补充知道权益受损的时间可算出：12315投诉时限：超过即不予受理、民事诉讼时效\n"
        "ℹ️ 补充签收时间可算出：平台保存订单记录和直播回放的最短期限"
    )


async def test_far_deadlines_take_one_line_and_passed_ones_say_so(chat: LocalChat) -> None:
    await open_case(chat, "京东", "质量问题")
    await chat.press("编辑信息")
    await chat.press("品类")
    await chat.press("数码")
    await edit(chat, "签收时间", "2026-11-10")
    replies = await edit(chat, "更多信息", "联系卖家时间", "3天前 10:00")
    assert section(replies[1].text) == (
        "<b>⏳ 期限</b>（按更保守的算法；Asia/Shanghai 时间）\n"
        "• <b>三包商品性能故障：换货</b>\n"
        "  2026-11-25 24:00 前要办（还剩 3天6小时）\n"
        "  依据：部分商品修理更换退货责任规定 · 可信度：中\n"
        "• <b>耐用商品：由经营者证明没有瑕疵</b>\n"
        "  2027-05-10 24:00 前要办（还剩 169天6小时）\n"
        "  依据：消费者权益保护法 第23条 · 可信度：高\n"
        "• <b>三包整机保修期（常见）</b>\n"
        "  2027-11-10 24:00 前要办（还剩 353天6小时）\n"
        "  依据：部分商品修理更换退货责任规定; 消费者权益保护法实施条例 第18条 · 可信度：中\n"
        "• <b>通知卖家质量瑕疵的最长期限</b>\n"
        "  2028-11-10 24:00 前要办（还剩 719天6小时）\n"
        "  依据：民法典 第621条 · 可信度：高\n"
        "• 平台保存订单记录和直播回放的最短期限：2029-11-10 24:00\n"
        "⏰ 对方时限已到，可以进行下一步：京东：商家处理售后申请的期限（2026-11-20 10:00）\n"
        "⌛ 已过期：三包商品性能故障：退货（2026-11-17 24:00）\n"
        "⌛ 已过期：七天无理由退货：提出退货申请的期限（2026-11-17 24:00）\n"
        "⌛ 已过期：质量问题退货（无其他规定或约定时）（2026-11-17 24:00）\n"
        "ℹ️ 补充知道权益受损的时间可算出：12315投诉时限：超过即不予受理、民事诉讼时效"
    )


async def test_a_case_without_dates_says_what_to_add(chat: LocalChat) -> None:
    await chat.send("/new")
    await chat.press("抖音")
    replies = await chat.press("疑似假货")
    assert "ℹ️ 补充签收时间可算出：七天无理由退货：提出退货申请的期限" in replies[-2].text


async def test_rarer_facts_live_in_a_more_menu_and_change_the_deadlines(
    chat: LocalChat, db: StoredData
) -> None:
    await open_case(chat, "京东", "降价（价保）")
    await edit(chat, "签收时间", "2026-11-20")
    await chat.press("编辑信息")
    replies = await chat.press("更多信息")
    labels = [label for label, _ in replies[-1].buttons()]
    assert labels[:5] == ["付款时间", "店铺承诺退货天数", "价保天数", "价保起算", "京东店铺类型"]
    assert labels[-1] == "« 返回" and "签收时间" not in labels
    await chat.press("价保天数")
    replies = await chat.send("一个月")
    assert replies[0].text == "请写 1 到 365 之间的天数，例如 15。\n请重新输入，或点“取消”。"
    replies = await chat.send("30天")
    assert replies[0].text == "已保存：价保天数。"
    await chat.press("编辑信息")
    await chat.press("更多信息")
    replies = await chat.press("京东店铺类型")
    assert replies[-1].text == "请选择京东店铺类型："
    replies = await chat.press("京东自营")
    card = replies[-1].text
    assert "价保天数：30 天\n京东店铺类型：京东自营\n" in card
    # JD self-operated: 价保 counts from 签收 (11-20), 30 days → 12-20 24:00, and it is high now
    assert (
        "• <b>京东价格保护（价保）</b>\n  2026-12-20 24:00 前要办（还剩 28天6小时）\n"
        "  依据：" in card
    )
    [case] = (await db.exec(select(Case))).all()
    assert (case.price_protect_days, case.jd_self_operated) == (30, True)
    keys = {key for key, _, _ in await pending(db, chat.user.id)}
    assert "price_protect" in keys
    await chat.press("编辑信息")
    replies = await chat.press("返回")
    assert replies[-1].text.startswith("<b>案件 1 · 进行中</b>")


async def test_changing_the_signed_date_reschedules_the_reminders(
    chat: LocalChat, db: StoredData
) -> None:
    await open_case(chat)
    await edit(chat, "签收时间", "2026-11-20")
    first = await pending(db, chat.user.id)
    assert first == [
        ("quality_return", 180, utc("2026-11-27 13:00")),  # 21:00 local
        ("quality_return", 1440, utc("2026-11-26 14:00")),  # 22:00 local, out of quiet hours
        ("quality_return", 4320, utc("2026-11-24 14:00")),
        ("return_no_reason", 180, utc("2026-11-27 13:00")),
        ("return_no_reason", 1440, utc("2026-11-26 14:00")),
        ("return_no_reason", 4320, utc("2026-11-24 14:00")),
    ]
    await edit(chat, "签收时间", "2026-11-21")
    assert [due.day for _, _, due in await pending(db, chat.user.id)] == [28, 27, 25] * 2
    cancelled = await db.exec(select(Reminder).where(col(Reminder.status) == Status.CANCELLED))
    assert len(cancelled.all()) == 6


async def test_closing_the_case_cancels_its_reminders(chat: LocalChat, db: StoredData) -> None:
    await open_case(chat)
    await edit(chat, "签收时间", "2026-11-20")
    await chat.press("结案")
    assert await pending(db, chat.user.id) == []
    await chat.press("重新打开")
    assert len(await pending(db, chat.user.id)) == 6


async def test_deadlines_lists_every_case_soonest_first(chat: LocalChat) -> None:
    await open_case(chat)
    await edit(chat, "签收时间", "2026-11-21")
    await open_case(chat, "京东", "商家不回复")
    await edit(chat, "更多信息", "联系卖家时间", "今天 10:00")
    replies = await chat.send("/deadlines")
    assert replies[0].text == (
        "<b>📅 即将到来的期限</b>（共 5 项，最近的在前；Asia/Shanghai 时间）\n"
        "1. <b>京东：商家处理售后申请的期限</b>\n"
        "   案件 2（京东） · 商家不回复\n"
        "   对方时限到 2026-11-23 10:00（还剩 16小时），之后可以升级\n"
        "2. <b>质量问题退货（无其他规定或约定时）</b>\n"
        "   案件 1（抖音） · 质量问题\n"
        "   2026-11-28 24:00 前要办（还剩 6天6小时）\n"
        "3. <b>七天无理由退货：提出退货申请的期限</b>\n"
        "   案件 1（抖音） · 质量问题\n"
        "   2026-11-28 24:00 前要办（还剩 6天6小时）\n"
        "4. <b>通知卖家质量瑕疵的最长期限</b>\n"
        "   案件 1（抖音） · 质量问题\n"
        "   2028-11-21 24:00 前要办（还剩 730天6小时）\n"
        "5. <b>平台保存订单记录和直播回放的最短期限</b>\n"
        "   案件 1（抖音） · 质量问题\n"
        "   2029-11-21 24:00 前要办（还剩 1095天6小时）"
    )
    assert [label for label, _ in replies[0].buttons()] == [
        "📅 导出到手机日历（.ics）",
        "⚙️ 提醒设置",
    ]


async def test_the_calendar_file_has_one_event_per_upcoming_deadline(chat: LocalChat) -> None:
    await open_case(chat)
    await edit(chat, "签收时间", "2026-11-21")
    await chat.send("/deadlines")
    replies = await chat.press("导出到手机日历")
    [document] = [r for r in replies if r.method == "sendDocument"]
    assert document.filename == "shopguard-deadlines-20261122.ics"
    assert document.text == (
        "4 项期限的日历文件：在手机上打开即可导入日历。以后重新导入会更新这些期限，不会重复。"
    )
    ics = (document.document or b"").decode("utf-8")
    assert ics.count("BEGIN:VEVENT") == 4 and ics.count("BEGIN:VALARM") == 12
    case_id = 1
    assert f"UID:case{case_id}-return_no_reason@shopguard\r\n" in ics
    assert (
        "SUMMARY:七天无理由退货：提出退货申请的期限（案件 1）\r\n" in ics
        and "DTEND:20261128T160000Z\r\n" in ics
        and "TRIGGER:-P2DT23H\r\n" in ics
    )
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


async def test_no_deadlines_yet(chat: LocalChat) -> None:
    replies = await chat.send("/deadlines")
    assert replies[0].text.startswith("没有即将到来的期限。")
    assert [label for label, _ in replies[0].buttons()] == ["⚙️ 提醒设置"]
    replies = await chat.press_data(DeadlinesCb(action="ics").pack())
    assert (replies[-1].text, replies[-1].show_alert) == ("没有即将到来的期限。", True)


async def test_reminder_settings_presets_and_typed(chat: LocalChat, db: StoredData) -> None:
    await open_case(chat)
    await edit(chat, "签收时间", "2026-11-20")
    await chat.send("/deadlines")
    replies = await chat.press("提醒设置")
    assert replies[-1].text == (
        "<b>⚙️ 提醒设置</b>\n"
        "期限提醒：截止前 3天、1天、3小时（默认）\n"
        "免打扰：22:00–08:00（Asia/Shanghai 时间）（默认）\n"
        "落在免打扰时段里的提醒会提前到 22:00 发出，绝不会晚于截止时间。"
    )
    replies = await chat.press("截止前 1天、3小时")
    assert replies[-1].text.startswith("✅ 已保存，进行中案件的提醒都已重新安排。\n\n")
    assert "期限提醒：截止前 1天、3小时\n" in replies[-1].text
    assert {offset for _, offset, _ in await pending(db, chat.user.id)} == {1440, 180}
    await chat.press("自己设定提前时间")
    replies = await chat.send("5分钟")
    assert replies[0].text == ("每个提前时间要在 10 分钟到 30 天之间。\n请重新输入，或点“取消”。")
    replies = await chat.send("2天 12小时")
    assert "期限提醒：截止前 2天、12小时\n" in replies[0].text
    await chat.press("自己设定免打扰")
    replies = await chat.send("8-8")
    assert replies[0].text.startswith("开始和结束不能是同一个时间。")
    replies = await chat.send("晚上11点到早上7点")
    assert "免打扰：23:00–07:00（Asia/Shanghai 时间）\n" in replies[0].text
    user = await db.get(User, chat.user.id)
    assert (user.reminder_offsets, user.quiet_hours) == ("2880,720", "23:00-07:00")
    # 12 h before 11-27 24:00 is 12:00; 2 d before is midnight → 23:00, the new quiet start
    assert sorted({due for _, _, due in await pending(db, chat.user.id)}) == [
        utc("2026-11-25 15:00"),
        utc("2026-11-27 04:00"),
    ]
    await chat.press("不提醒期限")
    assert await pending(db, chat.user.id) == []


async def test_a_new_time_zone_replans(chat: LocalChat, db: StoredData) -> None:
    await open_case(chat)
    await edit(chat, "签收时间", "2026-11-20")
    await chat.send("/tz Europe/London")
    deadlines = {due for _, _, due in await pending(db, chat.user.id)}
    # 11-20 00:00 Shanghai is 11-19 16:00 in London: the 7 days end 11-26 16:00 London
    assert max(deadlines) == utc("2026-11-26 13:00")  # 3 h before


async def test_forged_and_stale_buttons(chat: LocalChat, db: StoredData) -> None:
    await open_case(chat)
    [case] = (await db.exec(select(Case))).all()
    attacker = chat.as_user(6666)
    await attacker.send("/start")
    replies = await attacker.press_data(CaseCb(action="more_fields", case_id=case.id).pack())
    assert (replies[-1].text, replies[-1].show_alert) == ("找不到这个案件。", True)
    replies = await chat.press_data(PrefsCb(what="offsets", preset=99).pack())
    assert replies[-1].text == "这个按钮已失效，请重新打开菜单。"


async def test_english_card(dispatcher) -> None:  # type: ignore[no-untyped-def]
    chat = LocalChat(dispatcher, user_id=2002, language_code="en")
    await chat.send("/new")
    await chat.press("Douyin")
    await chat.press("Quality defect")
    await chat.press("Edit facts")
    await chat.press("Received")
    replies = await chat.send("2026-11-20")
    assert section(replies[1].text).startswith(
        "<b>⏳ Deadlines</b> (the conservative reading; Asia/Shanghai time)\n"
        "• <b>Quality problem, no other rule or agreement: return within</b>\n"
        "  act by 2026-11-27 24:00 (5 d 6 h left)\n"
        "  Rule: 消费者权益保护法 第24条 · confidence: high\n"
    )
