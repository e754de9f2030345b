"""Free-text intake: one message describing the problem becomes a draft case to confirm."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards
from bot.callbacks import ChoiceCb, IntakeCb
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.render import intake_summary
from bot.reply import show
from bot.routers.case_view import show_new_case
from bot.states import Intake
from shopguard.cases import open_case
from shopguard.intake import IntakeDraft, IntakeRefusal, parse_intake
from shopguard.taxonomy import Category, Platform, ProblemType

MAX_DESCRIPTION = 2000
_FACTS = (
    "platform",
    "problem_type",
    "category",
    "order_no",
    "amount_fen",
    "ordered_at",
    "signed_at",
    "shop_name",
    "item",
    "live_room_id",
)


def router() -> Router:
    r = Router(name="intake")
    r.message.register(on_text, StateFilter(None, Intake.problem, Intake.confirm), PLAIN_TEXT)
    r.callback_query.register(
        on_problem, Intake.problem, ChoiceCb.filter((F.field == "problem_type") & (F.case_id == 0))
    )
    r.callback_query.register(on_save, Intake.confirm, IntakeCb.filter(F.action == "save"))
    r.callback_query.register(on_discard, IntakeCb.filter(F.action == "discard"))
    return r


def _to_data(draft: IntakeDraft) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in (*_FACTS, "quantity", "seller_silent_days", "notes"):
        value = getattr(draft, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    data["refused"] = [[r.field, r.code, r.fragment] for r in draft.refused]
    return data


def _from_data(data: dict[str, Any]) -> IntakeDraft:
    def when(key: str) -> datetime | None:
        return datetime.fromisoformat(data[key]) if data.get(key) else None

    return IntakeDraft(
        platform=Platform(data["platform"]) if data.get("platform") else None,
        problem_type=ProblemType(data["problem_type"]) if data.get("problem_type") else None,
        category=Category(data["category"]) if data.get("category") else None,
        order_no=data.get("order_no"),
        amount_fen=data.get("amount_fen"),
        quantity=data.get("quantity"),
        ordered_at=when("ordered_at"),
        signed_at=when("signed_at"),
        shop_name=data.get("shop_name"),
        item=data.get("item"),
        live_room_id=data.get("live_room_id"),
        seller_silent_days=data.get("seller_silent_days"),
        notes=data.get("notes", ""),
        refused=[IntakeRefusal(*r) for r in data.get("refused", [])],
    )


async def on_text(message: Message, state: FSMContext, t: Texts, tz: str, now: datetime) -> None:
    text = message.text or ""
    if len(text) > MAX_DESCRIPTION:
        await message.answer(t("intake.too_long", length=len(text), max=MAX_DESCRIPTION))
        return
    draft = parse_intake(text, now, tz)
    if not any(getattr(draft, name) for name in _FACTS):
        await state.clear()
        await message.answer(t("intake.nothing_found"), reply_markup=keyboards.main_menu(t))
        return
    await state.set_data({"draft": _to_data(draft)})
    await _ask_next(message, state, draft, t, tz)


async def _ask_next(
    event: Message | CallbackQuery, state: FSMContext, draft: IntakeDraft, t: Texts, tz: str
) -> None:
    """Only what is missing is asked: the problem type, when the text did not say it."""
    summary = intake_summary(draft, t, tz)
    if draft.problem_type is None:
        await state.set_state(Intake.problem)
        markup = keyboards.choices(t, "problem_type", ProblemType)
        await show(event, summary + "\n\n" + t("intake.ask_problem"), markup)
        return
    await state.set_state(Intake.confirm)
    await show(event, summary + "\n\n" + t("intake.confirm"), keyboards.intake_confirm(t))


async def on_problem(
    query: CallbackQuery, callback_data: ChoiceCb, state: FSMContext, t: Texts, tz: str
) -> None:
    if callback_data.value not in ProblemType._value2member_map_:
        await query.answer(t("button.expired"), show_alert=True)
        return
    data = (await state.get_data()).get("draft", {})
    data["problem_type"] = callback_data.value
    await state.set_data({"draft": data})
    await _ask_next(query, state, _from_data(data), t, tz)


async def on_save(
    query: CallbackQuery, state: FSMContext, db: AsyncSession, t: Texts, tz: str, now: datetime
) -> None:
    draft = _from_data((await state.get_data()).get("draft", {}))
    if draft.problem_type is None:
        await query.answer(t("button.expired"), show_alert=True)
        return
    case = await open_case(
        db,
        query.from_user.id,
        now,
        platform=draft.platform or Platform.DOUYIN,
        problem_type=draft.problem_type,
        category=draft.category,
        shop_name=draft.shop_name,
        item=draft.item,
        order_no=draft.order_no,
        amount_fen=draft.amount_fen,
        quantity=draft.quantity or 1,
        ordered_at=draft.ordered_at,
        signed_at=draft.signed_at,
        live_room_id=draft.live_room_id,
        notes=draft.notes,
    )
    await state.clear()
    await show_new_case(query, case, t, tz, now)


async def on_discard(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await show(query, t("intake.discarded"), keyboards.main_menu(t))
