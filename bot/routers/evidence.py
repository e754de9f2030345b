"""The evidence locker: files sent at any time land in a case, numbered, hashed, timestamped;
per-case lists, checklists, the unboxing guide and the bundle export.

The feature is split by what the shopper is doing: ``evidence_intake`` (files arriving, which
case), ``evidence_classify`` (what kind), ``evidence_items`` (the list and each item),
``evidence_checklist``, ``evidence_unboxing`` and ``evidence_export``; ``evidence_batch`` holds
the batch bookkeeping they share.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot.callbacks import CancelCb, MenuCb
from bot.evidence_callbacks import EvCaseCb
from bot.i18n import Texts
from bot.routers import (
    evidence_checklist,
    evidence_classify,
    evidence_export,
    evidence_intake,
    evidence_items,
    evidence_unboxing,
)
from shopguard.cases import list_cases
from shopguard.evidence import services


def router() -> Router:
    r = Router(name="evidence")
    r.message.register(on_evidence_command, Command("evidence"))
    evidence_intake.register(r)
    evidence_classify.register(r)
    evidence_items.register(r)
    evidence_checklist.register(r)
    evidence_unboxing.register(r)
    evidence_export.register(r)
    return r


async def on_evidence_command(message: Message, db: AsyncSession, t: Texts, tz: str) -> None:
    """/evidence: the evidence of the case open in the conversation, or a choice of case."""
    assert message.from_user is not None
    user_id = message.from_user.id
    case = await services.active_case(db, user_id)
    if case is not None and case.id is not None:
        await evidence_items.show_list(message, db, user_id, case.id, t, tz)
        return
    cases = (await list_cases(db, user_id)).cases
    if not cases:
        await message.answer(
            t("evidence.no_case"),
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[kb.button(t("menu.new"), MenuCb(action="new"))]]
            ),
        )
        return
    markup = kb.case_picker(
        t, cases, lambda c: EvCaseCb(action="list", case_id=c.id or 0), CancelCb()
    )
    await message.answer(t("evidence.pick_case_for_list"), reply_markup=markup)
