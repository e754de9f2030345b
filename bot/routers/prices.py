"""Price protection (价保): "/price 79", "现在只要79了" or a screenshot captioned with the price;
the price screen of a case (history, window, watch), watching a product page, the chart and
the claim draft.

A price typed in free text is only taken for a report when the shopper has an open case with
价保 (a price-drop case or a 价保 promise) and the text says the price is now lower
("现在", "只要", "降到", "now" …); anything else goes on to intake.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import price_view as view
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.price_callbacks import PriceCb, PriceInput
from bot.render import deadline_moment
from bot.reply import show
from bot.states import Intake
from shopguard.cases import get_case
from shopguard.complaints import chat_messages
from shopguard.db.models import Case, User
from shopguard.errors import NotFound
from shopguard.price_chart import ChartPoint, render_price_chart
from shopguard.price_claim import claim_draft
from shopguard.price_protection import (
    get_watch,
    lowest_reported,
    paid_unit_fen,
    price_history,
    protected_case,
    protection_window,
    report_price,
    start_watch,
    stop_watch,
)
from shopguard.prices import PriceFound, ReportError, parse_reported_price
from shopguard.timezones import to_local

_CUE = re.compile(
    r"现在|目前|现价|只要|只卖|仅需|降到|降至|降价|降了|跌到|便宜|到手|价保|"
    r"\bnow\b|\bdropped\b|\bdown to\b|\bprice\b",
    re.IGNORECASE,
)
# no spaces and no control characters (a NUL cannot even be stored on PostgreSQL)
_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)
MAX_URL = 2000


def router(*, free_text: bool = True) -> Router:
    r = Router(name="prices")
    r.message.register(on_price_command, Command("price"))
    r.callback_query.register(on_screen, PriceCb.filter(F.action == "show"))
    r.callback_query.register(on_ask_price, PriceCb.filter(F.action == "report"))
    r.callback_query.register(on_ask_url, PriceCb.filter(F.action == "watch"))
    r.callback_query.register(on_unwatch, PriceCb.filter(F.action == "unwatch"))
    r.callback_query.register(on_chart, PriceCb.filter(F.action == "chart"))
    r.callback_query.register(on_claim, PriceCb.filter(F.action == "claim"))
    r.message.register(on_price_typed, PriceInput.amount, PLAIN_TEXT)
    r.message.register(on_url_typed, PriceInput.url, PLAIN_TEXT)
    if free_text:
        r.message.register(
            on_free_text, StateFilter(None, Intake.problem, Intake.confirm), PLAIN_TEXT, _reported
        )
        r.message.register(
            on_captioned_screenshot, StateFilter(None), F.photo | F.document, _captioned
        )
    return r


def _looks_like_report(text: str) -> PriceFound | None:
    body = unicodedata.normalize("NFKC", text)
    if len(body) > 200 or not _CUE.search(body):
        return None
    found = parse_reported_price(body)
    return found if isinstance(found, PriceFound) else None


async def _reported(message: Message, db: AsyncSession, user: User) -> dict[str, Any] | bool:
    price = _looks_like_report(message.text or "")
    if price is None:
        return False
    case = await protected_case(db, user.id)
    return {"price_case": case, "price": price} if case is not None else False


async def _captioned(message: Message, db: AsyncSession, user: User) -> dict[str, Any] | bool:
    text = message.caption or ""
    if text.lstrip().lower().startswith("/price"):
        text = "现在 " + text.lstrip()[6:]
    price = _looks_like_report(text)
    if price is None:
        return False
    case = await protected_case(db, user.id)
    return {"price_case": case, "price": price} if case is not None else False


async def _owned(query: CallbackQuery, db: AsyncSession, case_id: int, t: Texts) -> Case | None:
    try:
        return await get_case(db, query.from_user.id, case_id)
    except NotFound:
        await query.answer(t("case.not_found"), show_alert=True)
        return None


# --- reporting a price -------------------------------------------------------------------------


async def on_price_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    await state.clear()
    case = await protected_case(db, user.id)
    if case is None:
        await message.answer(t("price.no_case"))
        return
    assert case.id is not None
    args = (command.args or "").strip()
    if not args:
        await _show_screen(message, db, user, case, t, tz, now)
    elif _URL.match(args):
        await _watch(message, state, db, user, case, args, t, tz, now)
    else:
        await _report(message, state, db, user, case, args, t, tz, now)


async def on_free_text(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    price_case: Case,
    price: PriceFound,
) -> None:
    await state.clear()
    await _answer_report(message, db, user, price_case, price, t, tz, now)


async def on_captioned_screenshot(
    message: Message,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
    price_case: Case,
    price: PriceFound,
) -> None:
    """The price goes into the history; the screenshot itself goes on to the evidence locker."""
    await _answer_report(message, db, user, price_case, price, t, tz, now)
    raise SkipHandler


async def _ask(
    query: CallbackQuery,
    callback_data: PriceCb,
    state: FSMContext,
    db: AsyncSession,
    t: Texts,
    awaiting: State,
    prompt: str,
) -> None:
    """Start a one-answer dialog about the shopper's own case."""
    case = await _owned(query, db, callback_data.case_id, t)
    if case is None:
        return
    await state.set_state(awaiting)
    await state.update_data(case_id=case.id)
    await show(query, t(prompt), view.prompt_keyboard(callback_data.case_id, t))


