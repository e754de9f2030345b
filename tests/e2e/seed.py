"""Seeding the bot's own database before it starts (migrations applied as the bot would)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade
from shopguard.db.models import Reminder, User


async def seed_due_reminders(
    database_url: str,
    *,
    users: int,
    per_user: int,
    first_user: int = 500_000,
    late_by: timedelta,
) -> list[str]:
    """``users × per_user`` custom reminders that fell due ``late_by`` ago, in the database at
    ``database_url`` (a ``BotProcess``'s ``database_url``); returns their texts."""
    engine = create_engine(database_url)
    await upgrade(engine)
    now = datetime.now(UTC)
    texts = []
    async with session_factory(engine)() as session, session.begin():
        session.add_all(User(id=first_user + u, created_at=now) for u in range(users))
        await session.flush()
        for n in range(users * per_user):
            text = f"seed-{n:05d}"
            due = now - late_by - timedelta(milliseconds=n)
            session.add(
                Reminder(
                    user_id=first_user + n % users,
                    kind="custom",
                    text=text,
                    due_at=due,
                    available_at=due,
                    created_at=now,
                )
            )
            texts.append(text)
    await engine.dispose()
    return texts
