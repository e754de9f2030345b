"""An in-process Bot API session: answers the bot's calls itself and records them.

It drives the console chat and the conversation tests — the real Dispatcher, routers and
database, with no network in between.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendAnimation,
    SendAudio,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVideo,
    SendVideoNote,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    Document,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    User,
)

from bot.save_first import CommitBeforeSending

BOT_USER = User(id=100000, is_bot=True, first_name="ShopGuard", username="shopguard_bot")
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what the Bot API lets a bot download

MEDIA_FIELD: dict[type, str] = {
    SendPhoto: "photo",
    SendVideo: "video",
    SendVoice: "voice",
    SendAudio: "audio",
    SendAnimation: "animation",
    SendVideoNote: "video_note",
}
SEND_MEDIA = (SendPhoto, SendVideo, SendVoice, SendAudio, SendAnimation, SendVideoNote)


@dataclass
class Outgoing:
    """One thing the bot did: a message sent or edited, a document, a button answer."""

    method: str
    chat_id: int | None
    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    message_id: int | None = None
    document: bytes | None = None
    filename: str | None = None
    show_alert: bool = False

    def buttons(self) -> list[tuple[str, str]]:
        if self.markup is None:
            return []
        return [
            (button.text, button.callback_data or "")
            for row in self.markup.inline_keyboard
            for button in row
        ]


class LocalSession(BaseSession):
    def __init__(self, on_output: Callable[[Outgoing], None] | None = None) -> None:
        super().__init__()
        self.middleware(CommitBeforeSending())  # as ``make_bot`` does for Telegram
        self.on_output = on_output
        self.sent: list[Outgoing] = []
        self.files: dict[str, bytes] = {}
        self.announced_sizes: dict[str, int] = {}
        """file id -> the size the user's message claimed (may exceed the bytes held)."""
        self.download_limit: int | None = TELEGRAM_DOWNLOAD_LIMIT
        """getFile refuses files announced bigger than this ("file is too big"), like Telegram."""
        self.downloads: Counter[str] = Counter()
        self._ids = itertools.count(1)

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        result, out = await self._answer(bot, method)
        if out is not None:
            self.sent.append(out)
            if self.on_output:
                self.on_output(out)
        return result  # type: ignore[no-any-return]

    async def _answer(self, bot: Bot, method: TelegramMethod[Any]) -> tuple[Any, Outgoing | None]:
        if isinstance(method, GetMe):
            return BOT_USER, None
        if isinstance(method, SendMessage):
            message = self._message(bot, int(method.chat_id), text=method.text)
            markup = (
                method.reply_markup
                if isinstance(method.reply_markup, InlineKeyboardMarkup)
                else None
            )
            message = message.model_copy(update={"reply_markup": markup})
            out = Outgoing(
                "sendMessage", int(method.chat_id), method.text, markup, message.message_id
            )
            return message, out
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            chat_id = int(method.chat_id) if method.chat_id is not None else None
            text = method.text if isinstance(method, EditMessageText) else None
            markup = method.reply_markup
            out = Outgoing("editMessage", chat_id, text, markup, method.message_id)
            return self._message(bot, chat_id or 0, text=text, message_id=method.message_id), out
        if isinstance(method, AnswerCallbackQuery):
            out = Outgoing(
                "answerCallbackQuery", None, method.text, show_alert=bool(method.show_alert)
            )
            return True, out
        if isinstance(method, SendDocument):
            data, name = await self._read(bot, method.document)
            message = self._message(bot, int(method.chat_id), text=None)
            message = message.model_copy(
                update={
                    "document": Document(
                        file_id=f"doc{message.message_id}",
                        file_unique_id=f"u{message.message_id}",
                        file_name=name,
                    ),
                    "caption": method.caption,
                }
            )
            out = Outgoing(
                "sendDocument",
                int(method.chat_id),
                method.caption,
                None,
                message.message_id,
                data,
                name,
            )
            return message, out
        if isinstance(method, GetFile):
            return self._get_file(method), None
        if isinstance(method, SEND_MEDIA):
            return await self._send_media(bot, method)
        return True, None

    def _get_file(self, method: GetFile) -> File:
        if method.file_id not in self.files:
            raise TelegramBadRequest(method=method, message="Bad Request: invalid file_id")
        size = self.announced_sizes.get(method.file_id, len(self.files[method.file_id]))
        if self.download_limit is not None and size > self.download_limit:
            raise TelegramBadRequest(method=method, message="Bad Request: file is too big")
        return File(
            file_id=method.file_id,
            file_unique_id=method.file_id,
            file_size=size,
            file_path=method.file_id,
        )

    async def _send_media(self, bot: Bot, method: Any) -> tuple[Message, Outgoing]:
        """sendPhoto/Video/Voice/Audio/Animation/VideoNote: recorded with the bytes sent."""
        field = MEDIA_FIELD[type(method)]
        data, name = await self._read(bot, getattr(method, field))
        chat_id = int(method.chat_id)
        message = self._message(bot, chat_id, text=None)
        caption = getattr(method, "caption", None)
        message = message.model_copy(update={"caption": caption})
        out = Outgoing(
            method=f"send{field.title().replace('_', '')}",
            chat_id=chat_id,
            text=caption,
            markup=None,
            message_id=message.message_id,
            document=data,
            filename=name,
        )
        return message, out

    def _message(
        self, bot: Bot, chat_id: int, *, text: str | None, message_id: int | None = None
    ) -> Message:
        return Message(
            message_id=message_id or next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type="private"),
            from_user=BOT_USER,
            text=text,
        ).as_(bot)

    async def _read(self, bot: Bot, document: InputFile | str) -> tuple[bytes, str | None]:
        if isinstance(document, str):
            return self.files.get(document, b""), None
        chunks = [chunk async for chunk in document.read(bot)]
        return b"".join(chunks), document.filename

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/", 1)[-1]
        self.downloads[file_id] += 1
        data = self.files[file_id]
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]
