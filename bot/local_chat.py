"""A conversation with the real Dispatcher, in-process: type text, press buttons, attach files.

Used by the console mode and by the conversation tests, so both exercise exactly what a
Telegram user would.
"""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.types import (
    CallbackQuery,
    Chat,
    Document,
    Message,
    PhotoSize,
    Update,
    User,
    Video,
    Voice,
)

from bot.local_session import BOT_USER, LocalSession, Outgoing

_UPDATE_IDS = itertools.count(1)


class LocalChat:
    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        user_id: int = 1,
        first_name: str = "Shopper",
        language_code: str | None = "zh-hans",
        session: LocalSession | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.session = session or LocalSession()
        self.bot = Bot(
            token="100000:LOCAL",
            session=self.session,
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        self.user = User(
            id=user_id, is_bot=False, first_name=first_name, language_code=language_code
        )
        self.chat = Chat(id=user_id, type="private")
        self._update_ids = _UPDATE_IDS  # unique per bot, as Telegram's are
        self._message_ids = itertools.count(1_000_000)
        self._file_ids = itertools.count(1)
        self.last_markup_message: Outgoing | None = None

    def as_user(self, user_id: int, language_code: str | None = "zh-hans") -> LocalChat:
        """Another shopper on the same bot and session (for ownership tests)."""
        other = LocalChat(
            self.dispatcher, user_id=user_id, language_code=language_code, session=self.session
        )
        other._file_ids = self._file_ids
        return other

    async def _feed(self, update: Update) -> list[Outgoing]:
        start = len(self.session.sent)
        await self.dispatcher.feed_update(self.bot, update)
        replies = [out for out in self.session.sent[start:] if out.chat_id in (None, self.chat.id)]
        for out in replies:
            if out.markup is not None and out.markup.inline_keyboard:
                self.last_markup_message = out
        return replies

    def _message(self, **fields: object) -> Message:
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            **fields,
        )

    async def send(self, text: str) -> list[Outgoing]:
        update = Update(update_id=next(self._update_ids), message=self._message(text=text))
        return await self._feed(update)

    async def press_data(self, data: str, message_id: int | None = None) -> list[Outgoing]:
        """Press a button with the given callback data — real or forged."""
        shown = self.last_markup_message
        mid = message_id or (shown.message_id if shown and shown.message_id else 1)
        query = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=self.user,
            chat_instance=str(self.chat.id),
            data=data,
            message=Message(
                message_id=mid,
                date=datetime.now(UTC),
                chat=self.chat,
                from_user=BOT_USER,
                text=shown.text if shown else "",
            ),
        )
        return await self._feed(Update(update_id=next(self._update_ids), callback_query=query))

    def buttons(self) -> list[tuple[str, str]]:
        return self.last_markup_message.buttons() if self.last_markup_message else []

    async def press(self, label: str) -> list[Outgoing]:
        """Press the button whose text contains ``label`` on the latest keyboard."""
        for text, data in self.buttons():
            if label in text:
                return await self.press_data(data)
        raise LookupError(f"no button {label!r} among {[t for t, _ in self.buttons()]}")

    async def attach(self, path: Path, caption: str | None = None) -> list[Outgoing]:
        data = path.read_bytes()
        return await self.send_document(data, path.name, caption=caption)

    async def send_content(self, **fields: object) -> list[Outgoing]:
        """Any message content (a sticker, a location …) as a user message."""
        message = self._message(**fields)
        return await self._feed(Update(update_id=next(self._update_ids), message=message))

    def _file(self, data: bytes, unique_id: str | None, size: int | None) -> dict[str, Any]:
        """Make ``data`` downloadable; ``size`` may claim more than the bytes held.

        The same bytes get the same ``file_unique_id`` (as a file sent again does in Telegram)
        unless ``unique_id`` says otherwise; every message gets its own ``file_id``.
        """
        unique = unique_id or hashlib.sha256(data).hexdigest()[:32]
        file_id = f"local-{next(self._file_ids)}-{unique}"
        self.session.files[file_id] = data
        if size is not None:
            self.session.announced_sizes[file_id] = size
        return {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_size": len(data) if size is None else size,
        }

    async def send_document(
        self,
        data: bytes,
        name: str | None,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        group: str | None = None,
        unique_id: str | None = None,
        size: int | None = None,
    ) -> list[Outgoing]:
        mime = mime_type or mimetypes.guess_type(name or "")[0] or "application/octet-stream"
        document = Document(file_name=name, mime_type=mime, **self._file(data, unique_id, size))
        return await self.send_content(document=document, caption=caption, media_group_id=group)

    async def send_photo(
        self,
        data: bytes,
        *,
        caption: str | None = None,
        group: str | None = None,
        unique_id: str | None = None,
        size: int | None = None,
    ) -> list[Outgoing]:
        """A compressed Telegram photo: a thumbnail and the full size, smallest first."""
        thumb = PhotoSize(file_id="thumb", file_unique_id="thumb", width=90, height=68)
        full = PhotoSize(width=1280, height=960, **self._file(data, unique_id, size))
        return await self.send_content(photo=[thumb, full], caption=caption, media_group_id=group)

    async def send_video(
        self,
        data: bytes,
        name: str | None = "video.mp4",
        *,
        duration: int = 30,
        caption: str | None = None,
        group: str | None = None,
        unique_id: str | None = None,
        size: int | None = None,
    ) -> list[Outgoing]:
        video = Video(
            width=1280,
            height=720,
            duration=duration,
            file_name=name,
            mime_type="video/mp4",
            **self._file(data, unique_id, size),
        )
        return await self.send_content(video=video, caption=caption, media_group_id=group)

    async def send_voice(
        self, data: bytes, *, duration: int = 5, caption: str | None = None
    ) -> list[Outgoing]:
        voice = Voice(duration=duration, mime_type="audio/ogg", **self._file(data, None, None))
        return await self.send_content(voice=voice, caption=caption)
