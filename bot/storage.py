"""Dialog (FSM) state in SQL, so a half-finished dialog survives a restart.

Inside an update the storage writes through that update's session (``current_session``), so
the dialog step and the data it saved commit together or not at all.

An update touches its dialog row several times (aiogram reads the state before any handler;
handlers read the data, set the state, update the data), so the row is read once and then kept
for the update:

- aiogram's read comes before the update's transaction; it is a plain read (no write lock) whose
  result is handed to the update's transaction, because the shopper's updates are handled one at
  a time (event isolation) and nothing else changes the row meanwhile;
- inside the transaction the row (or its absence) is cached in the session and writes change
  the cache, so later reads of the update cost no SQL; the row is written once, when the
  transaction commits, whatever the handler changed in between. A rollback drops both.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.reconnect import riding_out_reconnect
from shopguard.db.models import DialogState

CACHE = "shopguard.dialog_rows"  # session.info key: storage key → _Row, or None when absent
STORED = "shopguard.dialog_rows_stored"  # the same, as the database holds them

current_session: ContextVar[AsyncSession | None] = ContextVar("shopguard_session", default=None)


@dataclass(frozen=True, slots=True)
class _Row:
    state: str | None
    data: str  # JSON
    user_id: int | None = None

    @property
    def empty(self) -> bool:
        return self.state is None and self.data in ("{}", "")


# The last row read outside a transaction in this context: aiogram's read before the handler.
_read_ahead: ContextVar[tuple[str, _Row | None] | None] = ContextVar(
    "shopguard_dialog_read_ahead", default=None
)

TABLE: Any = DialogState.__table__
SELECT_ROW = select(TABLE.c.state, TABLE.c.data, TABLE.c.user_id).where(
    TABLE.c.key == bindparam("key")
)


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


@event.listens_for(Session, "before_commit")
def _write_changed_rows(session: Session) -> None:
    """Write the dialog rows the update changed: one statement per row, however many changes."""
    cache: dict[str, _Row | None] = session.info.get(CACHE) or {}
    stored: dict[str, _Row | None] = session.info.setdefault(STORED, {})
    for skey, row in cache.items():
        before = stored.get(skey)
        if row == before:
            continue
        if row is None:
            session.execute(delete(TABLE).where(TABLE.c.key == skey))
        else:
            session.execute(_upsert(session.get_bind().dialect.name, skey, row))
        stored[skey] = row


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous: object) -> None:
    session.info.pop(CACHE, None)
    session.info.pop(STORED, None)


def _upsert(dialect: str, skey: str, row: _Row) -> Any:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = {"user_id": row.user_id, "state": row.state, "data": row.data}
    statement = insert(TABLE).values(key=skey, **values)
    return statement.on_conflict_do_update(index_elements=[TABLE.c.key], set_=values)


class SQLStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._get(storage_key(key))
        return row.state if row else None

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._get(storage_key(key))
        return dict(json.loads(row.data)) if row else {}

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        skey = storage_key(key)
        async with self._writing() as session:
            row = await self._get(skey)
            value = state.state if isinstance(state, State) else state
            await self._put(session, skey, _Row(value, row.data if row else "{}", key.user_id))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        skey = storage_key(key)
        async with self._writing() as session:
            row = await self._get(skey)
            text = json.dumps(dict(data), ensure_ascii=False)
            await self._put(session, skey, _Row(row.state if row else None, text, key.user_id))

    async def close(self) -> None:
        return None

    # ------------------------------------------------------------------ reading

    async def _get(self, skey: str) -> _Row | None:
        session = current_session.get()
        if session is None:
            row = await self._read_outside(skey)
            _read_ahead.set((skey, row))
            return row
        cache: dict[str, _Row | None] = session.info.setdefault(CACHE, {})
        if skey in cache:
            return cache[skey]
        ahead = _read_ahead.get()
        if ahead is not None and ahead[0] == skey:
            _read_ahead.set(None)
            row = ahead[1]
        else:
            row = await _select(session, skey)
        cache[skey] = row
        session.info.setdefault(STORED, {})[skey] = row
        return row

    async def _read_outside(self, skey: str) -> _Row | None:
        """A read outside an update's transaction, riding out a database reconnect.

        aiogram reads the dialog state before any handler runs, so a failure here would lose the
        update; a restarted database is given a few seconds to come back instead."""
        return await riding_out_reconnect(lambda: self._read_once(skey), "dialog state read")

    async def _read_once(self, skey: str) -> _Row | None:
        async with self._sessions() as own:
            return await _select(own, skey)

    # ------------------------------------------------------------------ writing

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        _read_ahead.set(None)
        async with self._sessions() as own, own.begin():
            token = current_session.set(own)
            try:
                yield own
            finally:
                current_session.reset(token)

    @staticmethod
    async def _put(session: AsyncSession, skey: str, row: _Row) -> None:
        """Change the row for the rest of the update; it is written when the update commits.

        The session's transaction is begun (no SQL yet) so it counts as having something to
        commit: a reply sent now first commits the dialog step (``bot.save_first``)."""
        if not session.in_transaction():
            await session.begin()
        cache: dict[str, _Row | None] = session.info.setdefault(CACHE, {})
        cache[skey] = None if row.empty else row


async def _select(session: AsyncSession, skey: str) -> _Row | None:
    found = (await session.exec(SELECT_ROW, params={"key": skey})).first()
    return _Row(found.state, found.data, found.user_id) if found else None
