"""The send scheduler books slots under both the global and the per-chat limit."""

from __future__ import annotations

import pytest

from shopguard.ratelimit import SendScheduler


def scheduler(rate: float = 4.0, chat_interval: float = 1.0) -> tuple[SendScheduler, list[float]]:
    now = [100.0]
    return SendScheduler(rate, chat_interval, monotonic=lambda: now[0]), now


def test_global_rate_spaces_different_chats() -> None:
    s, _ = scheduler(rate=4.0)
    assert [s.reserve(chat) for chat in range(6)] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]


def test_one_chat_waits_its_interval_without_wasting_global_slots() -> None:
    s, _ = scheduler(rate=4.0, chat_interval=1.0)
    assert s.reserve(1) == 0.0
    assert s.reserve(1) == 1.0  # this chat's next slot
    assert s.reserve(2) == 1.25  # the global budget after that booking
    s2, _ = scheduler(rate=4.0, chat_interval=1.0)
    assert [s2.reserve(1), s2.reserve(2), s2.reserve(1)] == [0.0, 0.25, 1.0]


def test_holds_push_slots_back_and_time_passing_frees_them() -> None:
    s, now = scheduler(rate=10.0, chat_interval=1.0)
    s.hold_chat(7, 5.0)
    assert s.reserve(7) == 5.0
    s.hold_all(3.0)
    assert s.reserve(8) == pytest.approx(5.1)
    now[0] += 60
    assert s.reserve(9) == 0.0


def test_rejects_nonsense_rates() -> None:
    with pytest.raises(ValueError):
        SendScheduler(0, 1)
