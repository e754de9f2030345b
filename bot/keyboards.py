"""Inline keyboards. Every dialog keyboard carries a way out (cancel or back)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    CancelCb,
    CaseCb,
    ChoiceCb,
    FieldCb,
    IntakeCb,
    LangCb,
    MenuCb,
    PageCb,
    PrivacyCb,
    TzCb,
)
from bot.complaint_callbacks import CpCaseCb
from bot.deadline_callbacks import RemindCb
from bot.evidence_callbacks import EvCaseCb
from bot.i18n import Texts
from bot.keyboard import Keyboard
from bot.price_callbacks import PriceCb
from bot.render import case_line
from bot.timeline_callbacks import TlCb
from shopguard.case_fields import FIELDS
from shopguard.cases import CasePage
from shopguard.db.models import Case
from shopguard.evidence.checklist import Tally
from shopguard.evidence.unboxing import unboxing_matters
from shopguard.price_protection import has_protection
from shopguard.taxonomy import CaseStatus, Language
from shopguard.timezones import SUGGESTED


def cancel_button(t: Texts) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("button.cancel"), callback_data=CancelCb().pack())


def main_menu(t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for action in ("new", "cases", "lang", "tz", "privacy", "help"):
        kb.button(text=t(f"menu.{action}"), callback_data=MenuCb(action=action))
    kb.adjust(2)
    return kb.as_markup()


def choices(
    t: Texts, field: str, enum: type[StrEnum], case_id: int = 0, *, clearable: bool = False
) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for member in enum:
        kb.button(
            text=t.label(field, member.value),
            callback_data=ChoiceCb(field=field, value=member.value, case_id=case_id),
        )
    kb.adjust(2)
    tail = []
    if clearable:
        tail.append(
            InlineKeyboardButton(
                text=t("button.clear"),
                callback_data=ChoiceCb(field=field, value="", case_id=case_id).pack(),
            )
        )
    if case_id:
        tail.append(
            InlineKeyboardButton(
                text=t("button.back"),
                callback_data=CaseCb(action="fields", case_id=case_id).pack(),
            )
        )
    else:
        tail.append(cancel_button(t))
    kb.row(*tail)
    return kb.as_markup()


def case_card(case: Case, t: Texts) -> InlineKeyboardMarkup:
    assert case.id is not None
    kb = Keyboard()
    count = Tally.from_json(case.evidence_tally).count
    kb.button(
        text=t("evidence.button.card", count=count),
        callback_data=EvCaseCb(action="list", case_id=case.id),
    )
    if unboxing_matters(case.problem_type):
        kb.button(
            text=t("evidence.button.guide"), callback_data=EvCaseCb(action="guide", case_id=case.id)
        )
    kb.button(text=t("timeline.button.log"), callback_data=TlCb(action="log", case_id=case.id))
    kb.button(text=t("advice.button.card"), callback_data=TlCb(action="advise", case_id=case.id))
    kb.button(
        text=t("complaint.button_card"),
        callback_data=CpCaseCb(action="channels", case_id=case.id),
    )
    if has_protection(case):
        kb.button(
            text=t("price.button.card"), callback_data=PriceCb(action="show", case_id=case.id)
        )
    kb.button(text=t("button.edit"), callback_data=CaseCb(action="fields", case_id=case.id))
    if case.status == CaseStatus.OPEN:
        kb.button(text=t("remind.button_card"), callback_data=RemindCb(action="new", id=case.id))
        kb.button(
            text=t("button.close_case"), callback_data=CaseCb(action="close", case_id=case.id)
        )
    else:
        kb.button(
            text=t("button.reopen_case"), callback_data=CaseCb(action="reopen", case_id=case.id)
        )
    kb.button(text=t("button.delete"), callback_data=CaseCb(action="delete", case_id=case.id))
    kb.button(text=t("button.all_cases"), callback_data=MenuCb(action="cases"))
    kb.adjust(2)
    return kb.as_markup()


def field_menu(case: Case, t: Texts, *, more: bool = False) -> InlineKeyboardMarkup:
    """The facts to edit; the rarer ones (dispute steps, shop promises) in a "more" menu."""
    assert case.id is not None
    kb = Keyboard()
    for name, field in FIELDS.items():
        if field.more == more:
            kb.button(text=t(f"field.{name}"), callback_data=FieldCb(case_id=case.id, field=name))
    kb.adjust(2 if more else 3)
    if not more:
        kb.row(
            InlineKeyboardButton(
                text=t("deadlines.more_facts"),
                callback_data=CaseCb(action="more_fields", case_id=case.id).pack(),
            )
        )
    back = CaseCb(action="fields" if more else "open", case_id=case.id)
    kb.row(InlineKeyboardButton(text=t("button.back"), callback_data=back.pack()))
    return kb.as_markup()


def field_prompt(case_id: int, field: str, t: Texts, *, clearable: bool) -> InlineKeyboardMarkup:
    row = [cancel_button(t)]
    if clearable:
        row.insert(
            0,
            InlineKeyboardButton(
                text=t("button.clear"),
                callback_data=ChoiceCb(field=field, value="", case_id=case_id).pack(),
            ),
        )
    return InlineKeyboardMarkup(inline_keyboard=[row])


def confirm_delete(case_id: int, t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("button.confirm_delete"),
                    callback_data=CaseCb(action="delete_yes", case_id=case_id).pack(),
                ),
                InlineKeyboardButton(
                    text=t("button.keep"),
                    callback_data=CaseCb(action="open", case_id=case_id).pack(),
                ),
            ]
        ]
    )


def case_page(page: CasePage, t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for case in page.cases:
        assert case.id is not None
        kb.row(
            InlineKeyboardButton(
                text=case_line(case, t)[:60],
                callback_data=CaseCb(action="open", case_id=case.id).pack(),
            )
        )
    nav = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(
                text=t("button.prev"), callback_data=PageCb(page=page.page - 1).pack()
            )
        )
    if page.page + 1 < page.pages:
        nav.append(
            InlineKeyboardButton(
                text=t("button.next"), callback_data=PageCb(page=page.page + 1).pack()
            )
        )
    if nav:
        kb.row(*nav)
    kb.row(InlineKeyboardButton(text=t("menu.new"), callback_data=MenuCb(action="new").pack()))
    return kb.as_markup()


def intake_confirm(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("button.save_case"), callback_data=IntakeCb(action="save").pack()
                ),
                InlineKeyboardButton(
                    text=t("button.discard"), callback_data=IntakeCb(action="discard").pack()
                ),
            ]
        ]
    )


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="中文", callback_data=LangCb(language=Language.ZH).pack()
                ),
                InlineKeyboardButton(
                    text="English", callback_data=LangCb(language=Language.EN).pack()
                ),
            ]
        ]
    )


def timezones(t: Texts) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for zone in SUGGESTED:
        kb.button(text=zone, callback_data=TzCb(zone=zone))
    kb.adjust(2)
    kb.row(cancel_button(t))
    return kb.as_markup()


def privacy(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("button.export"), callback_data=PrivacyCb(action="export").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    text=t("button.delete_all"), callback_data=PrivacyCb(action="delete").pack()
                )
            ],
        ]
    )


def confirm_delete_all(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("button.confirm_delete_all"),
                    callback_data=PrivacyCb(action="delete_yes").pack(),
                ),
                cancel_button(t),
            ]
        ]
    )
