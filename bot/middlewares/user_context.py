"""Loads (or creates) the shopper and puts their language, time zone and 'now' in the context."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.i18n import texts
from bot.reconnect import riding_out_reconnect
from shopguard.clock import Clock
from shopguard.reminders.store import resume_user
from shopguard.settings import Settings
from shopguard.users import ensure_user, resolve_language


class UserContextMiddleware(BaseMiddleware):
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user = getattr(event, "from_user", None)
        if tg_user is None or tg_user.is_bot:
            return None
        now = self.clock()
        db = data["db"]
        user = await riding_out_reconnect(
            lambda: ensure_user(db, tg_user.id, now, timezone=self.settings.default_timezone),
            "reading the shopper",
            before_retry=db.rollback,
        )
        if not user.is_active:
            user.is_active = True  # they wrote to us again: they unblocked the bot
            data["db"].add(user)
            await resume_user(data["db"], user.id)
        language = resolve_language(
            user.language, tg_user.language_code, self.settings.default_language
        )
        data.update(user=user, t=texts(language), tz=user.timezone, now=now, clock=self.clock)
        return await handler(event, data)
