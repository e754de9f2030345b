"""SQLite connections whose statements each take one trip to the connection's thread, and
whose transactions take the write lock at their first write.

aiosqlite runs a ``sqlite3`` connection in a thread of its own; every call is a trip there and
back (a queue put, a wake-up of the event loop, a task step). SQLAlchemy's aiosqlite adapter
makes four such trips per statement: open a cursor, execute, fetch the rows, close the cursor.
On a small database the trips cost far more than SQLite's own work, so every update paid for
them several times over. Here one function runs the statement, reads its rows and closes the
cursor in a single trip; the adapter then gets the rows from memory.

The write lock: a transaction's first statement that may write is preceded, in the same trip,
by ``BEGIN IMMEDIATE``. IMMEDIATE makes a second writer wait its turn (SQLite's busy timeout)
instead of failing with "database is locked" when it upgrades a read. Until its first write a
transaction runs each read on its own, on the latest commit and without any lock — as
PostgreSQL's READ COMMITTED does, which the application already runs on — so an update that only
reads (a case card, advice) never waits for a writer, nor makes one wait. A read that must not
be overtaken — ``SELECT … FOR UPDATE``, which SQLite does not have — takes the lock instead
(``lock_next``, set by the engine).

The connection is aiosqlite's own (its thread, queue and lifecycle), so SQLAlchemy's dialect
keeps working unchanged; only ``cursor()`` differs. It relies on aiosqlite's ``_execute`` (the
queueing every aiosqlite method uses), as SQLAlchemy's dialect relies on its ``_tx`` and
``_thread``: the version range in ``pyproject.toml`` is the one tested.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

Description = tuple[tuple[Any, ...], ...] | None
Outcome = tuple[Description, list[Any], int, int | None]


# Statements that never need the write lock first: reads, and those that manage transactions
# themselves (VACUUM and ATTACH cannot run inside one). Anything else may write.
_LOCK_FREE = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "END", "ROLLBACK", "RELEASE", "EXPLAIN")
_OUTSIDE_TRANSACTIONS = ("VACUUM", "ATTACH", "DETACH")


def takes_write_lock(sql: str) -> bool:
    head = sql.lstrip()[:8].upper()
    return not head.startswith(_LOCK_FREE + _OUTSIDE_TRANSACTIONS)


def _run(
    connection: sqlite3.Connection, sql: str, parameters: Any, many: bool, lock: bool
) -> Outcome:
    """In the connection's thread: the whole statement, rows included; ``lock``: take the write
    lock first even though the statement only reads."""
    if not connection.in_transaction and (lock or takes_write_lock(sql)):
        connection.execute("BEGIN IMMEDIATE")
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description is not None else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's cursor that SQLAlchemy's adapter uses, rows held in memory."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _trip(self, sql: str, parameters: Any, many: bool) -> None:
        connection = self._connection
        lock, connection.lock_next = connection.lock_next, False
        outcome: Outcome = await connection._execute(  # type: ignore[no-untyped-call]
            _run, connection._conn, sql, parameters, many, lock
        )
        self.description, self._rows, self.rowcount, self.lastrowid = outcome

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        await self._trip(sql, () if parameters is None else parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> OneTripCursor:
        await self._trip(sql, parameters, many=True)
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors take one trip per statement; a commit or rollback
    with no transaction open (nothing was written) takes none."""

    lock_next = False
    """Set just before a read that must take the write lock (a ``SELECT … FOR UPDATE``)."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def commit(self) -> None:
        if self._has_transaction():
            await super().commit()

    async def rollback(self) -> None:
        if self._has_transaction():
            await super().rollback()

    def _has_transaction(self) -> bool:
        # Read between statements (no statement of this connection is running): a closed
        # connection counts as having one, so the call reports it as aiosqlite would.
        try:
            return self._conn.in_transaction
        except ValueError:
            return True


def connector(database: str, *, timeout: float) -> Callable[[], Awaitable[OneTripConnection]]:
    """What ``create_async_engine(async_creator=...)`` calls for each new connection."""

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(
            # isolation_level None: sqlite3 begins no transaction; _run begins them.
            lambda: sqlite3.connect(database, timeout=timeout, isolation_level=None),
            iter_chunk_size=64,
        )
        # As SQLAlchemy does for the connections it opens itself: a connection that was never
        # closed must not keep the interpreter from exiting.
        connection._thread.daemon = True
        await connection
        return connection

    return connect
