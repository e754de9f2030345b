"""Turns a due reminder into the message the shopper gets, in their language and time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import CaseCb, ReminderCb
from bot.i18n import Texts, texts
from bot.render import deadline_moment, moment
from bot.sender import ProactiveSender
from shopguard.clock import Clock
from shopguard.db.models import Case, User
from shopguard.deadlines.rules import load_rules
from shopguard.reminders.dispatch import Failed, Outcome
from shopguard.reminders.store import Claimed
from shopguard.settings import Settings
from shopguard.users import resolve_language


def duration(delta: timedelta, t: Texts) -> str:
    """'1天3小时' / '1 d 3 h': the two largest units, never negative."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        t(f"duration.{unit}", n=n)
        for unit, n in (("days", days), ("hours", hours), ("minutes", mins))
        if n
    ][:2]
    return ("" if t.language == "zh" else " ").join(parts) or t("duration.now")


def deadline_title(case: Case | None, key: str | None, t: Texts) -> str:
    if key is None:
        return ""
    platform = case.platform if case is not None else "other"
    rules = load_rules(platform)
    if key not in rules:
        return key
    rule = rules.get(key)
    return rule.title_zh if t.language == "zh" else rule.title_en


def reminder_text(
    reminder: Claimed,
    case: Case | None,
    t: Texts,
    tz: str,
    now: datetime,
    late_by: timedelta | None,
) -> str:
    """The reminder message; after an earlier attempt it says it may be a second copy."""
    lines = [f"<b>{t('reminder.title')}</b>"]
    if case is not None:
        what = case.item or t.label("problem_type", case.problem_type)
        lines[0] += " · " + escape(
            t("reminder.case", number=case.number, platform=t.label("platform", case.platform))
            + f" · {what}"
        )
    if reminder.deadline_key is not None and reminder.deadline_at is not None:
        lines.append(
            t(
                "reminder.deadline",
                title=escape(deadline_title(case, reminder.deadline_key, t)),
                due=deadline_moment(reminder.deadline_at, tz),
                left=duration(reminder.deadline_at - now, t),
            )
        )
    if reminder.text:
        lines.append(escape(reminder.text))
    if late_by is not None:
        lines.append(t("reminder.late", planned=moment(reminder.due_at, tz, t)))
    if reminder.attempts > 1:
        # an earlier try may have reached the shopper before the sender stopped
        lines.append(t("reminder.maybe_repeat"))
    return "\n".join(lines)


def reminder_keyboard(reminder: Claimed, t: Texts) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=t("reminder.done"),
                callback_data=ReminderCb(action="done", reminder_id=reminder.id).pack(),
            ),
            InlineKeyboardButton(
                text=t("reminder.snooze_hour"),
                callback_data=ReminderCb(action="hour", reminder_id=reminder.id).pack(),
            ),
            InlineKeyboardButton(
                text=t("reminder.snooze_morning"),
                callback_data=ReminderCb(action="morning", reminder_id=reminder.id).pack(),
            ),
        ]
    ]
    if reminder.case_id is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("reminder.open_case"),
                    callback_data=CaseCb(action="open", case_id=reminder.case_id).pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramNotifier:
    """The core's Notifier: loads who the reminder is for, renders it, hands it to the sender."""

    def __init__(
        self,
        sender: ProactiveSender,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.sender = sender
        self.sessions = sessions
        self.settings = settings
        self.clock = clock

    async def deliver(self, reminder: Claimed, *, late_by: timedelta | None) -> Outcome:
        async with self.sessions() as session:
            user = await session.get(User, reminder.user_id)
            case = await session.get(Case, reminder.case_id) if reminder.case_id else None
        if user is None:
            return Failed("the user no longer exists")
        t = texts(resolve_language(user.language, None, self.settings.default_language))
        text = reminder_text(reminder, case, t, user.timezone, self.clock(), late_by)
        # sent instead after a timed-out try, which may have reached the shopper
        repeat = text if reminder.attempts > 1 else text + "\n" + t("reminder.maybe_repeat")
        return await self.sender.send(
            reminder.user_id, text, reminder_keyboard(reminder, t), repeat_text=repeat
        )
