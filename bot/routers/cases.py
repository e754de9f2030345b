"""/cases: the shopper's cases, a case card, editing a fact, close/reopen, delete."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards, render
from bot.callbacks import CaseCb, ChoiceCb, FieldCb, MenuCb, PageCb
from bot.filters import NOT_COMMAND, PLAIN_TEXT
from bot.i18n import Texts
from bot.reply import show
from bot.routers.case_view import show_card
from bot.routers.deadlines import wake_reminders
from bot.states import EditField
from shopguard.case_fields import FIELDS, parse_field
from shopguard.cases import delete_case, get_case, list_cases, set_field, set_status
from shopguard.errors import InputError, NotFound
from shopguard.reminders.ticker import ReminderTicker
from shopguard.taxonomy import CaseStatus


def router() -> Router:
    r = Router(name="cases")
    r.message.register(on_list, Command("cases"))
    r.callback_query.register(on_list, MenuCb.filter(F.action == "cases"))
    r.callback_query.register(on_page, PageCb.filter())
    r.callback_query.register(on_case_action, CaseCb.filter())
    r.callback_query.register(on_field, FieldCb.filter())
    r.callback_query.register(on_choice, ChoiceCb.filter(F.case_id > 0))
    r.message.register(on_value, EditField.value, PLAIN_TEXT)
    r.message.register(on_value_not_text, EditField.value, NOT_COMMAND)
    return r


async def on_list(
    event: Message | CallbackQuery, state: FSMContext, db: AsyncSession, t: Texts
) -> None:
    await state.clear()
    page = await list_cases(db, event.from_user.id)  # type: ignore[union-attr]
    await show(event, render.case_list(page, t), keyboards.case_page(page, t))


async def on_page(query: CallbackQuery, callback_data: PageCb, db: AsyncSession, t: Texts) -> None:
    page = await list_cases(db, query.from_user.id, callback_data.page)
    await show(query, render.case_list(page, t), keyboards.case_page(page, t))


async def on_case_action(
    query: CallbackQuery,
    callback_data: CaseCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    user_id, case_id, action = query.from_user.id, callback_data.case_id, callback_data.action
    try:
        case = await get_case(db, user_id, case_id)
        if action == "open":
            await state.clear()
            await show_card(query, case, t, tz, now)
        elif action in ("fields", "more_fields"):
            await state.clear()
            menu = keyboards.field_menu(case, t, more=action == "more_fields")
            await show(query, t("edit.pick_field", number=case.number), menu)
        elif action in ("close", "reopen"):
            status = CaseStatus.CLOSED if action == "close" else CaseStatus.OPEN
            case = await set_status(db, user_id, case_id, status, now)
            await wake_reminders(db, user_id, reminder_ticker)
            await show_card(query, case, t, tz, now)
        elif action == "delete":
            await show(
                query, t("delete.confirm", number=case.number), keyboards.confirm_delete(case_id, t)
            )
        elif action == "delete_yes":
            await delete_case(db, user_id, case_id)
            await show(query, t("delete.done", number=case.number), keyboards.main_menu(t))
        else:
            await query.answer(t("button.expired"), show_alert=True)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)


async def on_field(
    query: CallbackQuery,
    callback_data: FieldCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
) -> None:
    field = FIELDS.get(callback_data.field)
    try:
        case = await get_case(db, query.from_user.id, callback_data.case_id)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    if field is None:
        await query.answer(t("button.expired"), show_alert=True)
        return
    assert case.id is not None
    if field.choices is not None:
        markup = keyboards.choices(
            t, field.name, field.choices, case.id, clearable=not field.required
        )
        await show(query, t("edit.choose", field=t(f"field.{field.name}")), markup)
        return
    await state.set_state(EditField.value)
    await state.update_data(case_id=case.id, field=field.name)
    current = render.field_value(case, field.name, t, tz)
    prompt = t(f"prompt.{field.name}") + "\n" + t("edit.current", value=current)
    await show(query, prompt, keyboards.field_prompt(case.id, field.name, t, clearable=True))


async def on_choice(
    query: CallbackQuery,
    callback_data: ChoiceCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    """A value picked on a case: an option of a choice field, or 'clear' (empty value)."""
    user_id, name = query.from_user.id, callback_data.field
    field = FIELDS.get(name)
    if field is None or (callback_data.value and field.choices is None):
        await query.answer(t("button.expired"), show_alert=True)
        return
    try:
        value = (
            None
            if callback_data.value == ""
            else parse_field(name, callback_data.value, now=now, tz=tz)
        )
        case = await set_field(db, user_id, callback_data.case_id, name, value, now)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    except InputError:
        await query.answer(t("button.expired"), show_alert=True)
        return
    await state.clear()
    await wake_reminders(db, user_id, reminder_ticker)
    await show_card(query, case, t, tz, now)


async def on_value(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    data = await state.get_data()
    case_id, name = int(data.get("case_id", 0)), str(data.get("field", ""))
    try:
        value = parse_field(name, message.text or "", now=now, tz=tz)
        case = await set_field(db, message.from_user.id, case_id, name, value, now)  # type: ignore[union-attr]
    except NotFound:
        await state.clear()
        await message.answer(t("case.not_found"), reply_markup=keyboards.main_menu(t))
        return
    except InputError as err:
        params = {k: escape(str(v)) for k, v in err.params.items()}
        await message.answer(
            t(f"input.{err.code}", **params) + "\n" + t("edit.try_again"),
            reply_markup=keyboards.field_prompt(case_id, name, t, clearable=True),
        )
        return
    await state.clear()
    await wake_reminders(db, case.user_id, reminder_ticker)
    await message.answer(t("edit.saved", field=t(f"field.{name}")))
    await show_card(message, case, t, tz, now)


async def on_value_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("edit.need_text"))
