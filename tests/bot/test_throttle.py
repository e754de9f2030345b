"""Flood control: one user's flood is cut with a single notice; other users are untouched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import build_dispatcher
from bot.local_chat import LocalChat
from bot.middlewares.throttle import ThrottleMiddleware
from shopguard.clock import FixedClock
from shopguard.settings import Settings
from shopguard.taxonomy import Language


def test_bucket_refills_over_time() -> None:
    now = [0.0]
    throttle = ThrottleMiddleware(
        rate=1.0, burst=3, default_language=Language.ZH, monotonic=lambda: now[0]
    )
    assert [throttle.allow(1) for _ in range(5)] == [
        (True, False),
        (True, False),
        (True, False),
        (False, True),
        (False, False),
    ]
    assert throttle.allow(2) == (True, False)
    now[0] = 2.0
    assert throttle.allow(1) == (True, False)


async def test_flood_gets_one_notice_and_others_still_answered(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, throttle_rate=0.5, throttle_burst=5)  # type: ignore[call-arg]
    dispatcher = build_dispatcher(settings, sessions, clock)
    flooder = LocalChat(dispatcher, user_id=1)
    replies = []
    for _ in range(50):
        replies += await flooder.send("/help")
    notices = [r for r in replies if r.text == "消息太快啦，请稍等几秒再发。"]
    helps = [r for r in replies if r.text and r.text.startswith("<b>怎么用</b>")]
    assert len(notices) == 1 and len(helps) == 5
    calm = flooder.as_user(2)
    assert (await calm.send("/help"))[0].text.startswith("<b>怎么用</b>")


async def test_an_album_of_ten_counts_as_one_message() -> None:
    throttle = ThrottleMiddleware(rate=0.1, burst=2, default_language=Language.ZH)
    from aiogram.types import Chat, Message, User

    calls: list[int] = []

    async def handler(event: object, data: dict[str, object]) -> None:
        calls.append(1)

    user = User(id=5, is_bot=False, first_name="A")
    for n in range(10):
        album_file = Message(
            message_id=n,
            date=0,
            chat=Chat(id=5, type="private"),
            from_user=user,
            media_group_id="alb-1",
            caption="x",
        )
        await throttle(handler, album_file, {})
    assert len(calls) == 10
    assert throttle.allow(5) == (True, False)  # one token left of the burst of two
    assert throttle.allow(5) == (False, True)


async def test_200_messages_in_10_seconds_one_notice_and_the_calm_user_is_always_answered(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, throttle_rate=1.5, throttle_burst=8)  # type: ignore[call-arg]
    dispatcher = build_dispatcher(settings, sessions, clock)
    now = [1000.0]
    for observer in (dispatcher.sub_routers[0].message, dispatcher.sub_routers[0].callback_query):
        for middleware in observer.outer_middleware:
            if isinstance(middleware, ThrottleMiddleware):
                middleware.monotonic = lambda: now[0]
    flooder, calm = LocalChat(dispatcher, user_id=1), LocalChat(dispatcher, user_id=2)
    flood_replies, calm_answers = [], 0
    for n in range(200):
        now[0] += 0.05  # 200 messages over 10 seconds
        flood_replies += await flooder.send("/help")
        if n % 20 == 0:
            calm_answers += any(
                (r.text or "").startswith("<b>怎么用</b>") for r in await calm.send("/help")
            )
    notices = [r for r in flood_replies if r.text == "消息太快啦，请稍等几秒再发。"]
    answered = [r for r in flood_replies if (r.text or "").startswith("<b>怎么用</b>")]
    assert len(notices) == 1
    assert len(answered) <= 8 + 1.5 * 10 + 1  # the burst plus the sustained rate
    assert calm_answers == 10
