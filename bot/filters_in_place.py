"""Handler filters are checked in place, not in a worker thread.

aiogram runs every synchronous filter — a magic filter such as ``F.text``, a ``State`` used as a
filter, a plain function — through ``asyncio.to_thread``, which is meant for slow blocking code.
ShopGuard's filters only look at the update and take microseconds, but each one cost a round
trip to a worker thread on every update it was tried on: a command near the end of the router
list went through about 17 of them, more CPU than its handler. Filters must therefore never
block or do I/O; the ones that need the database are ``async``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject


def check_filters_in_place(router: Router) -> None:
    """Make the synchronous filters of ``router`` and its sub-routers run on the event loop."""
    for observer in router.observers.values():
        for handler in observer.handlers:
            for event_filter in handler.filters or ():
                if not event_filter.awaitable:
                    _in_place(event_filter)
    for sub_router in router.sub_routers:
        check_filters_in_place(sub_router)


def _in_place(event_filter: FilterObject) -> None:
    check: Callable[..., Any] = event_filter.callback

    async def in_place(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    # aiogram passes the filter the arguments its signature asks for (read from the original
    # callable, still in ``params``); the wrapper hands them on unchanged.
    event_filter.callback = in_place
    event_filter.awaitable = True
