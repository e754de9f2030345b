"""/deadlines: every upcoming deadline of the shopper's open cases, a calendar file of them,
and the reminder settings (how long before a deadline, quiet hours)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deadline_keyboards
from bot.deadline_callbacks import DeadlinesCb, PrefsCb, PrefsInput
from bot.deadline_view import calendar_file, deadline_list, prefs_text, upcoming
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.reply import show
from shopguard.db.models import Case, User
from shopguard.errors import InputError
from shopguard.reminders.parse import parse_offsets, parse_quiet_hours
from shopguard.reminders.schedule import next_pending_at, prefs_of, set_offsets, set_quiet_hours
from shopguard.reminders.ticker import ReminderTicker
from shopguard.taxonomy import CaseStatus
from shopguard.timezones import to_local


def router() -> Router:
    r = Router(name="deadlines")
    r.message.register(on_deadlines, Command("deadlines"))
    r.callback_query.register(on_deadlines, DeadlinesCb.filter(F.action == "list"))
    r.callback_query.register(on_ics, DeadlinesCb.filter(F.action == "ics"))
    r.callback_query.register(on_prefs, DeadlinesCb.filter(F.action == "prefs"))
    r.callback_query.register(on_pref_chosen, PrefsCb.filter())
    r.message.register(on_pref_typed, StateFilter(PrefsInput), PLAIN_TEXT)
    return r


async def wake_reminders(db: AsyncSession, user_id: int, ticker: ReminderTicker | None) -> None:
    """After reminders were (re)planned: make the dispatcher look at the next one in time."""
    if ticker is None:
        return
    at = await next_pending_at(db, user_id)
    if at is not None:
        ticker.wake_at(at)


async def _open_cases(db: AsyncSession, user_id: int) -> list[Case]:
    rows = await db.exec(
        select(Case).where(col(Case.user_id) == user_id, col(Case.status) == CaseStatus.OPEN)
    )
    return list(rows.all())


async def on_deadlines(
    event: Message | CallbackQuery,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    await state.clear()
    items = upcoming(await _open_cases(db, user.id), tz, now)
    markup = deadline_keyboards.deadlines(t, has_any=bool(items))
    await show(event, deadline_list(items, t, tz, now), markup)


async def on_ics(
    query: CallbackQuery, db: AsyncSession, user: User, t: Texts, tz: str, now: datetime
) -> None:
    items = upcoming(await _open_cases(db, user.id), tz, now)
    if not items:
        await query.answer(t("deadlines.none_short"), show_alert=True)
        return
    data = calendar_file(items, t, tz, now, prefs_of(user))
    name = f"shopguard-deadlines-{to_local(now, tz):%Y%m%d}.ics"
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer_document(
            BufferedInputFile(data, filename=name),
            caption=t("deadlines.ics_caption", count=len(items)),
        )


async def on_prefs(
    event: Message | CallbackQuery, state: FSMContext, user: User, t: Texts, tz: str
) -> None:
    await state.clear()
    await show(event, prefs_text(prefs_of(user), t, tz), deadline_keyboards.prefs(t))


async def on_pref_chosen(
    query: CallbackQuery,
    callback_data: PrefsCb,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    what, preset = callback_data.what, callback_data.preset
    if preset == -1 and what in ("offsets", "quiet"):
        await state.set_state(PrefsInput.offsets if what == "offsets" else PrefsInput.quiet)
        await show(query, t(f"prefs.ask_{what}"), deadline_keyboards.prefs_prompt(t))
        return
    if what == "offsets" and 0 <= preset < len(deadline_keyboards.OFFSET_PRESETS):
        await set_offsets(db, user, deadline_keyboards.OFFSET_PRESETS[preset], now)
    elif what == "quiet" and 0 <= preset < len(deadline_keyboards.QUIET_PRESETS):
        await set_quiet_hours(db, user, deadline_keyboards.QUIET_PRESETS[preset], now)
    else:
        await query.answer(t("button.expired"), show_alert=True)
        return
    await _saved(query, state, db, user, t, tz, reminder_ticker)


async def on_pref_typed(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    """Offsets or quiet hours typed after "set my own"; bad input is explained, asked again."""
    text = message.text or ""
    try:
        if await state.get_state() == PrefsInput.offsets.state:
            await set_offsets(db, user, parse_offsets(text), now)
        else:
            await set_quiet_hours(db, user, parse_quiet_hours(text), now)
    except InputError as err:
        await _retry(message, err, t)
        return
    await _saved(message, state, db, user, t, tz, reminder_ticker)


async def _retry(message: Message, err: InputError, t: Texts) -> None:
    params = {k: escape(str(v)) for k, v in err.params.items()}
    text = t(f"input.{err.code}", **params) + "\n" + t("edit.try_again")
    await message.answer(text, reply_markup=deadline_keyboards.prefs_prompt(t))


async def _saved(
    event: Message | CallbackQuery,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    ticker: ReminderTicker | None,
) -> None:
    await state.clear()
    await wake_reminders(db, user.id, ticker)
    text = t("prefs.saved") + "\n\n" + prefs_text(prefs_of(user), t, tz)
    await show(event, text, deadline_keyboards.prefs(t))
