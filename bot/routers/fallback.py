"""What nothing else answered: stale buttons, unknown commands, files, anything unexpected."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot.i18n import Texts


def router(*, catch_all: bool) -> Router:
    r = Router(name="fallback")
    r.callback_query.register(on_stale_button)
    if catch_all:
        r.message.register(on_unknown_command, F.text.startswith("/"))
        r.message.register(on_other)
    return r


async def on_stale_button(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("button.expired"), show_alert=True)


async def on_unknown_command(message: Message, t: Texts) -> None:
    await message.answer(t("fallback.unknown_command"), reply_markup=keyboards.main_menu(t))


async def on_other(message: Message, t: Texts) -> None:
    await message.answer(t("fallback.not_understood"), reply_markup=keyboards.main_menu(t))
