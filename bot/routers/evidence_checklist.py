"""The checklist of a case: what its problem type needs, what is covered, what is missing;
an item held offline can be ticked by hand."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.types import CallbackQuery
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot import evidence_render as er
from bot.evidence_callbacks import EvCaseCb, EvTickCb
from bot.i18n import Texts
from bot.reply import alert, show
from shopguard.errors import InputError, NotFound
from shopguard.evidence import services


def register(r: Router) -> None:
    r.callback_query.register(on_checklist, EvCaseCb.filter(F.action == "check"))
    r.callback_query.register(on_tick, EvTickCb.filter())


async def show_checklist(
    query: CallbackQuery, db: AsyncSession, user_id: int, case_id: int, t: Texts
) -> None:
    case, items = await services.case_items(db, user_id, case_id)
    report = await services.checklist(db, user_id, case_id)
    await show(query, er.checklist_text(case, report, items, t), kb.checklist(t, case, report))


async def on_checklist(
    query: CallbackQuery, callback_data: EvCaseCb, db: AsyncSession, t: Texts
) -> None:
    try:
        await show_checklist(query, db, query.from_user.id, callback_data.case_id, t)
    except NotFound:
        await alert(query, t("case.not_found"))


async def on_tick(
    query: CallbackQuery, callback_data: EvTickCb, db: AsyncSession, t: Texts, now: datetime
) -> None:
    user_id = query.from_user.id
    try:
        await services.set_tick(
            db, user_id, callback_data.case_id, callback_data.item, bool(callback_data.on), now
        )
        await show_checklist(query, db, user_id, callback_data.case_id, t)
    except NotFound:
        await alert(query, t("case.not_found"))
    except InputError:
        await alert(query, t("button.expired"))
