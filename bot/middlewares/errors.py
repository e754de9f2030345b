"""The error boundary: the shopper gets a short apology with an error id, the log the traceback."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, ErrorEvent, Message, TelegramObject

from bot.i18n import Texts, texts
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
            await apologise(event, data.get("t"), error_id, self.default_language)
            return None


class UnhandledErrors:
    """The dispatcher's last resort, for failures before any router ran (e.g. the dialog state
    could not be read): the shopper still hears that something went wrong."""

    def __init__(self, default_language: Language) -> None:
        self.default_language = default_language

    async def handle(self, event: ErrorEvent) -> bool:
        error_id = secrets.token_hex(4)
        log.error("update failed outside the routers, error id %s", error_id,
                  exc_info=event.exception)  # fmt: skip
        update = event.update
        target = update.message or update.callback_query
        if target is not None:
            await apologise(target, None, error_id, self.default_language)
        return True


async def apologise(
    event: TelegramObject, t: Texts | None, error_id: str, default_language: Language
) -> None:
    if t is None:
        user = getattr(event, "from_user", None)
        code = user.language_code if user else None
        t = texts(resolve_language(None, code, default_language))
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
