"""Assembling ShopGuard: its router with middlewares (the plugin entry), storage, dispatcher."""

from __future__ import annotations

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.evidence_context import EvidenceContextMiddleware, EvidenceLocker
from bot.filters_in_place import check_filters_in_place
from bot.i18n import texts
from bot.isolation import RenewedRedisIsolation
from bot.middlewares import (
    DatabaseMiddleware,
    ErrorBoundaryMiddleware,
    ThrottleMiddleware,
    UserContextMiddleware,
)
from bot.middlewares.dedup import UpdateDedupMiddleware
from bot.middlewares.errors import UnhandledErrors
from bot.routers import feature_routers
from bot.storage import SQLStorage
from shopguard.clock import Clock
from shopguard.settings import Settings
from shopguard.taxonomy import Language

COMMANDS = (
    "start",
    "new",
    "cases",
    "evidence",
    "unboxing",
    "deadlines",
    "remind",
    "price",
    "complaint",
    "advise",
    "stats",
    "lang",
    "tz",
    "privacy",
    "cancel",
    "help",
)


def shopguard_router(
    *,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    free_text_intake: bool = True,
) -> Router:
    """ShopGuard as one router, middlewares attached — include it in any aiogram Dispatcher.

    ``free_text_intake=False`` leaves plain text and unknown commands to the host bot.
    """
    root = Router(name="shopguard")
    evidence = EvidenceContextMiddleware(EvidenceLocker.from_settings(settings))
    throttle = ThrottleMiddleware(
        settings.throttle_rate, settings.throttle_burst, settings.default_language
    )
    for observer in (root.message, root.callback_query):
        observer.outer_middleware(ErrorBoundaryMiddleware(settings.default_language))
        observer.outer_middleware(throttle)
        observer.outer_middleware(DatabaseMiddleware(sessions))
        observer.outer_middleware(UserContextMiddleware(settings, clock))
        observer.outer_middleware(evidence)
    root.include_routers(*feature_routers(free_text_intake=free_text_intake))
    check_filters_in_place(root)
    return root


REDIS_KEYS = DefaultKeyBuilder(with_destiny=True)
"""How dialog states and locks are named in Redis."""


def build_storage(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    """Dialog state in SQL by default, in Redis when REDIS_URL is set."""
    if settings.redis_url is not None:
        storage = RedisStorage.from_url(
            settings.redis_url.get_secret_value(), key_builder=REDIS_KEYS
        )
        return storage, RenewedRedisIsolation(storage.redis, REDIS_KEYS)
    return SQLStorage(sessions), SimpleEventIsolation()


def build_dispatcher(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> Dispatcher:
    storage, isolation = build_storage(settings, sessions)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    redis = storage.redis if isinstance(storage, RedisStorage) else None
    dispatcher.update.outer_middleware(UpdateDedupMiddleware(redis))
    dispatcher.errors.register(UnhandledErrors(settings.default_language).handle)
    dispatcher.include_router(shopguard_router(settings=settings, sessions=sessions, clock=clock))
    return dispatcher


def bot_commands(language: Language) -> list[BotCommand]:
    t = texts(language)
    return [BotCommand(command=name, description=t(f"command.{name}")) for name in COMMANDS]
