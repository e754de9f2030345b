"""The first database read of an update rides out a database restart instead of failing.

Nothing of the update is done before that read, so trying it again is safe; a shopper who
writes while PostgreSQL restarts gets their answer a few seconds late, not an apology. With the
dialog state in SQL that first read is the dialog state's (``bot.storage``); with Redis holding
it, the shopper's (``bot.middlewares.user_context``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger("shopguard.reconnect")
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)  # seconds: 7.5 in all, then the error goes its way

T = TypeVar("T")


async def riding_out_reconnect(
    read: Callable[[], Awaitable[T]],
    what: str,
    before_retry: Callable[[], Awaitable[None]] | None = None,
) -> T:
    """``read()``, tried again after each of RETRY_DELAYS while the database is unreachable;
    ``before_retry`` resets what the failed try left behind (a session's broken transaction)."""
    for delay in RETRY_DELAYS:
        try:
            return await read()
        except (DBAPIError, OSError) as err:
            log.warning("%s failed (%s); retrying in %s s", what, err, delay)
        if before_retry is not None:
            await before_retry()
        await asyncio.sleep(delay)
    return await read()
