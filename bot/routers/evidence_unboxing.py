"""The unboxing video: /unboxing shows the guide to follow before opening a parcel; once an
unboxing video is added, a short check (waybill readable? seal shown intact? …) is stored with
it, and every "no" is listed on the case as a weakness."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot import evidence_render as er
from bot.evidence_callbacks import EvCaseCb, EvItemCb, EvUnboxCb
from bot.i18n import Texts
from bot.reply import alert, show
from shopguard.cases import get_case
from shopguard.db.models import EvidenceItem
from shopguard.errors import InputError, NotFound
from shopguard.evidence import services, unboxing


def register(r: Router) -> None:
    r.message.register(on_guide_command, Command("unboxing"))
    r.callback_query.register(on_guide, EvCaseCb.filter(F.action == "guide"))
    r.callback_query.register(on_start_check, EvItemCb.filter(F.action == "unbox"))
    r.callback_query.register(on_answer, EvUnboxCb.filter())


async def on_guide_command(message: Message, db: AsyncSession, t: Texts) -> None:
    assert message.from_user is not None
    case = await services.active_case(db, message.from_user.id)
    await message.answer(er.unboxing_guide(t), reply_markup=kb.guide(t, case.id if case else None))


async def on_guide(
    query: CallbackQuery, callback_data: EvCaseCb, db: AsyncSession, t: Texts
) -> None:
    try:
        case = await get_case(db, query.from_user.id, callback_data.case_id)
    except NotFound:
        await alert(query, t("case.not_found"))
        return
    await show(query, er.unboxing_guide(t), kb.guide(t, case.id))


async def ask_unboxing(
    event: CallbackQuery, number: int, item: EvidenceItem, t: Texts, *, new_message: bool = False
) -> None:
    """Ask the next unanswered question (or start over when all were answered)."""
    assert item.id is not None
    answers = unboxing.parse_answers(item.unboxing_answers)
    question = unboxing.next_question(answers) or unboxing.questions()[0]
    text = er.unboxing_question(number, question, t)
    markup = kb.unboxing_answers(t, item.id, question)
    if new_message and event.message is not None:
        await event.bot.send_message(event.message.chat.id, text, reply_markup=markup)  # type: ignore[union-attr]
        return
    await show(event, text, markup)


async def on_start_check(
    query: CallbackQuery, callback_data: EvItemCb, db: AsyncSession, t: Texts, now: datetime
) -> None:
    try:
        _, number, item = await services.locate(db, query.from_user.id, callback_data.item_id)
    except NotFound:
        await alert(query, t("evidence.not_found"))
        return
    if unboxing.next_question(unboxing.parse_answers(item.unboxing_answers)) is None:
        item.unboxing_answers = unboxing.dump_answers({})  # all answered before: start over
        item.updated_at = now
        db.add(item)
    await ask_unboxing(query, number, item, t)


async def on_answer(
    query: CallbackQuery, callback_data: EvUnboxCb, db: AsyncSession, t: Texts, now: datetime
) -> None:
    user_id = query.from_user.id
    try:
        _, number, item = await services.locate(db, user_id, callback_data.item_id)
        if callback_data.answer == "stop":
            await show(
                query,
                t("evidence.unboxing.stopped"),
                kb.back_to_item(t, callback_data.item_id, item.case_id),
            )
            return
        answers = await services.answer_unboxing(
            db, user_id, callback_data.item_id, callback_data.question, callback_data.answer, now
        )
    except NotFound:
        await alert(query, t("evidence.not_found"))
        return
    except InputError:
        await alert(query, t("button.expired"))
        return
    if unboxing.next_question(answers) is not None:
        await ask_unboxing(query, number, item, t)
        return
    await show(
        query,
        er.unboxing_result(number, answers, t),
        kb.back_to_item(t, callback_data.item_id, item.case_id),
    )
