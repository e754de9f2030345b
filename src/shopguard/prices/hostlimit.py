"""Politeness towards shops: requests to one host are spaced, with jitter, and a host that
answered 429 or 5xx is left alone for the back-off time.

Each request books the host's next free slot (``reserve``), so concurrent watches of one shop
queue up instead of arriving together; the jitter keeps many watches started by one scheduler
tick from hitting the shop in lockstep. Time and sleep are injected for tests.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Final

PRUNE_ABOVE: Final = 1024


class HostRateLimiter:
    def __init__(
        self,
        min_interval: float,
        jitter: float = 0.25,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        """``min_interval`` seconds between two requests to one host, stretched by up to
        ``jitter`` × ``min_interval`` at random."""
        if min_interval < 0 or jitter < 0:
            raise ValueError("min_interval and jitter must not be negative")
        self.min_interval = min_interval
        self.jitter = jitter
        self._monotonic = monotonic
        self._sleep = sleep
        self._rand = rand
        self._next: dict[str, float] = {}

    def reserve(self, host: str) -> float:
        """Book the next slot for ``host``; returns how long to wait for it."""
        now = self._monotonic()
        if len(self._next) > PRUNE_ABOVE:
            self._next = {h: t for h, t in self._next.items() if t > now}
        slot = max(now, self._next.get(host, now))
        spacing = self.min_interval * (1.0 + self.jitter * self._rand())
        self._next[host] = slot + spacing
        return slot - now

    async def wait(self, host: str) -> None:
        delay = self.reserve(host)
        if delay > 0:
            await self._sleep(delay)

    def hold(self, host: str, seconds: float) -> None:
        """The host asked us to back off: no request before ``seconds`` from now."""
        until = self._monotonic() + seconds
        self._next[host] = max(self._next.get(host, until), until)

    def jittered(self, seconds: float) -> float:
        """``seconds`` stretched by up to the jitter fraction (for back-off delays)."""
        return seconds * (1.0 + self.jitter * self._rand())
