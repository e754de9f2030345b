"""Shoppers: created on first contact, with their language and time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import Case, User
from shopguard.reminders.schedule import resync_user
from shopguard.taxonomy import DEFAULT_TIMEZONE, Language
from shopguard.timezones import parse_timezone

# The shopper with the case the conversation is about: most updates need that case (a file
# goes into it, advice and reminders are about it), and reading both in one statement spares
# a trip to the database. The case then comes from the session, not from another query.
_USER_AND_ACTIVE_CASE = (
    select(User, Case)
    .outerjoin(Case, and_(col(Case.id) == User.active_case_id, col(Case.user_id) == User.id))
    .where(col(User.id) == bindparam("user_id"))
)
_LOADED_KEY = "shopguard.user_and_active_case"


async def ensure_user(
    session: AsyncSession, user_id: int, now: datetime, *, timezone: str = DEFAULT_TIMEZONE
) -> User:
    """The shopper, created on first contact; their active case is loaded along."""
    row = (await session.exec(_USER_AND_ACTIVE_CASE, params={"user_id": user_id})).first()
    user = row[0] if row is not None else None
    if row is not None:
        # The session holds what it loaded only weakly: keep both for the session's life, so
        # that ``session.get`` finds them there.
        session.info[_LOADED_KEY] = tuple(row)
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
