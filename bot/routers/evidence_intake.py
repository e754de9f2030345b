"""Files arriving: into the case open in the conversation, or after asking which case; one
question per batch (an album is one batch) about what kind of evidence it is.

Each file of an album is saved as it arrives and the one question message is edited to list
them all. Files sent while no case is chosen wait in the dialog state (not yet downloaded)
until the shopper picks the case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot import evidence_render as er
from bot import keyboards
from bot.callbacks import MenuCb
from bot.evidence_callbacks import EvPendingCb
from bot.evidence_context import EvidenceLocker
from bot.i18n import Texts
from bot.reply import alert, show
from bot.routers.evidence_batch import (
    BATCH,
    PENDING,
    batch_view,
    forget,
    new_batch,
    notes_text,
)
from bot.routers.evidence_telegram import TelegramFileSource, incoming_from_message
from shopguard.cases import list_cases
from shopguard.db.models import Case, EvidenceItem
from shopguard.errors import InputError, NotFound
from shopguard.evidence import services
from shopguard.evidence.kinds import Media
from shopguard.evidence.source import IncomingFile

FILES = F.photo | F.video | F.document | F.voice | F.audio | F.animation | F.video_note
UNSUPPORTED = F.sticker | F.location | F.contact | F.venue | F.poll | F.dice


def register(r: Router) -> None:
    r.message.register(on_file, FILES)
    r.message.register(on_unsupported, UNSUPPORTED)
    r.callback_query.register(on_pending_case, EvPendingCb.filter())


async def on_file(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    locker: EvidenceLocker,
    bot: Bot,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    incoming = incoming_from_message(message)
    if incoming is None or message.from_user is None:
        return
    data = await state.get_data()
    if data.get(PENDING):
        await _wait_for_case(message, state, db, data[PENDING], incoming, t)
        return
    batch = data.get(BATCH)
    same_album = batch and incoming.group and batch.get("group") == incoming.group
    if not same_album:
        case = await services.active_case(db, message.from_user.id)
        if case is None:
            await _ask_for_case(message, state, db, incoming, t)
            return
        assert case.id is not None
        batch = new_batch(case.id, incoming.group)
    assert batch is not None
    saver = _Saver(db, locker, bot, message.from_user.id, t, tz, now)
    if not await saver.save(batch, incoming):
        await forget(state, BATCH)
        await message.answer(t("case.not_found"), reply_markup=keyboards.main_menu(t))
        return
    if incoming.group:  # the album's later files join this batch
        await state.update_data({BATCH: batch})
    else:  # a single file is a batch of its own: nothing to remember for the next one
        await forget(state, BATCH)
    # A batch begun by this file holds only what this update added: no need to read it back.
    known = None if same_album else saver.added
    await _show_batch(bot, message.chat.id, state, db, message.from_user.id, batch, t, known)


async def on_unsupported(message: Message, t: Texts) -> None:
    await message.answer(t("evidence.unsupported"))


class _Saver:
    """Saves files into a batch, collecting what the shopper should be told about each."""

    def __init__(
        self,
        db: AsyncSession,
        locker: EvidenceLocker,
        bot: Bot,
        user_id: int,
        t: Texts,
        tz: str,
        now: datetime,
    ) -> None:
        self.db, self.locker, self.bot, self.user_id = db, locker, bot, user_id
        self.t, self.tz, self.now = t, tz, now
        self.added: list[EvidenceItem] = []  # the new items, in the order they were saved

    async def save(self, batch: dict[str, Any], incoming: IncomingFile) -> bool:
        """False when the batch's case is gone; notes go into ``batch['notes']``."""
        caption = services.clean_description(incoming.caption or "")
        try:
            result = await services.add_evidence(
                self.db,
                self.locker.store,
                self.locker.limits,
                user_id=self.user_id,
                case_id=batch["case_id"],
                incoming=incoming,
                source=TelegramFileSource(self.bot, incoming.file_id),
                now=self.now,
                tz=self.tz,
                batch=batch["id"],
                description=caption or batch.get("caption"),
            )
        except NotFound:
            return False
        except InputError as err:
            batch["notes"].append([f"refused_{err.code}", {}])
            return True
        if incoming.media == Media.PHOTO:
            batch["compressed"] = True
        if result.duplicate:
            assert result.item.id is not None
            case, number, _ = await services.locate(self.db, self.user_id, result.item.id)
            batch["notes"].append(
                ["duplicate", {"case": case.number, "name": er.evidence_name(self.t, number)}]
            )
            return True
        self.added.append(result.item)
        if caption and not batch.get("caption"):
            batch["caption"] = caption
            await services.describe_batch(self.db, self.user_id, batch["id"], caption, self.now)
        return True


