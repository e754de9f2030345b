"""The schema comes from the migrations, and they match the models; UTC survives a round trip."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.engine import create_engine
from shopguard.db.migrate import alembic_config, upgrade
from shopguard.db.models import User


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_upgrade_is_idempotent(engine: AsyncEngine) -> None:
    await upgrade(engine)
    await upgrade(engine)


async def test_instants_are_stored_utc_and_read_back_aware(db: AsyncSession) -> None:
    shanghai = timezone(timedelta(hours=8))
    db.add(User(id=7, created_at=datetime(2026, 11, 3, 8, 0, tzinfo=shanghai)))
    await db.flush()
    db.expunge_all()
    user = await db.get(User, 7)
    assert user is not None
    assert user.created_at == datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
    assert user.created_at.tzinfo is not None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_runs_in_wal_mode(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
        timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar_one()
    assert (mode, timeout) == ("wal", 30000)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_connection_back_in_the_pool_holds_no_transaction(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
    connection = await engine.connect()
    driver = (await connection.get_raw_connection()).driver_connection
    await driver.execute("BEGIN")  # behind SQLAlchemy's back: only the pool's reset sees it
    await driver.execute("INSERT INTO scratch VALUES (1)")
    await connection.close()
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert not driver.in_transaction
        rows = (await connection.exec_driver_sql("SELECT count(*) FROM scratch")).scalar_one()
    assert rows == 0


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_reads_take_no_lock_and_see_the_last_commit(engine: AsyncEngine) -> None:
    async with engine.connect() as writer:
        await writer.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (x INTEGER)")
        await writer.commit()
        await writer.exec_driver_sql("INSERT INTO scratch VALUES (1)")  # holds the write lock
        async with engine.connect() as reader:
            rows = (await reader.exec_driver_sql("SELECT count(*) FROM scratch")).scalar_one()
            reader_driver = (await reader.get_raw_connection()).driver_connection
            assert not reader_driver.in_transaction  # the read began nothing
        assert rows == 0  # the last commit, read without waiting for the writer
        await writer.commit()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_transaction_holds_the_write_lock_from_its_first_write(
    engine: AsyncEngine,
) -> None:
    """The first write begins the transaction: its writes commit together, and another
    transaction's write waits its turn (instead of failing with "database is locked")."""
    async with engine.begin() as setup:
        await setup.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        await setup.exec_driver_sql("INSERT INTO counter VALUES (0)")
    halfway = asyncio.Event()
    seen: list[int] = []

    async def value() -> int:
        async with engine.connect() as reader:
            return int((await reader.exec_driver_sql("SELECT n FROM counter")).scalar_one())

    async def twice() -> None:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("UPDATE counter SET n = n + 1")
            halfway.set()
            await asyncio.sleep(0.3)  # the other writer asks for the lock meanwhile
            await connection.exec_driver_sql("UPDATE counter SET n = n + 1")

    async def other() -> None:
        await halfway.wait()
        seen.append(await value())  # the first write is not visible before its commit
        async with engine.begin() as connection:
            await connection.exec_driver_sql("SELECT n FROM counter")
            await connection.exec_driver_sql("UPDATE counter SET n = n + 10")

    await asyncio.gather(twice(), other())
    assert seen == [0]
    assert await value() == 12


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_statement_is_one_trip_to_the_driver_thread(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason for ``sqlite_driver``: aiosqlite's own cursor takes four trips a statement."""
    trips: list[str] = []
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        trip = driver._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            trips.append(getattr(fn, "__name__", "?"))
            return await trip(fn, *args, **kwargs)

        monkeypatch.setattr(driver, "_execute", counted)
        rows = (await connection.exec_driver_sql("SELECT 1 UNION SELECT 2")).all()
        await connection.commit()  # nothing was written: no trip
        await connection.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
        await connection.commit()
    assert rows == [(1,), (2,)]
    assert trips == ["_run", "_run", "commit"]


def test_the_migrations_have_one_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == ["0008_one_head"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_each_run_has_a_postgresql_database_of_its_own(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        name = (await connection.exec_driver_sql("SELECT current_database()")).scalar_one()
    assert name.startswith("shopguard_test_") and name.split("_")[2] == str(os.getpid())


async def test_two_starts_at_once_migrate_one_after_the_other(
    tmp_path: Path,
) -> None:
    """Two engines on one fresh file, as two processes started together would be."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
    first, second = create_engine(url), create_engine(url)
    try:
        await asyncio.gather(upgrade(first), upgrade(second))
        async with second.connect() as connection:
            heads = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert [row[0] for row in heads] == ["0008_one_head"]
    finally:
        await first.dispose()
        await second.dispose()
