"""Custom follow-ups: "/remind 2h 跟进商家回复", "明天上午10点提醒我申请价保", "remind me in 3 days
to check the refund", or the ⏰ button on a case card. The reminder is set at once and told back
in plain words, with a button that cancels it."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deadline_keyboards
from bot.deadline_callbacks import RemindCb, RemindInput
from bot.deadline_view import case_label
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.reminder_notifier import duration
from bot.reply import show
from bot.routers.deadlines import wake_reminders
from bot.states import Intake
from shopguard.cases import get_case, latest_open_case
from shopguard.db.models import Case, User
from shopguard.errors import InputError, NotFound
from shopguard.evidence.services import active_case
from shopguard.reminders.actions import add_custom, get_reminder
from shopguard.reminders.parse import FollowUp, is_reminder_request, parse_follow_up
from shopguard.reminders.store import Status
from shopguard.reminders.ticker import ReminderTicker
from shopguard.timezones import to_local


def router(*, free_text: bool = True) -> Router:
    """``free_text=False``: only /remind and the buttons (plain text belongs to a host bot)."""
    r = Router(name="remind")
    r.message.register(on_remind_command, Command("remind"))
    r.callback_query.register(on_remind_button, RemindCb.filter(F.action == "new"))
    r.callback_query.register(on_cancel_follow_up, RemindCb.filter(F.action == "cancel"))
    r.message.register(on_follow_up_typed, RemindInput.text, PLAIN_TEXT)
    if free_text:  # text that asks for a reminder, before intake reads it as a new case
        r.message.register(
            on_free_text,
            StateFilter(None, Intake.problem, Intake.confirm),
            PLAIN_TEXT,
            _asks_for_reminder,
        )
    return r


def _asks_for_reminder(message: Message, now: datetime, tz: str) -> bool:
    return is_reminder_request(message.text or "", now, tz)


async def _conversation_case(db: AsyncSession, user: User) -> Case | None:
    """The case open in the conversation, else the most recent open case, else none."""
    return await active_case(db, user.id) or await latest_open_case(db, user.id)


async def on_remind_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    await state.clear()
    case = await _conversation_case(db, user)
    if not command.args:
        await _ask(message, state, case, t)
        return
    await _set(message, state, db, user, case, command.args, t, tz, now, reminder_ticker)


async def on_free_text(
    message: Message,
    db: AsyncSession,
    state: FSMContext,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    case = await _conversation_case(db, user)
    await _set(message, state, db, user, case, message.text or "", t, tz, now, reminder_ticker)


async def on_remind_button(
    query: CallbackQuery,
    callback_data: RemindCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
) -> None:
    try:
        case = await get_case(db, query.from_user.id, callback_data.id)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    await _ask(query, state, case, t)


async def on_follow_up_typed(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    case_id = (await state.get_data()).get("case_id")
    case = None
    if case_id:
        try:
            case = await get_case(db, user.id, int(case_id))
        except NotFound:
            case = None
    await _set(message, state, db, user, case, message.text or "", t, tz, now, reminder_ticker)


async def _ask(
    event: Message | CallbackQuery, state: FSMContext, case: Case | None, t: Texts
) -> None:
    await state.set_state(RemindInput.text)
    await state.update_data(case_id=case.id if case is not None else None)
    text = t("remind.ask")
    if case is not None:
        text += "\n" + t("remind.for_case", case=escape(case_label(case, t)))
    await show(event, text, deadline_keyboards.remind_prompt(t))


async def _set(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    case: Case | None,
    text: str,
    t: Texts,
    tz: str,
    now: datetime,
    ticker: ReminderTicker | None,
) -> None:
    """Parse, store and confirm; a text that cannot be read keeps (or opens) the dialog."""
    try:
        follow_up = parse_follow_up(text, now, tz)
    except InputError as err:
        await state.set_state(RemindInput.text)
        await state.update_data(case_id=case.id if case is not None else None)
        params = {k: escape(str(v)) for k, v in err.params.items()}
        await message.answer(
            t(f"input.{err.code}", **params) + "\n" + t("remind.try_again"),
            reply_markup=deadline_keyboards.remind_prompt(t),
        )
        return
    case_id = case.id if case is not None else None
    reminder = await add_custom(
        db, user.id, text=follow_up.text, due_at=follow_up.due_at, now=now, case_id=case_id
    )
    await state.clear()
    await wake_reminders(db, user.id, ticker)
    assert reminder.id is not None
    await message.answer(
        confirmation(follow_up, case, t, tz, now),
        reply_markup=deadline_keyboards.follow_up_set(reminder.id, case_id, t),
    )


def when(at: datetime, tz: str, t: Texts) -> str:
    """ "2026-11-23（周一）10:00": the day of the week helps to check a reminder at a glance."""
    local = to_local(at, tz)
    weekday = t("remind.weekdays").split()[local.weekday()]
    return t("remind.when", date=f"{local:%Y-%m-%d}", weekday=weekday, time=f"{local:%H:%M}")


def confirmation(follow_up: FollowUp, case: Case | None, t: Texts, tz: str, now: datetime) -> str:
    left = duration(follow_up.due_at - now, t)
    text = escape(follow_up.text)
    lines = [t("remind.set", at=when(follow_up.due_at, tz, t), left=left, text=text)]
    if not follow_up.has_time:
        lines.append(t("remind.default_time"))
    if case is not None:
        lines.append(t("remind.for_case", case=escape(case_label(case, t))))
    else:
        lines.append(t("remind.no_case"))
    return "\n".join(lines)


async def on_cancel_follow_up(
    query: CallbackQuery, callback_data: RemindCb, db: AsyncSession, t: Texts
) -> None:
    try:
        reminder = await get_reminder(db, query.from_user.id, callback_data.id)
    except NotFound:
        await query.answer(t("reminder.not_found"), show_alert=True)
        return
    if reminder.status not in (Status.PENDING, Status.PAUSED):
        key = (
            "remind.already_cancelled" if reminder.status == Status.CANCELLED else "remind.too_late"
        )
        await query.answer(t(key), show_alert=True)
        return
    reminder.status = Status.CANCELLED
    db.add(reminder)
    await db.flush()
    await show(query, t("remind.cancelled", text=escape(reminder.text)))
