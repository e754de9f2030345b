"""Nothing is confirmed before it is saved.

A handler saves something and tells the shopper so. If the message went out first and the
process died before the update's transaction committed, the shopper would hold a confirmation
of something that was never stored. So before each Bot API call an update makes, its
transaction (the dialog step with it) is committed; if the handler goes on, the session begins
a new one. Committing also means no database lock is held while waiting on the network.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.storage import current_session


class CommitBeforeSending(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)
