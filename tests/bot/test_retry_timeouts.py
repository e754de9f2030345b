"""Replies after a Bot API request timed out: retried within the budget, repeats count as done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendMessage,
    TelegramMethod,
)

from bot.retry import RetryRequestMiddleware, own_retries
from tests.fakebotapi import FakeBotAPI

BOT = Bot("123:RETRY")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class Clock:
    """Seconds that pass only when a stubbed request says so (a timeout takes ``timeout``)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Telegram:
    """A stub ``make_request``: answers from a script of errors, then ``result``."""

    def __init__(
        self, clock: Clock, *errors: Exception, result: Any = "ok", timeout: float = 10.0
    ) -> None:
        self.clock = clock
        self.errors = list(errors)
        self.result = result
        self.timeout = timeout
        self.calls: list[TelegramMethod[Any]] = []

    async def __call__(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        self.calls.append(method)
        if not self.errors:
            return self.result
        error = self.errors.pop(0)
        if isinstance(error, TelegramNetworkError):
            self.clock.now += self.timeout  # the client waited this long for nothing
        raise error


def timeout(method: TelegramMethod[Any]) -> TelegramNetworkError:
    return TelegramNetworkError(method=method, message="Request timeout error")


def middleware(clock: Clock, max_wait: float = 60.0) -> Any:
    return RetryRequestMiddleware(max_wait=max_wait, backoff_base=0.001, clock=clock)


EDIT = EditMessageText(chat_id=7, message_id=3, text="<b>状态</b>")
SEND = SendMessage(chat_id=7, text="你好")


@pytest.mark.parametrize("method", [EDIT, SEND], ids=["editMessageText", "sendMessage"])
async def test_a_timed_out_request_is_retried_unchanged_until_it_succeeds(
    method: TelegramMethod[Any],
) -> None:
    clock = Clock()
    telegram = Telegram(clock, timeout(method), timeout(method), result="answer")

    assert await middleware(clock)(telegram, BOT, method) == "answer"
    assert len(telegram.calls) == 3
    assert all(call is method for call in telegram.calls)
    assert method.model_dump() == telegram.calls[-1].model_dump()


@pytest.mark.parametrize(
    ("method", "answer"),
    [
        (EDIT, NOT_MODIFIED),
        (EditMessageReplyMarkup(chat_id=7, message_id=3), NOT_MODIFIED),
        (DeleteMessage(chat_id=7, message_id=3), "Bad Request: message to delete not found"),
        (
            AnswerCallbackQuery(callback_query_id="q1"),
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
    ],
    ids=["edit text", "edit markup", "delete", "answer query"],
)
async def test_a_repeat_refused_because_the_timed_out_try_took_effect_is_a_success(
    method: TelegramMethod[Any], answer: str
) -> None:
    clock = Clock()
    telegram = Telegram(clock, timeout(method), TelegramBadRequest(method=method, message=answer))

    assert await middleware(clock)(telegram, BOT, method) is True
    assert len(telegram.calls) == 2


async def test_not_modified_on_the_first_try_is_still_the_callers_to_handle() -> None:
    clock = Clock()
    telegram = Telegram(clock, TelegramBadRequest(method=EDIT, message=NOT_MODIFIED))

    with pytest.raises(TelegramBadRequest, match="not modified"):
        await middleware(clock)(telegram, BOT, EDIT)
    assert len(telegram.calls) == 1


async def test_other_refusals_of_a_repeat_are_raised() -> None:
    clock = Clock()
    refusal = TelegramBadRequest(method=EDIT, message="Bad Request: message to edit not found")
    telegram = Telegram(clock, timeout(EDIT), refusal)

    with pytest.raises(TelegramBadRequest, match="to edit not found"):
        await middleware(clock)(telegram, BOT, EDIT)


async def test_timeouts_stop_being_retried_once_max_wait_has_passed() -> None:
    clock = Clock()
    telegram = Telegram(clock, *(timeout(SEND) for _ in range(10)), timeout=10.0)

    with pytest.raises(TelegramNetworkError, match="timeout"):
        await middleware(clock, max_wait=25.0)(telegram, BOT, SEND)
    # tries end at 10, 20 and 30 s: the third ends past the budget, so no fourth starts
    assert len(telegram.calls) == 3


async def test_the_budget_counts_time_lost_to_timeouts_and_to_429_together() -> None:
    clock = Clock()
    flood = TelegramRetryAfter(method=SEND, message="Too Many Requests", retry_after=8)
    telegram = Telegram(clock, timeout(SEND), flood, timeout=10.0)

    with pytest.raises(TelegramRetryAfter):
        await middleware(clock, max_wait=15.0)(telegram, BOT, SEND)  # 10 s lost + 8 s > 15 s
    assert len(telegram.calls) == 2


async def test_server_errors_are_still_retried() -> None:
    clock = Clock()
    telegram = Telegram(clock, TelegramServerError(method=SEND, message="Bad Gateway"))

    assert await middleware(clock)(telegram, BOT, SEND) == "ok"
    assert len(telegram.calls) == 2


async def test_get_updates_and_own_retries_are_left_alone() -> None:
    clock = Clock()
    poll = GetUpdates(timeout=10)
    telegram = Telegram(clock, timeout(poll))
    with pytest.raises(TelegramNetworkError):
        await middleware(clock)(telegram, BOT, poll)
    assert len(telegram.calls) == 1

    telegram = Telegram(clock, timeout(SEND))
    with own_retries(), pytest.raises(TelegramNetworkError):
        await middleware(clock)(telegram, BOT, SEND)
    assert len(telegram.calls) == 1


# ---------------------------------------------------------------- through a real HTTP session


@pytest.fixture
async def impatient_bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    """Gives up on a request after 0.5 s and waits at least 0.6 s before trying again."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url), timeout=0.5)
    session.middleware(RetryRequestMiddleware(max_wait=10.0, backoff_base=0.6))
    bot = Bot("123:RETRY", session=session)
    yield bot
    await session.close()


async def test_a_reply_lost_on_the_way_arrives_once_after_the_retries(
    fake: FakeBotAPI, impatient_bot: Bot
) -> None:
    fake.hang_next(2, method="sendMessage")

    message = await impatient_bot.send_message(7, "你好")

    assert fake.hung == {"sendMessage": 2}
    assert [c.text for c in fake.messages_to(7)] == ["你好"]
    assert message.message_id == 1


async def test_an_edit_whose_answer_came_too_late_is_not_an_error(
    fake: FakeBotAPI, impatient_bot: Bot
) -> None:
    sent = await impatient_bot.send_message(7, "旧")
    # applied 0.8 s after it arrived: after the client gave up (0.5 s), before its retry (1.1 s)
    fake.delay_next(1, 0.8, method="editMessageText")

    result = await impatient_bot.edit_message_text("新", chat_id=7, message_id=sent.message_id)

    assert result is True
    assert fake.message(7, sent.message_id)["text"] == "新"  # type: ignore[index]
    assert [c.method for c in fake.sent] == ["sendMessage", "editMessageText"]
    [repeat] = fake.rejected
    assert repeat.method == "editMessageText" and "not modified" in (repeat.error or "")
