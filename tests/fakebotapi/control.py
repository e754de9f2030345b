"""JSON control API under ``/_fake/`` for driving a FakeBotAPI that runs in another process.

Benchmarks start ``python -m tests.fakebotapi`` and talk to it over HTTP:

* ``GET  /_fake/stats``                       counters (429s, 5xx, accepted sends per chat, peaks)
* ``GET  /_fake/sent?since=N``                recorded calls (no file bytes)
* ``POST /_fake/update``      Update or list  queue raw updates
* ``POST /_fake/user_text``   {user_id, text, first_name?, language_code?}
* ``POST /_fake/user_press``  {user_id, message_id, callback_data}
* ``POST /_fake/limits``      {per_chat?, global?, window?, retry_after?}
* ``POST /_fake/fail_next``   {n, status?, method?, after_processing?, retry_after?}
* ``POST /_fake/delay_next``  {n, seconds, method?}
* ``POST /_fake/hang_next``   {n, method?}            or ``/_fake/hang_for`` {seconds, method?}
* ``POST /_fake/reset``       forget recorded calls and counters, clear faults
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .records import SentCall
    from .server import FakeBotAPI


def call_summary(call: SentCall) -> dict[str, Any]:
    return {
        "method": call.method,
        "chat_id": call.chat_id,
        "text": call.text,
        "reply_markup": call.reply_markup,
        "message_id": call.message_id,
        "document": None
        if call.document is None
        else {"filename": call.document.filename, "size": call.document.size},
        "time": call.time,
        "status": call.status,
    }


def stats(fake: FakeBotAPI, window: float = 1.0) -> dict[str, Any]:
    return {
        "requests": dict(fake.requests),
        "sent": len(fake.sent),
        "rejected": len(fake.rejected),
        "count_429": fake.count_429,
        "count_5xx": fake.count_5xx,
        "count_4xx": fake.count_4xx,
        "hung": dict(fake.hung),
        "accepted_sends": {str(chat): n for chat, n in fake.accepted_sends.items()},
        "window": window,
        "peak_sends": fake.peak_sends(window),
        "peak_sends_per_chat": fake.peak_sends_per_chat(window),
        "poll_count": fake.poll_count,
        "pending_updates": len(fake.pending_updates),
        "internal_errors": fake.internal_errors,
    }


def add_control_routes(app: web.Application, fake: FakeBotAPI) -> None:
    async def get_stats(request: web.Request) -> web.Response:
        return web.json_response(stats(fake, float(request.query.get("window", 1.0))))

    async def get_sent(request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        return web.json_response([call_summary(call) for call in fake.sent[since:]])

    async def post_update(request: web.Request) -> web.Response:
        body = await request.json()
        items = body if isinstance(body, list) else [body]
        ids = [(await fake.push_update(item))["update_id"] for item in items]
        return web.json_response({"update_ids": ids})

    async def post_user_text(request: web.Request) -> web.Response:
        body = await request.json()
        update = await fake.user_text(
            int(body["user_id"]),
            body["text"],
            first_name=body.get("first_name"),
            language_code=body.get("language_code", "zh-hans"),
        )
        return web.json_response(update)

    async def post_user_press(request: web.Request) -> web.Response:
        body = await request.json()
        update = await fake.user_press(
            int(body["user_id"]), int(body["message_id"]), body["callback_data"]
        )
        return web.json_response(update)

    async def post_limits(request: web.Request) -> web.Response:
        body = await request.json()
        fake.set_rate_limits(
            body.get("per_chat"),
            body.get("global"),
            window=float(body.get("window", 1.0)),
            retry_after=body.get("retry_after"),
        )
        return web.json_response({"ok": True})

    async def post_fail_next(request: web.Request) -> web.Response:
        body = await request.json()
        fake.fail_next(
            int(body.get("n", 1)),
            int(body.get("status", 500)),
            body.get("method"),
            after_processing=bool(body.get("after_processing", False)),
            retry_after=body.get("retry_after"),
        )
        return web.json_response({"ok": True})

    async def post_delay_next(request: web.Request) -> web.Response:
        body = await request.json()
        fake.delay_next(int(body.get("n", 1)), float(body["seconds"]), body.get("method"))
        return web.json_response({"ok": True})

    async def post_hang_next(request: web.Request) -> web.Response:
        body = await request.json()
        fake.hang_next(int(body.get("n", 1)), body.get("method"))
        return web.json_response({"ok": True})

    async def post_hang_for(request: web.Request) -> web.Response:
        body = await request.json()
        fake.hang_for(float(body["seconds"]), body.get("method"))
        return web.json_response({"ok": True})

    async def post_reset(request: web.Request) -> web.Response:
        fake.reset_records()
        fake.clear_faults()
        return web.json_response({"ok": True})

    app.router.add_get("/_fake/stats", get_stats)
    app.router.add_get("/_fake/sent", get_sent)
    app.router.add_post("/_fake/update", post_update)
    app.router.add_post("/_fake/user_text", post_user_text)
    app.router.add_post("/_fake/user_press", post_user_press)
    app.router.add_post("/_fake/limits", post_limits)
    app.router.add_post("/_fake/fail_next", post_fail_next)
    app.router.add_post("/_fake/delay_next", post_delay_next)
    app.router.add_post("/_fake/hang_next", post_hang_next)
    app.router.add_post("/_fake/hang_for", post_hang_for)
    app.router.add_post("/_fake/reset", post_reset)
