"""Dialog (FSM) state in SQL, so a half-finished dialog survives a restart.

Inside an update the storage writes through that update's session (``current_session``), so
the dialog step and the data it saved commit together or not at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import DialogState

log = logging.getLogger("shopguard.storage")
READ_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)

current_session: ContextVar[AsyncSession | None] = ContextVar("shopguard_session", default=None)


def storage_key(key: StorageKey) -> str:
    return ":".join(
        str(part)
        for part in (
            key.bot_id,
            key.chat_id,
            key.user_id,
            key.thread_id or "",
            key.business_connection_id or "",
            key.destiny,
        )
    )


class SQLStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        async with self._sessions() as own, own.begin():
            yield own

    async def _read_state(self, key: StorageKey) -> DialogState | None:
        """Read outside an update's transaction, riding out a database reconnect.

        aiogram reads the dialog state before any handler runs, so a failure here would lose the
        update; a restarted database is given a few seconds to come back instead."""
        if current_session.get() is not None:
            async with self._session() as session:
                return await session.get(DialogState, storage_key(key))
        for delay in READ_RETRY_DELAYS:
            try:
                async with self._session() as session:
                    return await session.get(DialogState, storage_key(key))
            except (DBAPIError, OSError) as err:
                log.warning("dialog state read failed (%s); retrying in %s s", err, delay)
                await asyncio.sleep(delay)
        async with self._session() as session:
            return await session.get(DialogState, storage_key(key))

    async def _row(self, session: AsyncSession, key: StorageKey) -> DialogState:
        row = await session.get(DialogState, storage_key(key))
        return row or DialogState(key=storage_key(key), user_id=key.user_id)

    async def _save(self, session: AsyncSession, row: DialogState) -> None:
        if row.state is None and row.data in ("{}", ""):
            if await session.get(DialogState, row.key) is not None:
                await session.delete(row)
        else:
            session.add(row)
        await session.flush()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        async with self._session() as session:
            row = await self._row(session, key)
            row.state = state.state if isinstance(state, State) else state
            await self._save(session, row)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read_state(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._session() as session:
            row = await self._row(session, key)
            row.data = json.dumps(dict(data), ensure_ascii=False)
            await self._save(session, row)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read_state(key)
        return dict(json.loads(row.data)) if row else {}

    async def close(self) -> None:
        return None
