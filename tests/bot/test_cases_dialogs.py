"""Opening, listing, editing, closing and deleting cases through the chat."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from shopguard.db.models import Case


async def _cases(db: AsyncSession, user_id: int) -> list[Case]:
    return list((await db.exec(select(Case).where(Case.user_id == user_id))).all())


async def open_case_via_buttons(chat: LocalChat, platform: str = "京东", problem: str = "质量问题"):
    await chat.send("/new")
    await chat.press(platform)
    return await chat.press(problem)


async def test_new_case_with_two_taps_shows_the_card(chat: LocalChat, db: AsyncSession) -> None:
    replies = await chat.send("/new")
    assert replies[0].text == "新建案件：在哪个平台买的？"
    replies = await chat.press("京东")
    assert "平台：京东" in replies[-1].text
    replies = await chat.press("质量问题")
    card = replies[-2].text
    assert "<b>案件 1 · 进行中</b>" in card
    assert "平台：京东" in card and "问题：质量问题" in card
    assert "案件 1 已创建" in replies[-1].text
    [case] = await _cases(db, chat.user.id)
    assert (case.platform, case.problem_type, case.number) == ("jd", "quality_defect", 1)


async def test_typing_in_a_button_step_keeps_the_dialog(chat: LocalChat, db: AsyncSession) -> None:
    await chat.send("/new")
    replies = await chat.send("京东吧")
    assert "请点上方的按钮" in replies[0].text
    await chat.press("抖音")
    await chat.press("少发/错发")
    assert len(await _cases(db, chat.user.id)) == 1


async def edit(chat: LocalChat, field_label: str, value: str):
    await chat.press("编辑信息")
    await chat.press(field_label)
    return await chat.send(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "“金额”需要是数字"),
        ("-5", "金额不能是负数"),
        ("1e9", "不要用 1e6 这样的写法"),
        ("99999999999", "金额太大了"),
        ("0", "金额不能是 0"),
        ("12.345", "最多精确到分"),
    ],
)
async def test_bad_amounts_get_a_specific_message_and_the_dialog_continues(
    chat: LocalChat, db: AsyncSession, value: str, message: str
) -> None:
    await open_case_via_buttons(chat)
    replies = await edit(chat, "实付金额", value)
    assert message in replies[0].text
    assert "请重新输入" in replies[0].text
    replies = await chat.send("398.50")
    assert replies[0].text == "已保存：实付金额。"
    assert "¥398.50 × 1" in replies[1].text
    [case] = await _cases(db, chat.user.id)
    assert case.amount_fen == 39850


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-40", "没有这一天"),
        ("2026-12-01", "这个时间还没到"),
        ("明天", "这个时间还没到"),
        ("whenever", "没看懂这个日期"),
    ],
)
async def test_bad_dates_get_a_specific_message_and_the_dialog_continues(
    chat: LocalChat, db: AsyncSession, value: str, message: str
) -> None:
    await open_case_via_buttons(chat)
    replies = await edit(chat, "签收时间", value)
    assert message in replies[0].text
    replies = await chat.send("2026-11-03")
    assert replies[0].text == "已保存：签收时间。"
    assert "签收时间：2026-11-03" in replies[1].text
    [case] = await _cases(db, chat.user.id)
    # 2026-11-03 00:00 in Asia/Shanghai is 16:00 UTC the day before
    assert case.signed_at == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)


async def test_overlong_and_emoji_only_text_are_refused_then_accepted(
    chat: LocalChat, db: AsyncSession
) -> None:
    await open_case_via_buttons(chat)
    replies = await edit(chat, "备注", "字" * 5000)
    assert "太长了（5000字），最多 2000 字" in replies[0].text
    replies = await chat.send("😡😡😡")
    assert "只有表情或符号" in replies[0].text
    replies = await chat.send("客服说要等三天")
    assert replies[0].text == "已保存：备注。"
    [case] = await _cases(db, chat.user.id)
    assert case.notes == "客服说要等三天"


async def test_a_failed_edit_never_loses_what_was_saved(chat: LocalChat, db: AsyncSession) -> None:
    await open_case_via_buttons(chat)
    await edit(chat, "实付金额", "398")
    await chat.press("编辑信息")
    await chat.press("实付金额")
    await chat.send("abc")
    await chat.send("/cancel")
    [case] = await _cases(db, chat.user.id)
    assert case.amount_fen == 39800


async def test_choice_fields_are_edited_with_buttons_and_can_be_cleared(
    chat: LocalChat, db: AsyncSession
) -> None:
    await open_case_via_buttons(chat)
    await chat.press("编辑信息")
    await chat.press("品类")
    replies = await chat.press("食品")
    assert "品类：食品" in replies[-1].text
    await chat.press("编辑信息")
    await chat.press("品类")
    replies = await chat.press("清空")
    assert "品类：—" in replies[-1].text
    [case] = await _cases(db, chat.user.id)
    assert case.category is None


async def test_list_is_paged_open_first_newest_first(chat: LocalChat, clock) -> None:
    from datetime import timedelta

    for _ in range(7):
        await open_case_via_buttons(chat)
        clock.advance(timedelta(minutes=1))
    await chat.send("/cases")
    await chat.press("下一页")
    await chat.press("#1 ")
    await chat.press("结案")
    replies = await chat.send("/cases")
    assert "共 7 个，第 1/2 页" in replies[0].text
    labels = [label for label, _ in replies[0].buttons()]
    assert labels[0].startswith("🟢 #7") and labels[4].startswith("🟢 #3")
    replies = await chat.press("下一页")
    labels = [label for label, _ in replies[-1].buttons()]
    assert labels[0].startswith("🟢 #2") and labels[1].startswith("⚪ #1")


async def test_close_reopen_and_delete_with_confirmation(chat: LocalChat, db: AsyncSession) -> None:
    await open_case_via_buttons(chat)
    replies = await chat.press("结案")
    assert "案件 1 · 已结案" in replies[-1].text
    replies = await chat.press("重新打开")
    assert "案件 1 · 进行中" in replies[-1].text
    replies = await chat.press("删除")
    assert "确定删除案件 1 吗" in replies[-1].text
    await chat.press("不删了")
    assert len(await _cases(db, chat.user.id)) == 1
    await chat.press("删除")
    replies = await chat.press("确认删除")
    assert "案件 1 已删除" in replies[-1].text
    assert await _cases(db, chat.user.id) == []
