"""The real bot: open a case, leave a dialog half-finished, kill -9, restart — both remain."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BotProcess, eventually, wait_stored
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 880001


async def test_case_and_half_finished_dialog_survive_kill_9(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
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
        bot_process,
        "SELECT number, platform, problem_type FROM cases",
        [(1, "jd", "quality_defect")],
    )

    await fake_api.user_text(SHOPPER, "/new")
    await fake_api.wait_for_message(SHOPPER, "在哪个平台买的", since=fake_api.mark() - 1)
    await fake_api.press_button(SHOPPER, "抖音")
    await fake_api.wait_for(lambda c: "平台：抖音" in (c.text or ""))
    await eventually(
        lambda: bot_process.dialog_state(SHOPPER), "NewCase:problem", "the dialog state"
    )

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
