"""The error boundary: the shopper gets a short apology with an error id, the log the traceback."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import texts
from shopguard.taxonomy import Language
from shopguard.users import resolve_language

log = logging.getLogger("shopguard.errors")


class ErrorBoundaryMiddleware(BaseMiddleware):
    def __init__(self, default_language: Language) -> None:
        self.default_language = default_language

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            error_id = secrets.token_hex(4)
            log.exception("update failed, error id %s", error_id)
            await self._apologise(event, data, error_id)
            return None

    async def _apologise(self, event: TelegramObject, data: dict[str, Any], error_id: str) -> None:
        t = data.get("t")
        if t is None:
            user = getattr(event, "from_user", None)
            code = user.language_code if user else None
            t = texts(resolve_language(None, code, self.default_language))
        text = t("error.generic", error_id=error_id)
        try:
            if isinstance(event, CallbackQuery):
                await event.answer()
                if event.message is not None:
                    await event.bot.send_message(event.message.chat.id, text)  # type: ignore[union-attr]
            elif isinstance(event, Message):
                await event.answer(text)
        except Exception:
            log.exception("could not deliver the apology for error %s", error_id)
