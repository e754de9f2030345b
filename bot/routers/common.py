"""Start, help, cancel, language and time zone."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards
from bot.callbacks import CancelCb, LangCb, MenuCb, TzCb
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts, texts
from bot.reply import show
from bot.states import TzInput
from shopguard.db.models import User
from shopguard.errors import InputError
from shopguard.taxonomy import Language
from shopguard.users import set_language, set_timezone


def router() -> Router:
    r = Router(name="common")
    r.message.register(on_start, CommandStart())
    r.message.register(on_help, Command("help"))
    r.message.register(on_cancel, Command("cancel"), StateFilter("*"))
    r.callback_query.register(on_cancel_button, CancelCb.filter())
    r.callback_query.register(on_help, MenuCb.filter(F.action == "help"))
    r.message.register(on_lang, Command("lang"))
    r.callback_query.register(on_lang, MenuCb.filter(F.action == "lang"))
    r.callback_query.register(on_lang_chosen, LangCb.filter())
    r.message.register(on_tz, Command("tz"))
    r.callback_query.register(on_tz, MenuCb.filter(F.action == "tz"))
    r.callback_query.register(on_tz_chosen, TzCb.filter())
    r.message.register(on_tz_typed, TzInput.value, PLAIN_TEXT)
    return r


async def on_start(message: Message, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await message.answer(t("start.greeting"), reply_markup=keyboards.main_menu(t))


async def on_help(event: Message | CallbackQuery, t: Texts) -> None:
    await show(event, t("help.text"), keyboards.main_menu(t))


async def on_cancel(message: Message, state: FSMContext, t: Texts) -> None:
    had_dialog = await state.get_state() is not None
    await state.clear()
    key = "cancel.done" if had_dialog else "cancel.nothing"
    await message.answer(t(key), reply_markup=keyboards.main_menu(t))


async def on_cancel_button(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await show(query, t("cancel.done"), keyboards.main_menu(t))


async def on_lang(event: Message | CallbackQuery, t: Texts) -> None:
    await show(event, t("lang.choose"), keyboards.languages())


async def on_lang_chosen(
    query: CallbackQuery, callback_data: LangCb, db: AsyncSession, user: User, t: Texts
) -> None:
    if callback_data.language not in Language._value2member_map_:
        await query.answer(t("button.expired"), show_alert=True)
        return
    language = Language(callback_data.language)
    await set_language(db, user, language)
    t = texts(language)
    await show(query, t("lang.set"), keyboards.main_menu(t))


async def on_tz(
    event: Message | CallbackQuery,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    now: datetime,
    command: CommandObject | None = None,
) -> None:
    if command is not None and command.args:
        await _apply_tz(event, state, db, user, t, command.args, now)
        return
    await state.set_state(TzInput.value)
    await show(event, t("tz.ask", current=user.timezone), keyboards.timezones(t))


async def on_tz_chosen(
    query: CallbackQuery,
    callback_data: TzCb,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    now: datetime,
) -> None:
    await _apply_tz(query, state, db, user, t, callback_data.zone, now)


async def on_tz_typed(
    message: Message, state: FSMContext, db: AsyncSession, user: User, t: Texts, now: datetime
) -> None:
    await _apply_tz(message, state, db, user, t, message.text or "", now)


async def _apply_tz(
    event: Message | CallbackQuery,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    text: str,
    now: datetime,
) -> None:
    try:
        zone = await set_timezone(db, user, text, now=now)
    except InputError:
        await show(event, t("tz.bad", text=escape(text[:64])), keyboards.timezones(t))
        await state.set_state(TzInput.value)
        return
    await state.clear()
    await show(event, t("tz.set", zone=zone), keyboards.main_menu(t))
