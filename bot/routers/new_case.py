"""/new: open a case by picking the platform and the problem — the two facts a case needs."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards
from bot.callbacks import ChoiceCb, MenuCb
from bot.filters import NOT_COMMAND
from bot.i18n import Texts
from bot.reply import show
from bot.routers.case_view import show_new_case
from bot.states import NewCase
from shopguard.cases import open_case
from shopguard.taxonomy import Platform, ProblemType


def router() -> Router:
    r = Router(name="new_case")
    r.message.register(on_new, Command("new"))
    r.callback_query.register(on_new, MenuCb.filter(F.action == "new"))
    r.callback_query.register(
        on_platform, NewCase.platform, ChoiceCb.filter((F.field == "platform") & (F.case_id == 0))
    )
    r.callback_query.register(
        on_problem, NewCase.problem, ChoiceCb.filter((F.field == "problem_type") & (F.case_id == 0))
    )
    r.message.register(on_typed_instead, NewCase.platform, NOT_COMMAND)
    r.message.register(on_typed_instead, NewCase.problem, NOT_COMMAND)
    return r


async def on_new(event: Message | CallbackQuery, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await state.set_state(NewCase.platform)
    await show(event, t("new.platform"), keyboards.choices(t, "platform", Platform))


async def on_platform(
    query: CallbackQuery, callback_data: ChoiceCb, state: FSMContext, t: Texts
) -> None:
    if callback_data.value not in Platform._value2member_map_:
        await query.answer(t("button.expired"), show_alert=True)
        return
    await state.update_data(platform=callback_data.value)
    await state.set_state(NewCase.problem)
    platform = t.label("platform", callback_data.value)
    await show(
        query,
        t("new.problem", platform=platform),
        keyboards.choices(t, "problem_type", ProblemType),
    )


async def on_problem(
    query: CallbackQuery,
    callback_data: ChoiceCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    if callback_data.value not in ProblemType._value2member_map_:
        await query.answer(t("button.expired"), show_alert=True)
        return
    data = await state.get_data()
    case = await open_case(
        db,
        query.from_user.id,
        now,
        platform=data.get("platform", Platform.DOUYIN),
        problem_type=callback_data.value,
    )
    await state.clear()
    await show_new_case(query, case, t, tz, now)


async def on_typed_instead(message: Message, t: Texts) -> None:
    await message.answer(t("dialog.use_buttons"))
