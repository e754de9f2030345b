"""Complaint drafts from a case card: pick a channel, answer only what that channel needs and
the case lacks, pick a demand and a reply deadline, then preview, edit, regenerate and export
(chat messages, copy-ready form fields, condensed ticket texts, a .txt file)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import complaint_view as view
from bot.complaint_callbacks import CpCaseCb, CpDraftCb, CpVersionCb
from bot.filters import PLAIN_TEXT
from bot.i18n import Texts
from bot.render import moment
from bot.reply import alert
from shopguard import complaint_drafts as drafts
from shopguard.cases import get_case, latest_open_case
from shopguard.complaints import (
    Channel,
    chat_messages,
    export_filename,
    export_text,
    mask,
    suggest_reply_by,
)
from shopguard.dates import DateError, parse_moment
from shopguard.db.models import ComplaintDraft, User
from shopguard.errors import InputError, NotFound
from shopguard.money import format_fen
from shopguard.timezones import to_local

PART_LIMIT = 4000  # under Telegram's 4096, with room for a part marker


class ComplaintInput(StatesGroup):
    value = State()


def router() -> Router:
    r = Router(name="complaints")
    r.message.register(on_command, Command("complaint"))
    r.callback_query.register(on_case, CpCaseCb.filter())
    r.callback_query.register(on_draft, CpDraftCb.filter())
    r.callback_query.register(on_version, CpVersionCb.filter())
    r.message.register(on_typed, StateFilter(ComplaintInput.value), PLAIN_TEXT)
    return r


async def _send(
    bot: Bot, user_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    await bot.send_message(user_id, text, reply_markup=markup)


def error_text(t: Texts, err: InputError) -> str:
    params = dict(err.params)
    if err.code == "demand.amount_range":
        params["max"] = format_fen(int(params["max"]))
    return t(f"input.{err.code}", **params)


async def on_command(
    message: Message, state: FSMContext, db: AsyncSession, user: User, t: Texts
) -> None:
    await state.clear()
    case = None
    if user.active_case_id is not None:
        try:
            case = await get_case(db, user.id, user.active_case_id)
        except NotFound:
            case = None
    case = case or await latest_open_case(db, user.id)
    if case is None or case.id is None:
        await message.answer(t("complaint.no_case"))
        return
    text, markup = view.channels(t, case.id)
    await message.answer(text, reply_markup=markup)


async def on_case(
    query: CallbackQuery,
    callback_data: CpCaseCb,
    state: FSMContext,
    db: AsyncSession,
    bot: Bot,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    user_id = query.from_user.id
    try:
        if callback_data.action == "open" and callback_data.channel in {c.value for c in Channel}:
            draft = await drafts.open_draft(
                db, user_id, callback_data.case_id, callback_data.channel, now
            )
            await query.answer()
            await state.clear()
            await advance(bot, state, db, draft, t, tz, now)
            return
        await get_case(db, user_id, callback_data.case_id)
    except NotFound:
        await alert(query, t("case.not_found"))
        return
    await query.answer()
    text, markup = view.channels(t, callback_data.case_id)
    await _send(bot, user_id, text, markup)


async def advance(
    bot: Bot,
    state: FSMContext,
    db: AsyncSession,
    draft: ComplaintDraft,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    """Ask the next thing the draft needs, or show the preview when nothing is left."""
    key = await drafts.next_question(db, draft)
    if key is None:
        await show_preview(bot, db, draft, t, tz, now)
    else:
        await ask(bot, state, db, draft, key, t, tz, now)


async def ask(
    bot: Bot,
    state: FSMContext,
    db: AsyncSession,
    draft: ComplaintDraft,
    key: str,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    assert draft.id is not None
    if key == "demand":
        await state.clear()
        text, markup = view.demand_choice(t, draft, await drafts.options(db, draft))
        await _send(bot, draft.user_id, text, markup)
        return
    suggestion = None
    if key == "reply_by":
        case = await drafts.case_of(db, draft)
        at = suggest_reply_by(Channel(draft.channel), case.platform, now)
        suggestion = moment(at, tz, t) if at is not None else None
    await state.set_state(ComplaintInput.value)
    await state.update_data(cp_draft=draft.id, cp_ask=key)
    text, markup = view.question(t, draft, key, suggestion)
    await _send(bot, draft.user_id, text, markup)


async def show_preview(
    bot: Bot, db: AsyncSession, draft: ComplaintDraft, t: Texts, tz: str, now: datetime
) -> None:
    """Render from the case as it is now (a changed text is a new version) and show it."""
    assert draft.id is not None
    draft, rendered, version = await drafts.refresh(db, draft.user_id, draft.id, now, tz)
    for part in chat_messages(rendered.text, PART_LIMIT):
        await _send(bot, draft.user_id, escape(part))
    count = len(await drafts.versions(db, draft.user_id, draft.id))
    header = view.preview_header(t, draft, rendered, version)
    await _send(bot, draft.user_id, header, view.preview_keyboard(t, draft, rendered, count))


async def on_draft(
    query: CallbackQuery,
    callback_data: CpDraftCb,
    state: FSMContext,
    db: AsyncSession,
    bot: Bot,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    user_id, action, value = query.from_user.id, callback_data.action, callback_data.value
    try:
        draft = await drafts.get_draft(db, user_id, callback_data.draft_id)
        await query.answer()
        if action in ("demand", "reply", "reset", "lang", "mask", "regen", "show"):
            await state.clear()
        if action == "demand":
            draft = await drafts.choose_demand(db, user_id, draft.id or 0, value, now)
            await advance(bot, state, db, draft, t, tz, now)
        elif action == "reply":
            at = None
            if value == "suggested":
                case = await drafts.case_of(db, draft)
                at = suggest_reply_by(Channel(draft.channel), case.platform, now)
            draft = await drafts.set_reply_by(db, user_id, draft.id or 0, at, now)
            await advance(bot, state, db, draft, t, tz, now)
        elif action == "ask" and (value in view.ASKED_HERE or value == "demand"):
            await ask(bot, state, db, draft, value, t, tz, now)
        elif action == "edit" and value in ("problem", "demand"):
            await state.set_state(ComplaintInput.value)
            await state.update_data(cp_draft=draft.id, cp_ask=value)
            text, markup = view.question(t, draft, value, None)
            await _send(bot, user_id, text, markup)
        elif action == "reset" and value in ("problem", "demand"):
            draft = await drafts.set_wording(db, user_id, draft.id or 0, value, None, now)
            await show_preview(bot, db, draft, t, tz, now)
        elif action == "lang":
            draft = await drafts.set_options(db, user_id, draft.id or 0, now, language=value)
            await show_preview(bot, db, draft, t, tz, now)
        elif action == "mask":
            draft = await drafts.set_options(db, user_id, draft.id or 0, now, masked=value == "1")
            await show_preview(bot, db, draft, t, tz, now)
        elif action in ("regen", "show"):
            await advance(bot, state, db, draft, t, tz, now)
        elif action == "versions":
            versions = await drafts.versions(db, user_id, draft.id or 0)
            text, markup = view.version_list(t, draft, versions, tz)
            await _send(bot, user_id, text, markup)
        elif action in ("chat", "fields", "short", "txt"):
            await export(bot, db, draft, action, t, tz, now)
    except NotFound:
        await alert(query, t("complaint.not_found"))
    except InputError as err:
        await _send(bot, user_id, error_text(t, err))


async def export(
    bot: Bot, db: AsyncSession, draft: ComplaintDraft, how: str, t: Texts, tz: str, now: datetime
) -> None:
    rendered = await drafts.render(db, draft, now, tz, masked=draft.masked)
    user_id = draft.user_id
    if how == "chat":
        for part in chat_messages(rendered.text, PART_LIMIT):
            await _send(bot, user_id, escape(part))
    elif how == "fields":
        for field in rendered.fields:
            for part in chat_messages(field.value, PART_LIMIT - 200):
                await _send(bot, user_id, f"<b>【{escape(field.label)}】</b>\n{escape(part)}")
    elif how == "short":
        for condensed in rendered.condensed:
            head = t("complaint.condensed", limit=condensed.limit)
            await _send(bot, user_id, f"<b>{head}</b>\n{escape(condensed.text)}")
    else:
        case = await drafts.case_of(db, draft)
        day = to_local(now, tz).date()
        name = export_filename(case.order_no, draft.channel, day)
        data = export_text(rendered).encode("utf-8")
        await bot.send_document(
            user_id, BufferedInputFile(data, filename=name), caption=t("complaint.txt_caption")
        )


async def on_version(
    query: CallbackQuery,
    callback_data: CpVersionCb,
    db: AsyncSession,
    bot: Bot,
    t: Texts,
) -> None:
    """Send an old version again, as chat messages (masked when the draft's toggle is on)."""
    user_id = query.from_user.id
    try:
        version = await drafts.get_version(db, user_id, callback_data.version_id)
        draft = await drafts.get_draft(db, user_id, version.draft_id)
    except NotFound:
        await alert(query, t("complaint.not_found"))
        return
    await query.answer()
    text = version.text
    if draft.masked:
        case = await drafts.case_of(db, draft)
        profile = await drafts.get_profile(db, user_id)
        addresses = [profile.address] if profile and profile.address else []
        keep = [v for v in (case.order_no, case.live_room_id) if v]
        text = mask(text, addresses=addresses, keep=keep)
    await _send(bot, user_id, t("complaint.resent", number=version.number))
    for part in chat_messages(text, PART_LIMIT):
        await _send(bot, user_id, escape(part))


async def on_typed(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    bot: Bot,
    user: User,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    data = await state.get_data()
    draft_id, key = int(data.get("cp_draft", 0)), str(data.get("cp_ask", ""))
    text = message.text or ""
    try:
        draft = await drafts.get_draft(db, user.id, draft_id)
        await _apply(db, draft, key, text, tz, now)
    except NotFound:
        await state.clear()
        await message.answer(t("complaint.not_found"))
        return
    except InputError as err:
        await message.answer(error_text(t, err) + "\n" + t("edit.try_again"))
        return
    await state.clear()
    await message.answer(t("complaint.saved"))
    draft = await drafts.get_draft(db, user.id, draft_id)
    await advance(bot, state, db, draft, t, tz, now)


async def _apply(
    db: AsyncSession, draft: ComplaintDraft, key: str, text: str, tz: str, now: datetime
) -> None:
    user_id, draft_id = draft.user_id, draft.id or 0
    if key in drafts.SELLER_FACTS:
        await drafts.set_seller_fact(db, user_id, draft.case_id, key, text, now)
    elif key.startswith("complainant."):
        await drafts.set_profile_field(db, user_id, key.removeprefix("complainant."), text, now)
    elif key == "demand.amount":
        await drafts.set_amount(db, user_id, draft_id, text, now)
    elif key == "reply_by":
        try:
            at = parse_moment(text, now, tz, allow_future=True).at
        except DateError as err:
            raise InputError(f"date.{err.code}") from err
        await drafts.set_reply_by(db, user_id, draft_id, at, now)
    elif key in ("problem", "demand"):
        await drafts.set_wording(db, user_id, draft_id, key, text, now)
    else:
        raise NotFound("complaint")
