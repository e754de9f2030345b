"""Keyboards of /deadlines, the reminder settings and custom follow-ups."""

from __future__ import annotations

from datetime import time

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CaseCb
from bot.deadline_callbacks import DeadlinesCb, PrefsCb, RemindCb
from bot.deadline_view import default_mark, offsets_words
from bot.i18n import Texts
from bot.keyboard import Keyboard
from bot.keyboards import cancel_button
from shopguard.reminders.schedule import DEFAULT_OFFSETS, QuietHours

OFFSET_PRESETS: tuple[tuple[int, ...], ...] = (
    DEFAULT_OFFSETS,
    (7 * 1440, 3 * 1440, 1440),
    (1440, 180),
    (),
)
QUIET_PRESETS: tuple[QuietHours | None, ...] = (
    QuietHours(time(22, 0), time(8, 0)),
    QuietHours(time(23, 0), time(7, 0)),
    None,
)


def deadlines(t: Texts, *, has_any: bool) -> InlineKeyboardMarkup:
    kb = Keyboard()
    if has_any:
        kb.button(text=t("deadlines.button_ics"), callback_data=DeadlinesCb(action="ics"))
    kb.button(text=t("deadlines.button_prefs"), callback_data=DeadlinesCb(action="prefs"))
    kb.adjust(1)
    return kb.as_markup()


def prefs(t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for index, offsets in enumerate(OFFSET_PRESETS):
        label = (
            t(
                "prefs.button_offsets",
                offsets=offsets_words(offsets, t),
                default=default_mark(offsets == DEFAULT_OFFSETS, t),
            )
            if offsets
            else t("prefs.button_offsets_off")
        )
        kb.button(text=label, callback_data=PrefsCb(what="offsets", preset=index))
    kb.button(
        text=t("prefs.button_offsets_custom"), callback_data=PrefsCb(what="offsets", preset=-1)
    )
    for index, quiet in enumerate(QUIET_PRESETS):
        label = (
            t("prefs.button_quiet", start=f"{quiet.start:%H:%M}", end=f"{quiet.end:%H:%M}")
            if quiet is not None
            else t("prefs.button_quiet_off")
        )
        kb.button(text=label, callback_data=PrefsCb(what="quiet", preset=index))
    kb.button(text=t("prefs.button_quiet_custom"), callback_data=PrefsCb(what="quiet", preset=-1))
    kb.button(text=t("button.back"), callback_data=DeadlinesCb(action="list"))
    kb.adjust(1)
    return kb.as_markup()


def prefs_prompt(t: Texts) -> InlineKeyboardMarkup:
    back = InlineKeyboardButton(
        text=t("button.back"), callback_data=DeadlinesCb(action="prefs").pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[back, cancel_button(t)]])


def remind_prompt(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t)]])


def follow_up_set(reminder_id: int, case_id: int | None, t: Texts) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=t("remind.button_cancel"),
                callback_data=RemindCb(action="cancel", id=reminder_id).pack(),
            )
        ]
    ]
    if case_id is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("reminder.open_case"),
                    callback_data=CaseCb(action="open", case_id=case_id).pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)
