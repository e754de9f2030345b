"""The buttons on a reminder: Done, snooze an hour, snooze to tomorrow 09:00."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import ReminderCb
from bot.i18n import Texts
from bot.render import moment
from shopguard.errors import NotFound
from shopguard.reminders.actions import mark_done, next_morning, snooze
from shopguard.reminders.ticker import ReminderTicker


def router() -> Router:
    r = Router(name="reminders")
    r.callback_query.register(on_reminder_button, ReminderCb.filter())
    return r


async def on_reminder_button(
    query: CallbackQuery,
    callback_data: ReminderCb,
    db: AsyncSession,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    user_id, reminder_id = query.from_user.id, callback_data.reminder_id
    try:
        if callback_data.action == "done":
            await mark_done(db, user_id, reminder_id)
            await query.answer(t("reminder.done_ok"), show_alert=True)
            return
        if callback_data.action not in ("hour", "morning"):
            await query.answer(t("button.expired"), show_alert=True)
            return
        until = now + timedelta(hours=1)
        if callback_data.action == "morning":
            until = next_morning(now, tz)
        await snooze(db, user_id, reminder_id, until=until, now=now)
    except NotFound:
        await query.answer(t("reminder.not_found"), show_alert=True)
        return
    if reminder_ticker is not None:
        reminder_ticker.wake_at(until)
    await query.answer(t("reminder.snoozed", at=moment(until, tz, t)), show_alert=True)
