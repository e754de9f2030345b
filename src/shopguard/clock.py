"""The clock is injected everywhere: rules and services never call ``datetime.now()``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real clock, always timezone-aware UTC."""
    return datetime.now(UTC)


class FixedClock:
    """A clock for tests and benchmarks: returns a set instant until moved."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta
