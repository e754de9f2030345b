"""Shoppers: created on first contact, with their language and time zone."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import User
from shopguard.reminders.schedule import resync_user
from shopguard.taxonomy import DEFAULT_TIMEZONE, Language
from shopguard.timezones import parse_timezone


async def ensure_user(
    session: AsyncSession, user_id: int, now: datetime, *, timezone: str = DEFAULT_TIMEZONE
) -> User:
    user = await session.get(User, user_id)
    if user is None:
        user = User(id=user_id, timezone=timezone, created_at=now)
        session.add(user)
        await session.flush()
    return user


def resolve_language(chosen: str | None, telegram_code: str | None, default: Language) -> Language:
    """The shopper's choice wins; otherwise their Telegram language when we speak it."""
    if chosen is not None and chosen in Language._value2member_map_:
        return Language(chosen)
    code = (telegram_code or "").lower()
    if code.startswith("en"):
        return Language.EN
    if code.startswith("zh"):
        return Language.ZH
    return default


async def set_language(session: AsyncSession, user: User, language: Language) -> None:
    user.language = language.value
    session.add(user)
    await session.flush()


async def set_timezone(session: AsyncSession, user: User, text: str, *, now: datetime) -> str:
    """Set the zone; deadlines count local days and quiet hours are local: re-plan reminders."""
    user.timezone = parse_timezone(text)
    session.add(user)
    await session.flush()
    await resync_user(session, user.id, now)
    return user.timezone
