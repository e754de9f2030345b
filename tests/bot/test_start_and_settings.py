"""/start, language, time zone, cancel, help — what the shopper sees first."""

from __future__ import annotations

from aiogram import Dispatcher
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from shopguard.db.models import User


async def test_start_greets_in_chinese_by_default_with_main_actions(chat: LocalChat) -> None:
    replies = await chat.send("/start")
    assert "购物维权助手" in replies[0].text
    labels = [label for label, _ in replies[0].buttons()]
    assert "📝 新建案件" in labels and "📂 我的案件" in labels


async def test_start_greets_in_english_for_english_telegram_users(dispatcher: Dispatcher) -> None:
    chat = LocalChat(dispatcher, user_id=2002, language_code="en-GB")
    replies = await chat.send("/start")
    assert "your side after an online purchase goes wrong" in replies[0].text
    assert "📝 New case" in [label for label, _ in replies[0].buttons()]


async def test_lang_switches_and_is_remembered(chat: LocalChat, db: AsyncSession) -> None:
    await chat.send("/lang")
    replies = await chat.press("English")
    assert replies[-1].text == "OK, I'll speak English with you."
    assert (await chat.send("/help"))[0].text.startswith("<b>How to use</b>")
    user = await db.get(User, chat.user.id)
    assert user is not None and user.language == "en"


async def test_tz_by_argument_by_button_and_rejects_unknown(
    chat: LocalChat, db: AsyncSession
) -> None:
    replies = await chat.send("/tz Europe/London")
    assert "Europe/London" in replies[0].text
    replies = await chat.send("/tz Mars/Olympus")
    assert "不认识“Mars/Olympus”这个时区" in replies[0].text
    replies = await chat.press("Asia/Hong_Kong")
    assert "Asia/Hong_Kong" in replies[-1].text
    user = await db.get(User, chat.user.id)
    assert user is not None and user.timezone == "Asia/Hong_Kong"


async def test_tz_typed_after_prompt_accepts_city_names(chat: LocalChat, db: AsyncSession) -> None:
    await chat.send("/tz")
    replies = await chat.send("香港")
    assert "Asia/Hong_Kong" in replies[0].text
    user = await db.get(User, chat.user.id)
    assert user is not None and user.timezone == "Asia/Hong_Kong"


async def test_cancel_leaves_any_dialog_and_says_so(chat: LocalChat) -> None:
    await chat.send("/new")
    replies = await chat.send("/cancel")
    assert replies[0].text == "已取消。之前保存的内容都还在。"
    replies = await chat.send("/cancel")
    assert replies[0].text == "当前没有进行中的操作。"


async def test_unknown_command_points_to_help(chat: LocalChat) -> None:
    replies = await chat.send("/frobnicate")
    assert "/help" in replies[0].text


async def test_commands_work_from_inside_any_dialog(chat: LocalChat) -> None:
    await chat.send("/new")
    assert (await chat.send("/cases"))[0].text.startswith("还没有案件")
    await chat.send("/tz")
    replies = await chat.send("/new")
    assert replies[0].text == "新建案件：在哪个平台买的？"
    await chat.press("抖音")
    await chat.press("降价（价保）")
    await chat.press("编辑信息")
    await chat.press("备注")
    replies = await chat.send("/help")
    assert replies[0].text.startswith("<b>怎么用</b>")
