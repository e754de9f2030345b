"""A half-finished dialog lives in the database: a new Dispatcher (a restart) carries it on."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import build_dispatcher
from bot.local_chat import LocalChat
from shopguard.db.models import Case, DialogState


async def test_dialog_survives_a_new_dispatcher(
    chat: LocalChat, settings, sessions, clock, db: AsyncSession
) -> None:
    await chat.send("/new")
    await chat.press("快手")
    [row] = (await db.exec(select(DialogState))).all()
    assert row.state == "NewCase:problem" and row.user_id == chat.user.id
    restarted = LocalChat(build_dispatcher(settings, sessions, clock), user_id=chat.user.id)
    restarted.last_markup_message = chat.last_markup_message
    await restarted.press("物流异常")
    db.expire_all()
    [case] = (await db.exec(select(Case))).all()
    assert (case.platform, case.problem_type) == ("kuaishou", "logistics")
    assert (await db.exec(select(DialogState))).all() == []
