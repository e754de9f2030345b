"""The async engine and session factory; SQLite gets WAL, a busy timeout and write locks
(``sqlite_driver``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.sqlite_driver import connector

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Enough kept-open connections for the reminder dispatcher's concurrent acknowledgements plus
# the updates being handled: an overflow connection is opened and closed for each use, and
# opening an aiosqlite connection makes the event loop wait for a new thread to start.
POOL_SIZE = 24
POOL_OVERFLOW = 16


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the engine for ``url``; SQLite files get their folder created."""
    parsed = make_url(url)
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _sqlite_engine(url: str, database: str | None, **kwargs: Any) -> AsyncEngine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        async_creator=connector(database or ":memory:", timeout=SQLITE_BUSY_TIMEOUT_MS / 1000),
        **kwargs,
    )

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _for_update(
        connection: Any, _cursor: Any, _sql: str, _parameters: Any, context: Any, _many: bool
    ) -> None:
        # SQLite has no SELECT … FOR UPDATE (the clause is left out): such a read, which must
        # not be overtaken before its transaction writes, takes the write lock instead.
        compiled = context.compiled if context is not None else None
        if (
            compiled is not None
            and getattr(compiled.statement, "_for_update_arg", None) is not None
        ):
            connection.connection.driver_connection.lock_next = True

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
