"""Webhook mode: the secret header is checked (403 otherwise) and /healthz answers."""

from __future__ import annotations

from pathlib import Path

from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_dispatcher
from bot.local_session import LocalSession
from bot.webhook import build_app
from shopguard.settings import Settings

UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 1,
        "date": 1763800000,
        "chat": {"id": 77, "type": "private"},
        "from": {"id": 77, "is_bot": False, "first_name": "A", "language_code": "zh-hans"},
        "text": "/start",
    },
}


async def test_webhook_checks_the_secret_and_answers_healthz(
    tmp_path: Path, sessions, clock
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        bot_token="123:TOKEN",
        webhook_url="https://example.invalid/tg/hook",
        webhook_secret="s3cret",
    )
    session = LocalSession()
    bot = Bot("123:TOKEN", session=session)
    app = build_app(settings, build_dispatcher(settings, sessions, clock), bot)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/healthz")).status == 200
        assert (await client.post("/tg/hook", json=UPDATE)).status == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
        assert (await client.post("/tg/hook", json=UPDATE, headers=wrong)).status == 403
        assert session.sent == []
        right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        assert (await client.post("/tg/hook", json=UPDATE, headers=right)).status == 200
    assert any("购物维权助手" in (out.text or "") for out in session.sent)
