"""Telegram's side of evidence files: what a message carries, downloading it as a stream of
chunks for the store, and showing a stored file again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, Message

from bot.evidence_context import EvidenceLocker
from shopguard.db.models import EvidenceItem
from shopguard.evidence.kinds import Media
from shopguard.evidence.limits import NotStored
from shopguard.evidence.source import DEFAULT_CHUNK, FileUnavailable, IncomingFile

log = logging.getLogger("shopguard.evidence")

DOWNLOAD_TIMEOUT = 600  # seconds for one file: 20 MB over a slow link


def incoming_from_message(message: Message) -> IncomingFile | None:
    """The file a message carries, as the core describes it; None for anything else."""
    common = {"caption": message.caption, "group": message.media_group_id}
    if message.photo:
        best = message.photo[-1]  # Telegram lists the sizes smallest first
        return IncomingFile(
            Media.PHOTO,
            best.file_id,
            best.file_unique_id,
            None,
            "image/jpeg",
            best.file_size,
            **common,
        )
    for media, attachment in (
        (Media.DOCUMENT, message.document),
        (Media.VIDEO, message.video),
        (Media.ANIMATION, message.animation),
        (Media.AUDIO, message.audio),
        (Media.VOICE, message.voice),
        (Media.VIDEO_NOTE, message.video_note),
    ):
        if attachment is None:
            continue
        return IncomingFile(
            media,
            attachment.file_id,
            attachment.file_unique_id,
            getattr(attachment, "file_name", None),
            getattr(attachment, "mime_type", None),
            attachment.file_size,
            getattr(attachment, "duration", None),
            **common,
        )
    return None


class TelegramFileSource:
    """Streams a file through the Bot API (or straight from disk with a local Bot API server).

    Failures become ``FileUnavailable``: "file is too big" means the download limit, anything
    else means "try again later" — the core then keeps the file by reference.
    """

    def __init__(self, bot: Bot, file_id: str, chunk_size: int = DEFAULT_CHUNK) -> None:
        self.bot = bot
        self.file_id = file_id
        self.chunk_size = chunk_size

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            file = await self.bot.get_file(self.file_id)
        except TelegramBadRequest as err:
            too_big = "too big" in err.message.lower()
            reason = NotStored.DOWNLOAD_LIMIT if too_big else NotStored.UNAVAILABLE
            raise FileUnavailable(reason) from err
        except Exception as err:
            log.warning("getFile failed: %s", err)
            raise FileUnavailable(NotStored.UNAVAILABLE) from err
        if not file.file_path:
            raise FileUnavailable(NotStored.UNAVAILABLE)
        try:
            async for chunk in self._stream(file.file_path):
                yield chunk
        except FileUnavailable:
            raise
        except Exception as err:
            log.warning("download failed: %s", err)
            raise FileUnavailable(NotStored.UNAVAILABLE) from err

    def _stream(self, file_path: str) -> AsyncIterator[bytes]:
        api = self.bot.session.api
        if api.is_local:
            return _read_local(Path(api.wrap_local_file.to_local(file_path)), self.chunk_size)
        return self.bot.session.stream_content(
            url=api.file_url(self.bot.token, file_path),
            timeout=DOWNLOAD_TIMEOUT,
            chunk_size=self.chunk_size,
            raise_for_status=True,
        )


async def _read_local(path: Path, chunk_size: int) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, chunk_size):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


async def resend(
    bot: Bot, chat_id: int, item: EvidenceItem, caption: str, locker: EvidenceLocker
) -> None:
    """Show the file again the way it was sent; upload the stored copy if Telegram lost it."""
    try:
        await _send(bot, chat_id, item.media, item.file_id, caption)
        return
    except TelegramBadRequest:
        if item.sha256 is None or not locker.store.exists(item.user_id, item.sha256):
            raise
    stored = FSInputFile(
        locker.store.path(item.user_id, item.sha256), filename=item.file_name or "evidence"
    )
    await bot.send_document(chat_id, stored, caption=caption)


async def _send(bot: Bot, chat_id: int, media: str, file: str, caption: str) -> None:
    if media == Media.PHOTO:
        await bot.send_photo(chat_id, file, caption=caption)
    elif media == Media.VIDEO:
        await bot.send_video(chat_id, file, caption=caption)
    elif media == Media.VIDEO_NOTE:
        await bot.send_video_note(chat_id, file)  # round videos take no caption
        await bot.send_message(chat_id, caption)
    elif media == Media.ANIMATION:
        await bot.send_animation(chat_id, file, caption=caption)
    elif media == Media.VOICE:
        await bot.send_voice(chat_id, file, caption=caption)
    elif media == Media.AUDIO:
        await bot.send_audio(chat_id, file, caption=caption)
    else:
        await bot.send_document(chat_id, file, caption=caption)
