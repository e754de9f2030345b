"""What kind of evidence is it? One answer for a whole batch, or one file at a time; then the
numbers, tips for that kind, what the case still misses — and the unboxing check for a video."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot import evidence_render as er
from bot.evidence_callbacks import EvBatchCb, EvItemCb
from bot.i18n import Texts
from bot.reply import alert, show
from bot.routers.evidence_batch import (
    BATCH,
    batch_view,
    forget,
    item_line,
    require_batch,
)
from bot.routers.evidence_unboxing import ask_unboxing
from shopguard.cases import list_cases
from shopguard.db.models import Case, EvidenceItem
from shopguard.errors import InputError, NotFound
from shopguard.evidence import services
from shopguard.evidence.kinds import EvidenceKind


def register(r: Router) -> None:
    r.callback_query.register(on_batch, EvBatchCb.filter())
    r.callback_query.register(on_walk, EvItemCb.filter(F.action == "walk"))


async def on_batch(
    query: CallbackQuery,
    callback_data: EvBatchCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    now: datetime,
) -> None:
    user_id, batch, action = query.from_user.id, callback_data.batch, callback_data.action
    try:
        if action == "kind":
            items = await services.classify_batch(db, user_id, batch, callback_data.value, now)
            await forget(state, BATCH, batch=batch)
            await _classified(query, db, user_id, items, t)
        elif action == "each":
            await _walk_next(query, state, db, user_id, batch, t)
        elif action == "later":
            items = await require_batch(db, user_id, batch)
            await forget(state, BATCH, batch=batch)
            await show(query, t("evidence.batch.later"), kb.after_classify(t, items[0].case_id))
        elif action == "move":
            cases = (await list_cases(db, user_id)).cases
            markup = kb.case_picker(
                t,
                cases,
                lambda case: EvBatchCb(action="to", batch=batch, value=str(case.id)),
                EvBatchCb(action="ask", batch=batch),
            )
            await require_batch(db, user_id, batch)
            await show(query, t("evidence.batch.move_to"), markup)
        elif action == "to":
            await _move(query, db, user_id, batch, callback_data.value, t, now)
        elif action == "ask":
            view = await batch_view(db, user_id, batch, t)
            if view is None:
                raise NotFound("batch")
            await show(query, *view)
        else:
            await alert(query, t("button.expired"))
    except NotFound:
        await alert(query, t("evidence.not_found"))
    except InputError:
        await alert(query, t("button.expired"))


async def _move(
    query: CallbackQuery,
    db: AsyncSession,
    user_id: int,
    batch: str,
    value: str,
    t: Texts,
    now: datetime,
) -> None:
    if not value.isdigit():
        raise InputError("bad_choice")
    target, _, doubles = await services.move_batch(db, user_id, batch, int(value), now)
    await services.set_active_case(db, user_id, target.id)
    view = await batch_view(db, user_id, batch, t)
    note = t("evidence.batch.moved", number=target.number)
    if doubles:
        note += "\n" + t("evidence.batch.moved_doubles", count=len(doubles))
    if view is None:
        assert target.id is not None
        await show(query, note, kb.after_classify(t, target.id))
        return
    await show(query, note + "\n\n" + view[0], view[1])


async def _classified(
    query: CallbackQuery, db: AsyncSession, user_id: int, items: list[EvidenceItem], t: Texts
) -> None:
    """After a batch got its kind: which numbers, tips for that kind, what is still missing."""
    case_id = items[0].case_id
    case, numbered = await services.case_items(db, user_id, case_id)
    numbers = {item.id: number for number, item in numbered}
    names = "、".join(er.evidence_name(t, numbers[i.id]) for i in items if i.id in numbers)
    kind = items[0].kind
    lines = [t("evidence.batch.classified", names=names, kind=escape(er.kind_label(t, kind)))]
    tip = er.tips(kind, t)
    if tip:
        lines.append(tip)
    report = await services.checklist(db, user_id, case_id)
    lines.append(er.completeness_text(report.completeness, t))
    lines.append(er.missing_text(report, t))
    await show(query, "\n\n".join(lines), kb.after_classify(t, case_id))
    await _start_unboxing_check(query, case, numbered, items, t)


async def _start_unboxing_check(
    query: CallbackQuery,
    case: Case,
    numbered: list[tuple[int, EvidenceItem]],
    items: list[EvidenceItem],
    t: Texts,
) -> None:
    ids = {item.id for item in items if item.kind == EvidenceKind.UNBOXING_VIDEO}
    for number, item in numbered:
        if item.id in ids and item.unboxing_answers in ("", "{}"):
            await ask_unboxing(query, number, item, t, new_message=True)
            return


async def _walk_next(
    query: CallbackQuery, state: FSMContext, db: AsyncSession, user_id: int, batch: str, t: Texts
) -> None:
    """Classify a batch one file at a time: the next file without a kind, or the summary."""
    items = await require_batch(db, user_id, batch)
    todo = [item for item in items if item.kind is None]
    report = await services.checklist(db, user_id, items[0].case_id)
    if not todo:
        await forget(state, BATCH, batch=batch)
        await _walk_done(query, db, user_id, items, t)
        return
    item = todo[0]
    position = items.index(item) + 1
    text = t(
        "evidence.batch.walk",
        position=position,
        total=len(items),
        line=item_line(position, item, t).split(". ", 1)[1],
    )
    await show(query, text, kb.walk_question(t, item, batch, report.missing_kinds()))


async def _walk_done(
    query: CallbackQuery, db: AsyncSession, user_id: int, items: list[EvidenceItem], t: Texts
) -> None:
    case, numbered = await services.case_items(db, user_id, items[0].case_id)
    numbers = {item.id: number for number, item in numbered}
    batch_ids = {item.id for item in items}
    lines = [t("evidence.batch.walk_done")]
    lines.extend(
        f"• {er.evidence_name(t, numbers[item.id])} · {escape(er.kind_label(t, item.kind))}"
        for _, item in numbered
        if item.id in batch_ids
    )
    assert case.id is not None
    report = await services.checklist(db, user_id, case.id)
    lines.append("")
    lines.append(er.completeness_text(report.completeness, t))
    lines.append(er.missing_text(report, t))
    await show(query, "\n".join(lines), kb.after_classify(t, case.id))
    await _start_unboxing_check(query, case, numbered, items, t)


async def on_walk(
    query: CallbackQuery,
    callback_data: EvItemCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    now: datetime,
) -> None:
    user_id = query.from_user.id
    try:
        item = await services.set_kind(db, user_id, callback_data.item_id, callback_data.value, now)
    except NotFound:
        await alert(query, t("evidence.not_found"))
        return
    except InputError:
        await alert(query, t("button.expired"))
        return
    if item.batch is None:
        await query.answer()
        return
    await _walk_next(query, state, db, user_id, item.batch, t)
