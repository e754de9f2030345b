"""Shared fixtures: a migrated temporary database and a fixed clock."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.clock import FixedClock
from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # 18:00 in Asia/Shanghai


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def pytest_configure(config: pytest.Config) -> None:
    """A PostgreSQL database of this run's own, dropped at its end: two runs on one machine, or a
    bot process left behind by a killed run, never touch each other's rows."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        return
    name = f"shopguard_test_{os.getpid()}_{secrets.token_hex(3)}"
    asyncio.run(_on_server(url, f'CREATE DATABASE "{name}"'))
    own = make_url(url).set(database=name).render_as_string(hide_password=False)
    os.environ["TEST_POSTGRES_URL"] = own
    config.stash[_RUN_DATABASE] = (url, name)


def pytest_unconfigure(config: pytest.Config) -> None:
    created = config.stash.get(_RUN_DATABASE, None)
    if created is not None:
        url, name = created
        os.environ["TEST_POSTGRES_URL"] = url
        asyncio.run(_on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_RUN_DATABASE = pytest.StashKey[tuple[str, str]]()


async def _on_server(url: str, sql: str) -> None:
    """Run ``sql`` outside any transaction (CREATE / DROP DATABASE) on the server of ``url``."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def service_url(name: str) -> str:
    """A service the project's scripts start (scripts/services.sh); `make test` requires them."""
    url = os.environ.get(name)
    if url:
        return url
    missing_service(f"{name} is not set")


def missing_service(problem: str) -> NoReturn:
    """Skip a test that needs what scripts/services.sh provides; under `make test` fail it."""
    if os.environ.get("SHOPGUARD_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{problem}: run scripts/services.sh start")
    pytest.skip(f"{problem} (scripts/services.sh start)")


@contextmanager
def recorded(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the engine runs meanwhile, whitespace collapsed."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        await connection.exec_driver_sql("CREATE SCHEMA public")
    await engine.dispose()


# `make test` runs the suite once on SQLite and once more with SHOPGUARD_TEST_DATABASE=postgres
DEFAULT_BACKEND = os.environ.get("SHOPGUARD_TEST_DATABASE", "sqlite")


@pytest.fixture(params=[DEFAULT_BACKEND])
def backend(request: pytest.FixtureRequest) -> str:
    """The database a test runs on; ``parametrize("backend", [...], indirect=True)`` for more."""
    return str(request.param)


@pytest.fixture
async def database_url(tmp_path: Path, backend: str) -> str:
    if backend == "postgres":
        url = service_url("TEST_POSTGRES_URL")
        await reset_postgres(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'shopguard.sqlite3'}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def db(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session
        await session.commit()