async def _answered_case(
    message: Message, state: FSMContext, db: AsyncSession, user: User, t: Texts
) -> Case | None:
    """The case a typed answer belongs to; gone (deleted meanwhile) ends the dialog."""
    case = await _dialog_case(state, db, user)
    if case is None:
        await state.clear()
        await message.answer(t("case.not_found"))
    return case


async def on_ask_price(
    query: CallbackQuery, callback_data: PriceCb, state: FSMContext, db: AsyncSession, t: Texts
) -> None:
    await _ask(query, callback_data, state, db, t, PriceInput.amount, "price.ask_price")


async def on_price_typed(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    case = await _answered_case(message, state, db, user, t)
    if case is not None:
        await _report(message, state, db, user, case, message.text or "", t, tz, now)


async def _dialog_case(state: FSMContext, db: AsyncSession, user: User) -> Case | None:
    case_id = (await state.get_data()).get("case_id")
    try:
        return await get_case(db, user.id, int(case_id or 0))
    except NotFound:
        return None


async def _report(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    case: Case,
    text: str,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    """A typed price; one that cannot be read is explained and asked again."""
    assert case.id is not None
    found = parse_reported_price(text)
    if isinstance(found, ReportError) or not found.comparable:
        key = "other_currency" if isinstance(found, PriceFound) else found.code
        await state.set_state(PriceInput.amount)
        await state.update_data(case_id=case.id)
        await message.answer(
            t(f"price.bad.{key}") + "\n" + t("price.try_again"),
            reply_markup=view.prompt_keyboard(case.id, t),
        )
        return
    await state.clear()
    await _answer_report(message, db, user, case, found, t, tz, now)


async def _answer_report(
    message: Message,
    db: AsyncSession,
    user: User,
    case: Case,
    price: PriceFound,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    assert case.id is not None
    report = await report_price(db, user.id, case.id, price, now, tz)
    markup: InlineKeyboardMarkup
    if report.kind == "refund":
        markup = view.claim_keyboard(case.id, t)
    elif report.kind in ("no_window", "no_paid_price"):
        markup = view.edit_keyboard(case.id, t)
    else:
        markup = view.screen_keyboard(case, await get_watch(db, user.id, case.id), t)
    await message.answer(view.report_text(report, t, tz, now), reply_markup=markup)


# --- the price screen, the chart and the claim ---------------------------------------------------


async def on_screen(
    query: CallbackQuery,
    callback_data: PriceCb,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    case = await _owned(query, db, callback_data.case_id, t)
    if case is None:
        return
    await state.clear()
    await _show_screen(query, db, user, case, t, tz, now)


async def _show_screen(
    event: Message | CallbackQuery,
    db: AsyncSession,
    user: User,
    case: Case,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    assert case.id is not None
    history = await price_history(db, user.id, case.id)
    watch = await get_watch(db, user.id, case.id)
    text = view.screen_text(case, history, watch, t, tz, now)
    await show(event, text, view.screen_keyboard(case, watch, t))


async def on_chart(
    query: CallbackQuery,
    callback_data: PriceCb,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    case = await _owned(query, db, callback_data.case_id, t)
    if case is None:
        return
    assert case.id is not None
    paid = paid_unit_fen(case)
    if paid is None:
        await query.answer(t("price.need_paid"), show_alert=True)
        return
    history = await price_history(db, user.id, case.id)
    points = [
        ChartPoint(row.at, row.amount_fen if row.currency in (None, "CNY") else None)
        for row in history
    ]
    window = protection_window(case, tz)
    png = render_price_chart(
        paid,
        points,
        window_end=window.due_at if window else None,
        now=now,
        tz=tz,
        title=f"Case #{case.number} price history",
    )
    await query.answer()
    if isinstance(query.message, Message):
        name = f"shopguard-price-{case.number}-{to_local(now, tz):%Y%m%d}.png"
        await query.message.answer_photo(
            BufferedInputFile(png, filename=name), caption=t("price.chart_caption")
        )


async def on_claim(
    query: CallbackQuery,
    callback_data: PriceCb,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    case = await _owned(query, db, callback_data.case_id, t)
    if case is None:
        return
    lowest = await lowest_reported(db, case)
    draft = None
    if lowest is not None and lowest.amount_fen is not None and paid_unit_fen(case):
        language = t.language.value
        draft = claim_draft(case, lowest.amount_fen, lowest.at, now=now, language=language, tz=tz)
    if draft is None:
        await query.answer(t("price.no_claim"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.answer(t("price.claim_intro"))
    for part in chat_messages(draft.text):
        await query.message.answer(f"<code>{escape(part)}</code>")
    if draft.notes:
        await query.message.answer("\n".join(escape(note) for note in draft.notes))


# --- watching a product page -------------------------------------------------------------------


async def on_ask_url(
    query: CallbackQuery, callback_data: PriceCb, state: FSMContext, db: AsyncSession, t: Texts
) -> None:
    await _ask(query, callback_data, state, db, t, PriceInput.url, "price.ask_url")


async def on_url_typed(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    case = await _answered_case(message, state, db, user, t)
    if case is not None:
        await _watch(message, state, db, user, case, (message.text or "").strip(), t, tz, now)


async def _watch(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    user: User,
    case: Case,
    url: str,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    assert case.id is not None
    if not _URL.match(url) or len(url) > MAX_URL:
        await state.set_state(PriceInput.url)
        await state.update_data(case_id=case.id)
        await message.answer(
            t("price.bad_url") + "\n" + t("price.try_again"),
            reply_markup=view.prompt_keyboard(case.id, t),
        )
        return
    await state.clear()
    window = protection_window(case, tz)
    if window is None or paid_unit_fen(case) is None:
        text = view.no_window_text(case, t, tz) if window is None else t("price.need_paid")
        await message.answer(text, reply_markup=view.edit_keyboard(case.id, t))
        return
    if now >= window.due_at:
        await message.answer(
            t("price.window_ended", end=deadline_moment(window.due_at, tz)),
            reply_markup=view.screen_keyboard(case, await get_watch(db, user.id, case.id), t),
        )
        return
    watch = await start_watch(db, user.id, case.id, url, now)
    await message.answer(
        t(
            "price.watch_started",
            url=escape(url),
            end=deadline_moment(window.due_at, tz),
        ),
        reply_markup=view.screen_keyboard(case, watch, t),
    )


async def on_unwatch(
    query: CallbackQuery,
    callback_data: PriceCb,
    db: AsyncSession,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    case = await _owned(query, db, callback_data.case_id, t)
    if case is None:
        return
    assert case.id is not None
    stopped = await stop_watch(db, user.id, case.id)
    if not stopped:
        await query.answer(t("price.not_watching"), show_alert=True)
        return
    await _show_screen(query, db, user, case, t, tz, now)
