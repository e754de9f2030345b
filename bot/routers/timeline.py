"""Logging what happened in a dispute, in a tap, from the case card (issue #6): pick the step,
answer its one or two questions with buttons, then the time ("now" or typed). The full
timeline lists every step with a delete button."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from html import escape
from typing import Any, Literal

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards, render, timeline_keyboards
from bot.deadline_view import card_section
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.reply import show
from bot.routers.deadlines import wake_reminders
from bot.timeline_callbacks import LogStep, TlCb, TlDelCb, TlKindCb, TlOptCb
from bot.timeline_view import entry_line, full_timeline
from shopguard.case_fields import clean_text, has_words
from shopguard.case_timeline import add_entry, delete_entry, get_entry, list_entries
from shopguard.cases import get_case
from shopguard.dates import DateError, parse_moment
from shopguard.db.models import Case, User
from shopguard.errors import InputError, NotFound
from shopguard.escalation import (
    AfterSalesType,
    ContactChannel,
    EntryKind,
    RegulatorBody,
    ResolvedOutcome,
    Ruling,
    SellerResponse,
    TimelineEntry,
)
from shopguard.money import AmountError, parse_amount
from shopguard.reminders.ticker import ReminderTicker
from shopguard.taxonomy import CaseStatus

MAX_REFERENCE = 64


@dataclass(frozen=True)
class Question:
    field: str
    kind: Literal["choice", "amount", "reference"]
    choices: type[StrEnum] | None = None


QUESTIONS: dict[EntryKind, tuple[Question, ...]] = {
    EntryKind.SELLER_CONTACTED: (Question("channel", "choice", ContactChannel),),
    EntryKind.SELLER_REPLIED: (
        Question("response", "choice", SellerResponse),
        Question("offer_fen", "amount"),  # only for a partial offer
    ),
    EntryKind.AFTER_SALES_FILED: (Question("after_sales_type", "choice", AfterSalesType),),
    EntryKind.TICKET_FILED: (Question("reference", "reference"),),
    EntryKind.PLATFORM_RULED: (Question("ruling", "choice", Ruling),),
    EntryKind.REGULATOR_FILED: (
        Question("body", "choice", RegulatorBody),
        Question("reference", "reference"),
    ),
    EntryKind.REGULATOR_ACCEPTED: (Question("body", "choice", RegulatorBody),),
    EntryKind.RESOLVED: (
        Question("outcome", "choice", ResolvedOutcome),
        Question("amount_recovered_fen", "amount"),
    ),
}
AT = "at"


def router() -> Router:
    r = Router(name="timeline")
    r.callback_query.register(on_log, TlCb.filter(F.action == "log"))
    r.callback_query.register(on_full, TlCb.filter(F.action == "full"))
    r.callback_query.register(on_kind, TlKindCb.filter())
    r.callback_query.register(on_option, TlOptCb.filter())
    r.callback_query.register(on_delete, TlDelCb.filter())
    r.message.register(on_typed, LogStep.pick, PLAIN_TEXT)
    return r


def _next_question(data: dict[str, Any]) -> Question | None:
    fields, answered = data["fields"], data["answered"]
    for question in QUESTIONS.get(EntryKind(data["kind"]), ()):
        if question.field in answered:
            continue
        if question.field == "offer_fen" and fields.get("response") != SellerResponse.PARTIAL_OFFER:
            continue
        return question
    return None


async def on_log(
    query: CallbackQuery, callback_data: TlCb, state: FSMContext, db: AsyncSession, t: Texts
) -> None:
    await state.clear()
    try:
        case = await get_case(db, query.from_user.id, callback_data.case_id)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    assert case.id is not None
    text = t("timeline.pick_kind", number=case.number)
    await show(query, text, timeline_keyboards.kinds(case.id, t))


async def on_full(
    query: CallbackQuery,
    callback_data: TlCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    tz: str,
) -> None:
    await state.clear()
    try:
        case = await get_case(db, query.from_user.id, callback_data.case_id)
        await _show_full(query, db, case, t, tz)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)


async def _show_full(
    event: Message | CallbackQuery, db: AsyncSession, case: Case, t: Texts, tz: str, note: str = ""
) -> None:
    assert case.id is not None
    timeline = await list_entries(db, case.user_id, case.id)
    text = (note + "\n\n" if note else "") + full_timeline(case, timeline, t, tz)
    await show(event, text, timeline_keyboards.full(case.id, timeline, t))


async def on_kind(
    query: CallbackQuery,
    callback_data: TlKindCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
) -> None:
    if callback_data.kind not in timeline_keyboards.LOGGABLE:
        await query.answer(t("button.expired"), show_alert=True)
        return
    try:
        case = await get_case(db, query.from_user.id, callback_data.case_id)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return
    await state.set_state(LogStep.pick)
    await state.set_data(
        {"case_id": case.id, "kind": callback_data.kind, "fields": {}, "answered": []}
    )
    await _ask_next(query, state, t)


async def _ask_next(event: Message | CallbackQuery, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    question = _next_question(data)
    kind = t(f"timeline.kind.{data['kind']}")
    if question is None:
        await state.update_data(asking=AT)
        prompt = t("timeline.ask.at", kind=kind)
        await show(event, prompt, timeline_keyboards.typed(t, now=True))
        return
    await state.update_data(asking=question.field)
    prompt = t(f"timeline.ask.{question.field}", kind=kind)
    if question.choices is not None:
        markup = timeline_keyboards.options(question.field, question.choices, t)
    else:
        markup = timeline_keyboards.typed(t, skip=question.kind == "reference")
    await show(event, prompt, markup)


def _question(data: dict[str, Any]) -> Question | None:
    asking = data.get("asking")
    kind = data.get("kind")
    if kind not in EntryKind._value2member_map_:
        return None
    return next((q for q in QUESTIONS.get(EntryKind(kind), ()) if q.field == asking), None)


async def on_option(
    query: CallbackQuery,
    callback_data: TlOptCb,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    data = await state.get_data()
    value = callback_data.value
    if await state.get_state() != LogStep.pick.state:
        await query.answer(t("button.expired"), show_alert=True)
        return
    if data.get("asking") == AT and value == "now":
        await _finish(query, state, db, user, t, tz, now, now, reminder_ticker)
        return
    question = _question(data)
    if question is None:
        await query.answer(t("button.expired"), show_alert=True)
        return
    if question.choices is not None and value in question.choices._value2member_map_:
        data["fields"][question.field] = value
    elif not (question.kind == "reference" and value == "skip"):
        await query.answer(t("button.expired"), show_alert=True)
        return
    await state.update_data(fields=data["fields"], answered=[*data["answered"], question.field])
    await _ask_next(query, state, t)


async def on_typed(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    """A time, an amount or a number typed where the dialog asks for one; else say what to do."""
    data = await state.get_data()
    text = message.text or ""
    if data.get("asking") == AT:
        try:
            at = parse_moment(text, now, tz).at
        except DateError as err:
            await _retry(message, t(f"input.date.{err.code}"), t, now=True)
            return
        await _finish(message, state, db, user, t, tz, now, at, reminder_ticker)
        return
    question = _question(data)
    if question is None or question.kind == "choice":
        await message.answer(t("timeline.use_buttons"))
        return
    try:
        value = _parse(question, text)
    except InputError as err:
        params = {k: escape(str(v)) for k, v in err.params.items()}
        await _retry(message, t(err.code, **params), t, skip=question.kind == "reference")
        return
    data["fields"][question.field] = value
    await state.update_data(fields=data["fields"], answered=[*data["answered"], question.field])
    await _ask_next(message, state, t)


def _parse(question: Question, text: str) -> int | str:
    """An amount in fen or a reference number; ``InputError`` with a catalog key."""
    if question.kind == "reference":
        reference = clean_text(text)
        if not reference or not has_words(reference) or len(reference) > MAX_REFERENCE:
            raise InputError("timeline.bad_reference", max=MAX_REFERENCE)
        return reference
    try:
        return parse_amount(text)
    except AmountError as err:
        if err.code == "zero" and question.field == "amount_recovered_fen":
            return 0  # gave up, or got something other than money back
        raise InputError(f"input.amount.{err.code}") from err


async def _retry(
    message: Message, problem: str, t: Texts, *, now: bool = False, skip: bool = False
) -> None:
    text = problem + "\n" + t("timeline.try_again")
    await message.answer(text, reply_markup=timeline_keyboards.typed(t, now=now, skip=skip))


async def _finish(
    event: Message | CallbackQuery,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    at: datetime,
    ticker: ReminderTicker | None,
) -> None:
    data = await state.get_data()
    try:
        entry = TimelineEntry.from_dict({**data["fields"], "kind": data["kind"], "at": at})
        logged = await add_entry(db, user.id, int(data["case_id"]), entry, now)
        case = await get_case(db, user.id, int(data["case_id"]))
    except NotFound:
        await state.clear()
        await _say(event, t("case.not_found"), t)
        return
    except (ValueError, KeyError):
        await state.clear()
        await _say(event, t("button.expired"), t)
        return
    await state.clear()
    await wake_reminders(db, user.id, ticker)
    note = t("timeline.logged", entry=entry_line(logged.entry, t, tz))
    if entry.kind is EntryKind.RESOLVED and case.status == CaseStatus.OPEN:
        note += "\n" + t("timeline.resolved_close_hint")
    card = render.case_card(case, t, tz) + "\n\n" + card_section(case, t, tz, now)
    await show(event, note + "\n\n" + card, keyboards.case_card(case, t))


async def _say(event: Message | CallbackQuery, text: str, t: Texts) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text, reply_markup=keyboards.main_menu(t))


async def on_delete(
    query: CallbackQuery,
    callback_data: TlDelCb,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    reminder_ticker: ReminderTicker | None = None,
) -> None:
    try:
        row = await get_entry(db, user.id, callback_data.entry_id)
        entry = TimelineEntry.from_dict(json.loads(row.data))
        if callback_data.action == "ask":
            text = t("timeline.delete_confirm", entry=entry_line(entry, t, tz))
            markup = timeline_keyboards.confirm_delete(row.case_id, callback_data.entry_id, t)
            await show(query, text, markup)
            return
        if callback_data.action != "yes":
            await query.answer(t("button.expired"), show_alert=True)
            return
        case = await delete_entry(db, user.id, callback_data.entry_id, now)
    except NotFound:
        await query.answer(t("timeline.not_found"), show_alert=True)
        return
    await wake_reminders(db, user.id, reminder_ticker)
    note = t("timeline.deleted", entry=entry_line(entry, t, tz))
    await _show_full(query, db, case, t, tz, note)
