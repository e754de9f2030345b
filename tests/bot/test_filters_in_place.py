"""Filters run on the event loop: none takes a trip to a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject

from bot.local_chat import LocalChat


def all_filters(router: Router) -> Iterator[FilterObject]:
    for observer in router.observers.values():
        for handler in observer.handlers:
            yield from handler.filters or ()
    for sub_router in router.sub_routers:
        yield from all_filters(sub_router)


def test_every_filter_of_the_bot_is_checked_in_place(dispatcher: Dispatcher) -> None:
    filters = list(all_filters(dispatcher))
    assert len(filters) > 50  # the routers are all there
    in_threads = [f for f in filters if not f.awaitable]
    assert in_threads == []


async def test_dialogs_filter_as_before_without_any_worker_thread(
    chat: LocalChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state filter, a magic filter and a command all decide as they did in threads."""

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("a filter ran in a worker thread")

    monkeypatch.setattr(asyncio, "to_thread", refuse)
    await chat.send("/tz")
    reply = (await chat.send("Asia/Tokyo"))[-1]  # TzInput.value & F.text
    assert "Asia/Tokyo" in (reply.text or "")
    unknown = (await chat.send("/nosuchcommand"))[-1]  # through every router to the fallback
    assert unknown.text
