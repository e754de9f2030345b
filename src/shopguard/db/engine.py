"""The async engine and session factory; SQLite gets WAL, a busy timeout and write locks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Enough kept-open connections for the reminder dispatcher's concurrent acknowledgements plus
# the updates being handled: an overflow connection is opened and closed for each use, and
# opening an aiosqlite connection makes the event loop wait for a new thread to start.
POOL_SIZE = 24
POOL_OVERFLOW = 16
# Execution option of a connection that only reads: SQLite then takes no write lock for it.
READ_ONLY = "shopguard_read_only"


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
    kwargs.setdefault("pool_reset_on_return", None)  # _on_return below does it when needed
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
    )

    @event.listens_for(engine.sync_engine, "reset")
    def _on_return(dbapi_connection: Any, _record: Any, state: Any) -> None:
        # A connection back in the pool must hold no transaction. Most come back right after a
        # commit; rolling those back again would cost a trip to the driver's thread each time.
        if not state.terminate_only and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN below is the only one issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            return  # autocommit: each read sees the latest commit, and no lock is taken
        # IMMEDIATE takes the write lock up front: two transactions that read and then write
        # would otherwise fail with "database is locked" instead of waiting their turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
