"""The real bot: open a case, leave a dialog half-finished, kill -9, restart — both remain."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import BotProcess
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 880001


async def wait_stored(db_path: Path, sql: str, expected: object, timeout: float = 15.0) -> None:
    """Wait until the bot has committed what the test expects (read-only, short reads)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if db_path.exists():
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as conn:
                try:
                    last = conn.execute(sql).fetchall()
                except sqlite3.OperationalError:
                    last = None
            if last == expected:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{sql!r} gave {last!r}, expected {expected!r}")


async def test_case_and_half_finished_dialog_survive_kill_9(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    db_path = bot_process.data_dir / "shopguard.sqlite3"
    await bot_process.start(wait=True)

    await fake_api.user_text(SHOPPER, "/start")
    await fake_api.wait_for_message(SHOPPER, "购物维权助手", timeout=20)

    await fake_api.user_text(SHOPPER, "/new")
    await fake_api.wait_for_message(SHOPPER, "在哪个平台买的")
    await fake_api.press_button(SHOPPER, "京东")
    await fake_api.wait_for(lambda c: "平台：京东" in (c.text or ""))
    await fake_api.press_button(SHOPPER, "质量问题")
    await fake_api.wait_for_message(SHOPPER, "案件 1 已创建")
    await wait_stored(
        db_path, "SELECT number, platform, problem_type FROM cases", [(1, "jd", "quality_defect")]
    )

    await fake_api.user_text(SHOPPER, "/new")
    await fake_api.wait_for_message(SHOPPER, "在哪个平台买的", since=fake_api.mark() - 1)
    await fake_api.press_button(SHOPPER, "抖音")
    await fake_api.wait_for(lambda c: "平台：抖音" in (c.text or ""))
    await wait_stored(db_path, "SELECT state FROM dialog_states", [("NewCase:problem",)])

    await bot_process.kill9()
    assert bot_process.returncode == -9
    await bot_process.start(wait=True)

    mark = fake_api.mark()
    await fake_api.press_button(SHOPPER, "疑似假货")
    card = await fake_api.wait_for(
        lambda c: "案件 2 · 进行中" in (c.text or ""), timeout=20, since=mark
    )
    assert "平台：抖音" in card.text and "问题：疑似假货" in card.text

    await fake_api.user_text(SHOPPER, "/cases")
    listing = await fake_api.wait_for_message(SHOPPER, "我的案件（共 2 个", since=mark)
    labels = [label for label, _ in fake_api.buttons(listing)]
    assert labels[0].startswith("🟢 #2 抖音") and labels[1].startswith("🟢 #1 京东")
    assert fake_api.internal_errors == []
