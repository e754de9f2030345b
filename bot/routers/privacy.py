"""/privacy: export everything we hold about the shopper, or delete all of it."""

from __future__ import annotations

import json
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards
from bot.callbacks import MenuCb, PrivacyCb
from bot.i18n import Texts
from bot.reply import show
from shopguard.privacy import delete_user_data, export_user_data


def router() -> Router:
    r = Router(name="privacy")
    r.message.register(on_privacy, Command("privacy"))
    r.callback_query.register(on_privacy, MenuCb.filter(F.action == "privacy"))
    r.callback_query.register(on_export, PrivacyCb.filter(F.action == "export"))
    r.callback_query.register(on_delete, PrivacyCb.filter(F.action == "delete"))
    r.callback_query.register(on_delete_yes, PrivacyCb.filter(F.action == "delete_yes"))
    return r


async def on_privacy(event: Message | CallbackQuery, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await show(event, t("privacy.text"), keyboards.privacy(t))


async def on_export(query: CallbackQuery, db: AsyncSession, t: Texts, now: datetime) -> None:
    data = await export_user_data(db, query.from_user.id, now)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    name = f"shopguard-data-{now:%Y%m%d}.json"
    await query.answer()
    await query.bot.send_document(  # type: ignore[union-attr]
        query.from_user.id,
        BufferedInputFile(payload, filename=name),
        caption=t("privacy.exported", cases=len(data["cases"])),
    )


async def on_delete(query: CallbackQuery, t: Texts) -> None:
    await show(query, t("privacy.delete_confirm"), keyboards.confirm_delete_all(t))


async def on_delete_yes(
    query: CallbackQuery, state: FSMContext, db: AsyncSession, t: Texts
) -> None:
    await state.clear()
    await delete_user_data(db, query.from_user.id)
    await show(query, t("privacy.deleted"))
