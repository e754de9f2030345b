"""The schema comes from the migrations, and they match the models; UTC survives a round trip."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.engine import READ_ONLY
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
async def test_a_read_only_connection_takes_no_write_lock(engine: AsyncEngine) -> None:
    async with engine.connect() as writer:
        await writer.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (x INTEGER)")
        await writer.commit()
        await writer.exec_driver_sql("INSERT INTO scratch VALUES (1)")  # holds the write lock
        async with engine.connect() as reader:
            await reader.execution_options(**{READ_ONLY: True})
            rows = (await reader.exec_driver_sql("SELECT count(*) FROM scratch")).scalar_one()
        assert rows == 0  # the last commit, read without waiting for the writer
        await writer.commit()


def test_the_migrations_have_one_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == ["0008_one_head"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_each_run_has_a_postgresql_database_of_its_own(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        name = (await connection.exec_driver_sql("SELECT current_database()")).scalar_one()
    assert name.startswith("shopguard_test_") and name.split("_")[2] == str(os.getpid())
