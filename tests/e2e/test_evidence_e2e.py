"""The real bot process keeps a document sent through the (fake) Bot API in its evidence store,
downloaded through getFile and the file URL, hashed, and recorded in the database."""

from __future__ import annotations

import hashlib

import pytest

from tests.e2e.conftest import BotProcess, wait_stored
from tests.evidence_samples import jpeg_with_exif
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

SHOPPER = 990001


async def test_a_document_lands_in_the_evidence_store(
    fake_api: FakeBotAPI, bot_process: BotProcess
) -> None:
    await bot_process.start(wait=True)
    await fake_api.user_text(SHOPPER, "/new")
    await fake_api.wait_for_message(SHOPPER, "在哪个平台买的", timeout=20)
    await fake_api.press_button(SHOPPER, "抖音")
    await fake_api.wait_for(lambda c: "平台：抖音" in (c.text or ""))
    await fake_api.press_button(SHOPPER, "运输破损")
    await fake_api.wait_for_message(SHOPPER, "案件 1 已创建")

    photo = jpeg_with_exif("2026:11:20 21:15:03")
    mark = fake_api.mark()
    await fake_api.user_document(SHOPPER, photo, "../../外包装.jpg", "image/jpeg", "快递盒压坏了")
    question = await fake_api.wait_for_message(SHOPPER, "已存入案件 1", since=mark, timeout=20)
    assert "外包装.jpg" in (question.text or "") and ".." not in (question.text or "")

    digest = hashlib.sha256(photo).hexdigest()
    stored = bot_process.data_dir / "evidence" / "users" / str(SHOPPER) / digest[:2] / digest
    assert stored.read_bytes() == photo
    await wait_stored(
        bot_process,
        "SELECT sha256, file_name, description, camera FROM evidence_items",
        [(digest, "外包装.jpg", "快递盒压坏了", "Xiaomi Redmi K70")],
    )
    assert sum(fake_api.downloads.values()) == 1

    await fake_api.press_button(SHOPPER, "签收时外包装")
    await fake_api.wait_for(lambda c: "已归类为「签收时外包装」" in (c.text or ""), since=mark)
    await wait_stored(bot_process, "SELECT kind FROM evidence_items", [("package_photo",)])
    assert fake_api.internal_errors == []