async def _show_batch(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    db: AsyncSession,
    user_id: int,
    batch: dict[str, Any],
    t: Texts,
    items: list[EvidenceItem] | None = None,
) -> None:
    """Send the batch's question once, then edit it as more files of the album arrive.

    ``items``: the batch's items when the caller knows them all, else they are read."""
    view = await batch_view(db, user_id, batch["id"], t, batch.get("notes", []), items)
    if view is None:  # nothing new was saved (duplicates, empty files): just say so
        await bot.send_message(chat_id, notes_text(batch.get("notes", [])[-1:], t))
        return
    text, markup = view
    if batch.get("compressed"):
        text += "\n\n" + t("evidence.tips.compressed")
    if batch.get("mid"):
        try:
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=batch["mid"], reply_markup=markup
            )
            return
        except TelegramBadRequest as err:
            if "not modified" in str(err):
                return
    sent = await bot.send_message(chat_id, text, reply_markup=markup)
    if batch.get("group"):  # only the later files of an album edit this message
        batch["mid"] = sent.message_id
        await state.update_data({BATCH: batch})


async def _ask_for_case(
    message: Message, state: FSMContext, db: AsyncSession, incoming: IncomingFile, t: Texts
) -> None:
    assert message.from_user is not None
    cases = (await list_cases(db, message.from_user.id)).cases  # open first, newest first
    if not cases:
        await message.answer(
            t("evidence.no_case"),
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[kb.button(t("menu.new"), MenuCb(action="new"))]]
            ),
        )
        return
    pending: dict[str, Any] = {"files": [incoming.to_data()]}
    sent = await message.answer(t("evidence.pick_case", count=1), reply_markup=_picker(t, cases))
    pending["mid"] = sent.message_id
    await state.update_data({PENDING: pending})


def _picker(t: Texts, cases: list[Case]) -> InlineKeyboardMarkup:
    return kb.case_picker(
        t, cases, lambda case: EvPendingCb(case_id=case.id or 0), EvPendingCb(case_id=0)
    )


async def _wait_for_case(
    message: Message,
    state: FSMContext,
    db: AsyncSession,
    pending: dict[str, Any],
    incoming: IncomingFile,
    t: Texts,
) -> None:
    """Another file while the case question is open: it joins the files waiting for it."""
    assert message.from_user is not None
    user_id = message.from_user.id
    pending["files"].append(incoming.to_data())
    await state.update_data({PENDING: pending})
    count = len(pending["files"])
    if pending.get("mid"):
        try:
            await message.bot.edit_message_text(  # type: ignore[union-attr]
                t("evidence.pick_case", count=count),
                chat_id=message.chat.id,
                message_id=pending["mid"],
                reply_markup=_picker(t, (await list_cases(db, user_id)).cases),
            )
            return
        except TelegramBadRequest:
            pass
    await message.answer(t("evidence.pick_case_waiting", count=count))


async def on_pending_case(
    query: CallbackQuery,
    callback_data: EvPendingCb,
    state: FSMContext,
    db: AsyncSession,
    locker: EvidenceLocker,
    bot: Bot,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    data = await state.get_data()
    pending = data.get(PENDING)
    if callback_data.case_id == 0:
        await forget(state, PENDING)
        await show(query, t("evidence.pending_dropped"), keyboards.main_menu(t))
        return
    if not pending:
        await alert(query, t("evidence.pending_expired"))
        return
    user_id = query.from_user.id
    try:
        await services.set_active_case(db, user_id, callback_data.case_id)
    except NotFound:
        await alert(query, t("case.not_found"))
        return
    await query.answer()
    batch = new_batch(callback_data.case_id, None)
    if query.message is not None:
        batch["mid"] = query.message.message_id
    saver = _Saver(db, locker, bot, user_id, t, tz, now)
    for raw in pending["files"]:
        await saver.save(batch, IncomingFile.from_data(raw))
    await forget(state, PENDING, BATCH)  # not an album: no later file joins this batch
    chat_id = query.message.chat.id if query.message else user_id
    await _show_batch(bot, chat_id, state, db, user_id, batch, t, saver.added)
