"""/advise and the card's "what should I do now?": the advisor's next step, why, what to
prepare, where, and when the following step opens — with "remind me then". /stats: the
shopper's own record."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards, timeline_keyboards
from bot.complaint_callbacks import CpCaseCb
from bot.i18n import Texts
from bot.render import deadline_moment
from bot.reply import show
from bot.timeline_callbacks import TlCb
from bot.timeline_view import advice_text, follow_up_text, stats_text, step_name
from shopguard.case_advice import CaseAdvice, case_advice
from shopguard.case_timeline import shopper_stats
from shopguard.cases import latest_open_case
from shopguard.complaints.model import Channel
from shopguard.db.models import Reminder, User
from shopguard.errors import NotFound
from shopguard.escalation import DraftChannel
from shopguard.evidence.services import active_case
from shopguard.reminders.actions import add_custom
from shopguard.reminders.store import Status
from shopguard.reminders.ticker import ReminderTicker


def router() -> Router:
    r = Router(name="advice")
    r.message.register(on_advise_command, Command("advise"))
    r.message.register(on_stats, Command("stats"))
    r.callback_query.register(on_advise, TlCb.filter(F.action == "advise"))
    r.callback_query.register(on_remind_then, TlCb.filter(F.action == "remind"))
    return r


# the advisor's draft → the complaint feature's channel (bot/routers/complaints.py)
DRAFT_CHANNELS: dict[DraftChannel, Channel] = {
    DraftChannel.SELLER_CHAT: Channel.SELLER_CHAT,
    DraftChannel.PLATFORM_TICKET: Channel.PLATFORM_TICKET,
    DraftChannel.PLATFORM_INTERVENTION: Channel.MEDIATION,
    DraftChannel.COMPLAINT_12315: Channel.REGULATOR_12315,
    DraftChannel.HEIMAO: Channel.HEIMAO,
}


def _draft_button(found: CaseAdvice, t: Texts) -> InlineKeyboardButton | None:
    """ "Write it": opens the complaint dialog on the first draft the advice names."""
    if not found.advice.drafts or found.case.id is None:
        return None
    draft = found.advice.drafts[0]
    data = CpCaseCb(action="open", case_id=found.case.id, channel=DRAFT_CHANNELS[draft].value)
    return InlineKeyboardButton(
        text=t("advice.button.draft", draft=t(f"advice.draft.{draft.value}")),
        callback_data=data.pack(),
    )


async def _show_advice(
    event: Message | CallbackQuery, found: CaseAdvice, t: Texts, tz: str, now: datetime
) -> None:
    case, advice = found.case, found.advice
    assert case.id is not None
    draft = _draft_button(found, t)
    text = advice_text(case, advice, t, tz, draft_button=draft is not None)
    remind = advice.next_step_at is not None and advice.then is not None
    remind = remind and advice.next_step_at is not None and advice.next_step_at > now
    markup = timeline_keyboards.advice(case.id, t, remind=remind, draft=draft)
    await show(event, text, markup)


async def on_advise_command(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    await state.clear()
    case = await active_case(db, user.id) or await latest_open_case(db, user.id)
    if case is None or case.id is None:
        await message.answer(t("advice.no_case"), reply_markup=keyboards.main_menu(t))
        return
    await _show_advice(message, await case_advice(db, user.id, case.id, now, tz), t, tz, now)


async def on_advise(
    query: CallbackQuery,
    callback_data: TlCb,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    await state.clear()
    try:
        found = await case_advice(db, user.id, callback_data.case_id, now, tz)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    await _show_advice(query, found, t, tz, now)


async def on_remind_then(
    query: CallbackQuery,
    callback_data: TlCb,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    """Schedule the follow-up at the moment the next step becomes appropriate (once)."""
    try:
        found = await case_advice(db, user.id, callback_data.case_id, now, tz)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    advice, case = found.advice, found.case
    due = advice.next_step_at
    if due is None or advice.then is None or due <= now:
        await query.answer(t("advice.no_next"), show_alert=True)
        return
    text = follow_up_text(advice, case, t)
    existing = await db.exec(
        select(Reminder.id).where(
            col(Reminder.user_id) == user.id,
            col(Reminder.case_id) == case.id,
            col(Reminder.kind) == "custom",
            col(Reminder.due_at) == due,
            col(Reminder.text) == text,
            col(Reminder.status) == Status.PENDING,
        )
    )
    at = deadline_moment(due, tz)
    if existing.first() is not None:
        await query.answer(t("advice.reminder_exists", at=at), show_alert=True)
        return
    await add_custom(db, user.id, text=text, due_at=due, now=now, case_id=case.id)
    if reminder_ticker is not None:
        reminder_ticker.wake_at(due)
    await query.answer()
    if isinstance(query.message, Message):
        step = step_name(advice.then, t)
        await query.message.answer(t("advice.reminder_set", at=at, step=step))


async def on_stats(
    message: Message, state: FSMContext, db: AsyncSession, user: User, t: Texts
) -> None:
    await state.clear()
    stats = await shopper_stats(db, user.id)
    await message.answer(stats_text(stats.opened, stats.resolved, stats.recovered_fen, t))
