"""One database transaction per update: committed when the handler returns, rolled back on error.

A handler about to wait on the network for long (downloading a file) may commit early so no
database lock is held meanwhile; the session then begins a new transaction on its next use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import current_session


class DatabaseMiddleware(BaseMiddleware):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.sessions() as session:
            token = current_session.set(session)
            try:
                data["db"] = session
                result = await handler(event, data)
                if session.in_transaction():  # else all is committed (a reply commits first)
                    await session.commit()
                return result
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)
