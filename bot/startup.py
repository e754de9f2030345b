"""Start-up calls to the Bot API that must survive it being down for a while."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.app import bot_commands
from shopguard.taxonomy import Language

log = logging.getLogger("shopguard")


async def announce_commands(bot: Bot) -> None:
    """The command menu is a nicety: failing to set it never stops the bot from serving."""
    for language in Language:
        try:
            await bot.set_my_commands(bot_commands(language), language_code=language.value)
        except (TelegramAPIError, TelegramNetworkError) as err:
            log.warning("could not set the command menu (%s); serving without it", err)
            return


async def until_done(call: Callable[[], Awaitable[object]], what: str) -> None:
    """Retry a start-up call while the Bot API is unreachable or failing, backing off to 30 s."""
    delay = 1.0
    while True:
        try:
            await call()
            return
        except (TelegramServerError, TelegramNetworkError, TelegramRetryAfter) as err:
            log.warning("%s failed (%s); retrying in %.0f s", what, err, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
