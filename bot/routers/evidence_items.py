"""A case's evidence list and each item: view the file again, describe, re-classify, delete."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot import evidence_render as er
from bot import keyboards
from bot.evidence_callbacks import EvCaseCb, EvItemCb
from bot.evidence_context import EvidenceLocker
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.reply import alert, show
from bot.routers.evidence_batch import forget
from bot.routers.evidence_telegram import TelegramFileSource, resend
from shopguard.errors import InputError, NotFound
from shopguard.evidence import services
from shopguard.evidence.unboxing import unboxing_matters


class Describe(StatesGroup):
    text = State()


def register(r: Router) -> None:
    r.callback_query.register(on_list, EvCaseCb.filter(F.action == "list"))
    r.callback_query.register(on_item, EvItemCb.filter(F.action.not_in({"walk", "unbox"})))
    r.message.register(on_description, Describe.text, PLAIN_TEXT)


async def show_list(
    event: Message | CallbackQuery,
    db: AsyncSession,
    user_id: int,
    case_id: int,
    t: Texts,
    tz: str,
    page: int = 0,
) -> None:
    """The evidence of a case; showing it makes the case the one the conversation is about."""
    case, items = await services.case_items(db, user_id, case_id)
    await services.set_active_case(db, user_id, case_id)
    pages = max(1, -(-len(items) // kb.LIST_PAGE))
    page = min(max(page, 0), pages - 1)
    text = er.evidence_list(case, items, page, kb.LIST_PAGE, t, tz)
    if not items:
        text += "\n\n" + t("evidence.list.how_to_add")
    markup = kb.evidence_list(t, case, items, page, unboxing_matters(case.problem_type))
    await show(event, text, markup)


async def on_list(
    query: CallbackQuery,
    callback_data: EvCaseCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
) -> None:
    await _leave_description(state)
    try:
        await show_list(
            query, db, query.from_user.id, callback_data.case_id, t, tz, callback_data.page
        )
    except NotFound:
        await alert(query, t("case.not_found"))


async def _leave_description(state: FSMContext) -> None:
    if await state.get_state() == Describe.text.state:
        await _end_description(state)


async def _end_description(state: FSMContext) -> None:
    await state.set_state(None)
    await forget(state, "ev_item")


async def show_item(
    event: Message | CallbackQuery, db: AsyncSession, user_id: int, item_id: int, t: Texts, tz: str
) -> None:
    case, number, item = await services.locate(db, user_id, item_id)
    await show(event, er.item_detail(case, number, item, t, tz), kb.item_actions(t, item))


async def on_item(
    query: CallbackQuery,
    callback_data: EvItemCb,
    state: FSMContext,
    db: AsyncSession,
    locker: EvidenceLocker,
    bot: Bot,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    user_id, item_id, action = query.from_user.id, callback_data.item_id, callback_data.action
    if action in ("show", "view", "kind", "delete", "delete_yes", "fetch", "setkind"):
        await _leave_description(state)
    try:
        if action == "show":
            await show_item(query, db, user_id, item_id, t, tz)
        elif action == "view":
            await _view(query, db, locker, bot, user_id, item_id, t)
        elif action == "desc":
            await _ask_description(query, state, db, user_id, item_id, t)
        elif action == "kind":
            item = await services.get_item(db, user_id, item_id)
            report = await services.checklist(db, user_id, item.case_id)
            await show(
                query, t("evidence.ask_kind"), kb.item_kinds(t, item, report.missing_kinds())
            )
        elif action == "setkind":
            await services.set_kind(db, user_id, item_id, callback_data.value, now)
            await show_item(query, db, user_id, item_id, t, tz)
        elif action == "delete":
            _, number, item = await services.locate(db, user_id, item_id)
            await show(
                query,
                t("evidence.delete_confirm", name=er.evidence_name(t, number)),
                kb.confirm_delete(t, item),
            )
        elif action == "delete_yes":
            case = await services.delete_item(db, user_id, item_id)
            assert case.id is not None
            await query.answer(t("evidence.deleted"))
            await show_list(query, db, user_id, case.id, t, tz)
        elif action == "fetch":
            await services.refetch(
                db,
                locker.store,
                locker.limits,
                user_id=user_id,
                item_id=item_id,
                source=TelegramFileSource(
                    bot, (await services.get_item(db, user_id, item_id)).file_id
                ),
                now=now,
                tz=tz,
            )
            await show_item(query, db, user_id, item_id, t, tz)
        else:
            await alert(query, t("button.expired"))
    except NotFound:
        await alert(query, t("evidence.not_found"))
    except InputError:
        await alert(query, t("button.expired"))


async def _view(
    query: CallbackQuery,
    db: AsyncSession,
    locker: EvidenceLocker,
    bot: Bot,
    user_id: int,
    item_id: int,
    t: Texts,
) -> None:
    case, number, item = await services.locate(db, user_id, item_id)
    caption = t(
        "evidence.view_caption",
        name=er.evidence_name(t, number),
        case=case.number,
        kind=escape(er.kind_label(t, item.kind)),
    )
    if item.description:
        caption += "\n" + escape(item.description[:800])
    await query.answer()
    await resend(bot, query.from_user.id, item, caption, locker)


async def _ask_description(
    query: CallbackQuery, state: FSMContext, db: AsyncSession, user_id: int, item_id: int, t: Texts
) -> None:
    _, number, item = await services.locate(db, user_id, item_id)
    await state.set_state(Describe.text)
    await state.update_data(ev_item=item_id)
    current = escape(item.description) if item.description else t("evidence.no_description")
    text = t("evidence.ask_description", name=er.evidence_name(t, number), current=current)
    await show(query, text, kb.back_to_item(t, item_id))


async def on_description(
    message: Message, state: FSMContext, db: AsyncSession, t: Texts, tz: str, now: datetime
) -> None:
    assert message.from_user is not None
    item_id = int((await state.get_data()).get("ev_item", 0))
    try:
        await services.set_description(db, message.from_user.id, item_id, message.text or "", now)
    except NotFound:
        await _end_description(state)
        await message.answer(t("evidence.not_found"), reply_markup=keyboards.main_menu(t))
        return
    except InputError as err:
        params = {k: escape(str(v)) for k, v in err.params.items()}
        await message.answer(
            t(f"input.{err.code}", **params) + "\n" + t("evidence.description_again"),
            reply_markup=kb.back_to_item(t, item_id),
        )
        return
    await _end_description(state)
    await message.answer(t("evidence.description_saved"))
    await show_item(message, db, message.from_user.id, item_id, t, tz)
