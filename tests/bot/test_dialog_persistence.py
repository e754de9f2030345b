"""A half-finished dialog is stored (SQL, or Redis): a new Dispatcher (a restart) carries it on."""

from __future__ import annotations

from sqlmodel import select

from bot.app import build_dispatcher
from bot.local_chat import LocalChat
from shopguard.db.models import Case
from tests.bot.conftest import StoredData, dialog_of


async def test_dialog_survives_a_new_dispatcher(
    chat: LocalChat, settings, sessions, clock, db: StoredData
) -> None:
    await chat.send("/new")
    await chat.press("快手")
    assert await dialog_of(chat) == ("NewCase:problem", {"platform": "kuaishou"})
    restarted = LocalChat(build_dispatcher(settings, sessions, clock), user_id=chat.user.id)
    restarted.last_markup_message = chat.last_markup_message
    await restarted.press("物流异常")
    [case] = (await db.exec(select(Case))).all()
    assert (case.platform, case.problem_type) == ("kuaishou", "logistics")
    assert await dialog_of(restarted) == (None, {})
    await restarted.dispatcher.storage.close()
