"""Buttons of the case timeline and the advisor; every screen has a way back."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CaseCb
from bot.i18n import Texts
from bot.keyboard import Keyboard
from bot.keyboards import cancel_button
from bot.timeline_callbacks import TlCb, TlDelCb, TlKindCb, TlOptCb
from shopguard.case_timeline import Logged
from shopguard.escalation import EntryKind

LOGGABLE = (
    EntryKind.SELLER_CONTACTED,
    EntryKind.SELLER_REPLIED,
    EntryKind.AFTER_SALES_FILED,
    EntryKind.TICKET_FILED,
    EntryKind.INTERVENTION_REQUESTED,
    EntryKind.PLATFORM_RULED,
    EntryKind.REGULATOR_FILED,
    EntryKind.REGULATOR_ACCEPTED,
    EntryKind.RESOLVED,
    EntryKind.OFF_PLATFORM_REQUEST,
)


def _back(case_id: int, t: Texts) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t("button.back"), callback_data=CaseCb(action="open", case_id=case_id).pack()
    )


def kinds(case_id: int, t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for kind in LOGGABLE:
        kb.button(
            text=t(f"timeline.kind.{kind.value}"),
            callback_data=TlKindCb(case_id=case_id, kind=kind.value),
        )
    kb.adjust(2)
    kb.row(
        InlineKeyboardButton(
            text=t("timeline.button.full"),
            callback_data=TlCb(action="full", case_id=case_id).pack(),
        ),
        _back(case_id, t),
    )
    return kb.as_markup()


def options(field: str, enum: type[StrEnum], t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for member in enum:
        kb.button(text=t(f"timeline.{field}.{member.value}"), callback_data=TlOptCb(value=member))
    kb.adjust(2)
    kb.row(cancel_button(t))
    return kb.as_markup()


def typed(t: Texts, *, skip: bool = False, now: bool = False) -> InlineKeyboardMarkup:
    row = []
    if now:
        row.append(
            InlineKeyboardButton(
                text=t("timeline.button.now"), callback_data=TlOptCb(value="now").pack()
            )
        )
    if skip:
        row.append(
            InlineKeyboardButton(
                text=t("timeline.button.skip"), callback_data=TlOptCb(value="skip").pack()
            )
        )
    return InlineKeyboardMarkup(
        inline_keyboard=[row, [cancel_button(t)]] if row else [[cancel_button(t)]]
    )


def full(case_id: int, timeline: list[Logged], t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for n, item in enumerate(timeline, 1):
        kb.button(
            text=t("timeline.button.delete", n=n),
            callback_data=TlDelCb(action="ask", entry_id=item.id),
        )
    kb.adjust(4)
    kb.row(
        InlineKeyboardButton(
            text=t("timeline.button.log"), callback_data=TlCb(action="log", case_id=case_id).pack()
        ),
        _back(case_id, t),
    )
    return kb.as_markup()


def confirm_delete(case_id: int, entry_id: int, t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("button.confirm_delete"),
                    callback_data=TlDelCb(action="yes", entry_id=entry_id).pack(),
                ),
                InlineKeyboardButton(
                    text=t("button.keep"),
                    callback_data=TlCb(action="full", case_id=case_id).pack(),
                ),
            ]
        ]
    )


def advice(
    case_id: int, t: Texts, *, remind: bool, draft: InlineKeyboardButton | None
) -> InlineKeyboardMarkup:
    rows = []
    if remind:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("advice.button.remind"),
                    callback_data=TlCb(action="remind", case_id=case_id).pack(),
                )
            ]
        )
    if draft is not None:
        rows.append([draft])
    rows.append(
        [
            InlineKeyboardButton(
                text=t("timeline.button.log"),
                callback_data=TlCb(action="log", case_id=case_id).pack(),
            ),
            InlineKeyboardButton(
                text=t("timeline.button.full"),
                callback_data=TlCb(action="full", case_id=case_id).pack(),
            ),
        ]
    )
    rows.append([_back(case_id, t)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
