"""Webhook mode: an aiohttp server that checks Telegram's secret header and answers /healthz."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.startup import until_done
from shopguard.settings import Settings

log = logging.getLogger("shopguard.webhook")


class SecretCheckingHandler(SimpleRequestHandler):
    """A missing or wrong secret is refused with 403 before the body is read."""

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        header = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not self.verify_secret(header, bot):
            return web.Response(status=403, text="forbidden")
        return await super().handle(request)


async def healthz(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


def build_app(settings: Settings, dispatcher: Dispatcher, bot: Bot) -> web.Application:
    assert settings.webhook_url is not None
    path = urlsplit(settings.webhook_url).path or "/"
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    SecretCheckingHandler(
        dispatcher=dispatcher, bot=bot, secret_token=secret, handle_in_background=False
    ).register(app, path=path)
    setup_application(app, dispatcher, bot=bot)
    return app


async def run_webhook(settings: Settings, dispatcher: Dispatcher, bot: Bot) -> None:
    assert settings.webhook_url is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await until_done(
        lambda: bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        ),
        "setWebhook",
    )
    host, _, port = settings.webhook_listen.rpartition(":")
    runner = web.AppRunner(build_app(settings, dispatcher, bot))
    await runner.setup()
    site = web.TCPSite(runner, host or "127.0.0.1", int(port))
    await site.start()
    log.info("webhook listening on %s", settings.webhook_listen)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
