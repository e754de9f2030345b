"""The composition root: settings → database → dispatcher → polling, webhook or console.

``python -m bot`` polls when BOT_TOKEN is set, serves a webhook when WEBHOOK_URL is set too,
and opens the console chat when there is no token (or with ``--console``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode

from bot.app import build_dispatcher
from bot.console import Console
from bot.retry import RetryRequestMiddleware
from bot.runtime import start_reminders
from bot.save_first import CommitBeforeSending
from bot.startup import announce_commands, until_done
from shopguard.clock import system_clock
from shopguard.db.engine import create_engine, session_factory
from shopguard.db.migrate import upgrade
from shopguard.reminders.ticker import ReminderTicker
from shopguard.settings import Settings
from shopguard.taxonomy import Language

log = logging.getLogger("shopguard")


def make_bot(settings: Settings) -> Bot:
    assert settings.bot_token is not None
    base = settings.telegram_api_base
    api = TelegramAPIServer.from_base(base) if base else PRODUCTION
    session = AiohttpSession(api=api, timeout=settings.telegram_request_timeout)
    bot = Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    bot.session.middleware(CommitBeforeSending())
    bot.session.middleware(RetryRequestMiddleware())
    return bot


async def serve_telegram(settings: Settings, dispatcher: Dispatcher, bot: Bot) -> None:
    await announce_commands(bot)
    if settings.webhook_url:
        from bot.webhook import run_webhook

        await run_webhook(settings, dispatcher, bot)
        return
    await until_done(lambda: bot.delete_webhook(drop_pending_updates=False), "deleteWebhook")
    await dispatcher.start_polling(bot, allowed_updates=dispatcher.resolve_used_update_types())


async def run(settings: Settings, *, console: bool) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.resolved_database_url())
    ticker: ReminderTicker | None = None
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        dispatcher = build_dispatcher(settings, sessions, system_clock)
        if console:
            language = "en" if settings.default_language == Language.EN else "zh-hans"
            chat = Console(dispatcher, language_code=language)
            ticker = start_reminders(settings, sessions, chat.chat.bot, system_clock, dispatcher)
            await chat.run()
        else:
            bot = make_bot(settings)
            ticker = start_reminders(settings, sessions, bot, system_clock, dispatcher)
            await serve_telegram(settings, dispatcher, bot)
    finally:
        if ticker is not None:
            ticker.stop()
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--console", action="store_true", help="chat in this terminal")
    args = parser.parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    console = args.console or settings.bot_token is None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings, console=console))


if __name__ == "__main__":
    main()
