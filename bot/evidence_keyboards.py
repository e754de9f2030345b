"""Evidence keyboards. Every one has a way back (to the list, the case) or out (later/cancel)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CaseCb
from bot.evidence_callbacks import EvBatchCb, EvCaseCb, EvItemCb, EvTickCb, EvUnboxCb
from bot.evidence_render import evidence_name, kind_label
from bot.i18n import Texts
from bot.keyboard import Keyboard
from bot.render import case_line
from shopguard.db.models import Case, EvidenceItem
from shopguard.evidence.checklist import ChecklistReport
from shopguard.evidence.kinds import EvidenceKind

LIST_PAGE = 8


def button(text: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def kind_choices(
    t: Texts, missing: Sequence[EvidenceKind], make: Callable[[str], CallbackData]
) -> Keyboard:
    """All kinds, two per row, the ones the case still misses first and marked."""
    kb = Keyboard()
    ordered = [*missing, *(kind for kind in EvidenceKind if kind not in missing)]
    for kind in ordered:
        mark = "❗" if kind in missing else ""
        kb.button(text=mark + t(f"evidence.kind.{kind.value}"), callback_data=make(kind.value))
    kb.adjust(2)
    return kb


def batch_question(
    t: Texts, batch: str, missing: Sequence[EvidenceKind], count: int
) -> InlineKeyboardMarkup:
    kb = kind_choices(t, missing, lambda kind: EvBatchCb(action="kind", batch=batch, value=kind))
    tail = []
    if count > 1:
        tail.append(button(t("evidence.button.each"), EvBatchCb(action="each", batch=batch)))
    tail.append(button(t("evidence.button.later"), EvBatchCb(action="later", batch=batch)))
    tail.append(button(t("evidence.button.move"), EvBatchCb(action="move", batch=batch)))
    kb.row(*tail)
    return kb.as_markup()


def walk_question(
    t: Texts, item: EvidenceItem, batch: str, missing: Sequence[EvidenceKind]
) -> InlineKeyboardMarkup:
    assert item.id is not None
    item_id = item.id
    kb = kind_choices(t, missing, lambda kind: EvItemCb(action="walk", item_id=item_id, value=kind))
    kb.row(button(t("evidence.button.later"), EvBatchCb(action="later", batch=batch)))
    return kb.as_markup()


def item_kinds(
    t: Texts, item: EvidenceItem, missing: Sequence[EvidenceKind]
) -> InlineKeyboardMarkup:
    assert item.id is not None
    item_id = item.id
    kb = kind_choices(
        t, missing, lambda kind: EvItemCb(action="setkind", item_id=item_id, value=kind)
    )
    kb.row(button(t("button.back"), EvItemCb(action="show", item_id=item_id)))
    return kb.as_markup()


def case_picker(
    t: Texts, cases: Sequence[Case], make: Callable[[Case], object], cancel: object
) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for case in cases:
        kb.row(button(case_line(case, t)[:60], make(case)))
    kb.row(button(t("button.cancel"), cancel))
    return kb.as_markup()


def after_classify(t: Texts, case_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(t("evidence.button.list"), EvCaseCb(action="list", case_id=case_id)),
                button(t("evidence.button.checklist"), EvCaseCb(action="check", case_id=case_id)),
            ]
        ]
    )


def evidence_list(
    t: Texts, case: Case, items: Sequence[tuple[int, EvidenceItem]], page: int, unboxing: bool
) -> InlineKeyboardMarkup:
    assert case.id is not None
    kb = Keyboard()
    for number, item in items[page * LIST_PAGE : (page + 1) * LIST_PAGE]:
        assert item.id is not None
        label = f"{evidence_name(t, number)} · {kind_label(t, item.kind)}"
        kb.button(text=label[:40], callback_data=EvItemCb(action="show", item_id=item.id))
    kb.adjust(2)
    pages = max(1, -(-len(items) // LIST_PAGE))
    nav = []
    if page > 0:
        nav.append(
            button(t("button.prev"), EvCaseCb(action="list", case_id=case.id, page=page - 1))
        )
    if page + 1 < pages:
        nav.append(
            button(t("button.next"), EvCaseCb(action="list", case_id=case.id, page=page + 1))
        )
    if nav:
        kb.row(*nav)
    kb.row(
        button(t("evidence.button.checklist"), EvCaseCb(action="check", case_id=case.id)),
        button(t("evidence.button.export"), EvCaseCb(action="export", case_id=case.id)),
    )
    last = [button(t("evidence.button.back_case"), CaseCb(action="open", case_id=case.id))]
    if unboxing:
        last.insert(
            0, button(t("evidence.button.guide"), EvCaseCb(action="guide", case_id=case.id))
        )
    kb.row(*last)
    return kb.as_markup()


def item_actions(t: Texts, item: EvidenceItem) -> InlineKeyboardMarkup:
    assert item.id is not None
    item_id = item.id
    kb = Keyboard()
    kb.button(
        text=t("evidence.button.view"), callback_data=EvItemCb(action="view", item_id=item_id)
    )
    kb.button(
        text=t("evidence.button.describe"), callback_data=EvItemCb(action="desc", item_id=item_id)
    )
    kb.button(
        text=t("evidence.button.kind"), callback_data=EvItemCb(action="kind", item_id=item_id)
    )
    kb.button(
        text=t("evidence.button.delete"), callback_data=EvItemCb(action="delete", item_id=item_id)
    )
    if item.kind == EvidenceKind.UNBOXING_VIDEO:
        kb.button(
            text=t("evidence.button.unbox_check"),
            callback_data=EvItemCb(action="unbox", item_id=item_id),
        )
    if item.sha256 is None:
        kb.button(
            text=t("evidence.button.fetch"), callback_data=EvItemCb(action="fetch", item_id=item_id)
        )
    kb.adjust(2)
    kb.row(button(t("evidence.button.back_list"), EvCaseCb(action="list", case_id=item.case_id)))
    return kb.as_markup()


def confirm_delete(t: Texts, item: EvidenceItem) -> InlineKeyboardMarkup:
    assert item.id is not None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(t("button.confirm_delete"), EvItemCb(action="delete_yes", item_id=item.id)),
                button(t("button.keep"), EvItemCb(action="show", item_id=item.id)),
            ]
        ]
    )


def back_to_item(t: Texts, item_id: int, case_id: int | None = None) -> InlineKeyboardMarkup:
    row = [button(t("button.back"), EvItemCb(action="show", item_id=item_id))]
    if case_id is not None:
        row.append(button(t("evidence.button.list"), EvCaseCb(action="list", case_id=case_id)))
        row.append(
            button(t("evidence.button.checklist"), EvCaseCb(action="check", case_id=case_id))
        )
    return InlineKeyboardMarkup(inline_keyboard=[row])


def checklist(t: Texts, case: Case, report: ChecklistReport) -> InlineKeyboardMarkup:
    assert case.id is not None
    kb = Keyboard()
    for status in report.statuses:
        label = t(f"evidence.need.{status.item.id}")
        if status.ticked:
            text, on = t("evidence.button.untick", item=label), 0
        elif status.covered_by is None:
            text, on = t("evidence.button.tick", item=label), 1
        else:
            continue
        kb.row(button(text[:60], EvTickCb(case_id=case.id, item=status.item.id, on=on)))
    kb.row(
        button(t("evidence.button.list"), EvCaseCb(action="list", case_id=case.id)),
        button(t("evidence.button.back_case"), CaseCb(action="open", case_id=case.id)),
    )
    return kb.as_markup()


def unboxing_answers(t: Texts, item_id: int, question: str) -> InlineKeyboardMarkup:
    def answer(value: str) -> InlineKeyboardButton:
        return button(
            t(f"evidence.unboxing.answer.{value}"),
            EvUnboxCb(item_id=item_id, question=question, answer=value),
        )

    return InlineKeyboardMarkup(
        inline_keyboard=[[answer("yes"), answer("no"), answer("na")], [answer("stop")]]
    )


def guide(t: Texts, case_id: int | None) -> InlineKeyboardMarkup | None:
    if case_id is None:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(t("evidence.button.list"), EvCaseCb(action="list", case_id=case_id)),
                button(t("evidence.button.back_case"), CaseCb(action="open", case_id=case_id)),
            ]
        ]
    )
