"""Showing a screen: a button press edits its message in place, a typed message gets a reply."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(
    event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    await event.answer()
    message = event.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as err:
            if "not modified" in str(err):
                return
    if message is not None:
        await event.bot.send_message(message.chat.id, text, reply_markup=markup)  # type: ignore[union-attr]


async def alert(event: CallbackQuery, text: str) -> None:
    await event.answer(text, show_alert=True)
