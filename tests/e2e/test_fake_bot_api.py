"""The fake Bot API server, checked through a real aiogram Bot (no bot package needed)."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    Message,
    Update,
)

from tests.e2e.conftest import REPO_ROOT, BotProcess
from tests.fakebotapi import FakeBotAPI, WaitTimeout

TOKEN = "123456:TEST-TOKEN"
USER = 4242


@pytest.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake_api.base_url))
    bot = Bot(TOKEN, session=session)
    try:
        yield bot
    finally:
        await bot.session.close()


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


async def test_get_me_accepts_any_token_and_records_it(fake_api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == 123456
    assert me.is_bot
    assert me.username == fake_api.bot_username
    assert fake_api.token == TOKEN
    assert fake_api.requests["getMe"] == 1


async def test_send_message_returns_a_parsed_message(fake_api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard([("Yes", "case:yes"), ("No", "case:no")], [("Help", "help")])

    first = await bot.send_message(USER, "<b>你好</b> ShopGuard", parse_mode="HTML")
    second = await bot.send_message(USER, "Pick one", reply_markup=markup)

    assert isinstance(first, Message)
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == USER and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.is_bot
    assert first.text == "你好 ShopGuard"  # HTML parsed away, as Telegram does
    assert second.reply_markup is not None
    assert second.reply_markup.model_dump() == markup.model_dump()
    call = fake_api.sent[-1]
    assert (call.method, call.chat_id, call.text) == ("sendMessage", USER, "Pick one")
    assert fake_api.buttons(call) == [("Yes", "case:yes"), ("No", "case:no"), ("Help", "help")]
    assert [c.message_id for c in fake_api.messages_to(USER)] == [1, 2]
    assert fake_api.accepted_sends[USER] == 2


async def test_bad_html_and_long_text_are_rejected_like_telegram(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "line<br>break", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "字" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard([("Go", "d" * 65)]))


async def test_get_updates_redelivers_until_confirmed(fake_api: FakeBotAPI, bot: Bot) -> None:
    for text in ("one", "two", "three"):
        await fake_api.user_text(USER, text)

    first = await bot.get_updates(limit=2)
    again = await bot.get_updates(limit=2)  # nothing confirmed yet: same batch
    confirmed = await bot.get_updates(offset=first[-1].update_id + 1)
    drained = await bot.get_updates(offset=confirmed[-1].update_id + 1, timeout=0)

    assert [u.message.text for u in first if u.message] == ["one", "two"]
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert [u.message.text for u in confirmed if u.message] == ["three"]
    assert drained == []
    assert fake_api.pending_updates == []
    assert fake_api.deliveries[first[0].update_id] == 2


async def test_long_poll_wakes_up_for_a_new_update(fake_api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.1)
    await fake_api.user_text(USER, "/start", first_name="Li")

    updates = await asyncio.wait_for(poll, 5)

    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.from_user is not None and message.from_user.language_code == "zh-hans"
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == []


async def test_a_second_poller_terminates_the_first(fake_api: FakeBotAPI, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot.get_updates(timeout=20))

    with pytest.raises(TelegramConflictError):
        await asyncio.wait_for(first, 5)
    await fake_api.user_text(USER, "hello")
    assert len(await asyncio.wait_for(second, 5)) == 1


async def test_download_of_registered_files(fake_api: FakeBotAPI, bot: Bot) -> None:
    pdf = b"%PDF-1.4 receipt"
    doc_update = await fake_api.user_document(USER, pdf, "receipt.pdf", "application/pdf", "票据")
    photo_update = await fake_api.user_photo(USER, b"\xff\xd8\xff fake jpeg")

    doc = Update.model_validate(doc_update, context={"bot": bot}).message
    photo = Update.model_validate(photo_update, context={"bot": bot}).message
    assert doc is not None and doc.document is not None and doc.caption == "票据"
    assert photo is not None and photo.photo is not None

    downloaded = await bot.download(doc.document.file_id)
    assert isinstance(downloaded, io.BytesIO) and downloaded.read() == pdf
    got = await bot.download(photo.photo[-1].file_id)
    assert got is not None and got.read() == b"\xff\xd8\xff fake jpeg"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_files_over_20_mb_cannot_be_fetched(fake_api: FakeBotAPI, bot: Bot) -> None:
    update = await fake_api.user_document(
        USER, b"tiny", "video.mp4", "video/mp4", file_size=25 * 1024 * 1024
    )
    document = Update.model_validate(update, context={"bot": bot}).message.document  # type: ignore[union-attr]

    assert document is not None and document.file_size == 25 * 1024 * 1024
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(document.file_id)


async def test_per_chat_rate_limit_answers_429(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.set_rate_limits(per_chat=1)

    await bot.send_message(1, "first")
    with pytest.raises(TelegramRetryAfter) as excinfo:
        await bot.send_message(1, "too soon")
    await bot.send_message(2, "another chat is fine")

    assert excinfo.value.retry_after >= 1
    assert fake_api.count_429 == 1
    assert fake_api.accepted_sends == {1: 1, 2: 1}
    assert fake_api.rejected[-1].status == 429 and fake_api.rejected[-1].chat_id == 1
    assert fake_api.peak_sends_per_chat() == 1


async def test_global_rate_limit_answers_429(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.set_rate_limits(global_limit=2)

    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(3, "c")

    assert fake_api.peak_sends() == 2
    assert fake_api.count_429 == 1


async def test_fail_next_produces_server_errors(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.fail_next(1, status=502)
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "lost")
    fake_api.fail_next(1, status=500, method="sendMessage")
    await bot.get_me()  # other methods are not affected
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "lost too")
    delivered = await bot.send_message(USER, "delivered")

    assert fake_api.count_5xx == 2
    assert [c.text for c in fake_api.messages_to(USER)] == ["delivered"]
    assert delivered.message_id == 1


async def test_fail_after_processing_still_delivers(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.fail_next(1, status=500, after_processing=True)
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "did it arrive?")

    [call] = fake_api.messages_to(USER)
    assert call.status == 500 and call.text == "did it arrive?"


async def test_blocked_user_answers_403(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.blocked_chats.add(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(USER, "hello?")


async def test_delay_next_provokes_a_client_timeout(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.delay_next(1, 2.0, method="sendMessage")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(USER, "slow", request_timeout=1)

    # The server still processes it after the delay, as Telegram would.
    call = await fake_api.wait_for_message(USER, "slow", timeout=5)
    assert call.message_id == 1


async def test_hang_next_times_the_client_out_and_processes_nothing(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    fake_api.hang_next(2, method="sendMessage")
    for text in ("lost", "lost too"):
        with pytest.raises(TelegramNetworkError, match="timeout"):
            await bot.send_message(USER, text, request_timeout=1)
    await bot.get_me()  # other methods are answered meanwhile
    delivered = await bot.send_message(USER, "delivered")

    assert fake_api.hung == {"sendMessage": 2}
    assert [c.text for c in fake_api.messages_to(USER)] == ["delivered"]
    assert delivered.message_id == 1 and fake_api.rejected == []


async def test_hang_for_drops_every_matching_request_for_a_while(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    fake_api.hang_for(1.5, method="sendMessage")
    lost = await asyncio.gather(
        *(bot.send_message(USER, text, request_timeout=1) for text in ("lost", "lost too")),
        return_exceptions=True,
    )
    assert all(isinstance(err, TelegramNetworkError) for err in lost)
    await asyncio.sleep(0.6)  # the timeouts took 1 s: now the 1.5 s are over
    delivered = await bot.send_message(USER, "after the hang", request_timeout=5)

    assert fake_api.hung == {"sendMessage": 2}
    assert [c.text for c in fake_api.messages_to(USER)] == ["after the hang"]
    assert delivered.message_id == 1


async def test_document_upload_is_recorded_with_its_bytes(fake_api: FakeBotAPI, bot: Bot) -> None:
    content = "投诉书\nOrder 123".encode()
    message = await bot.send_document(
        USER, BufferedInputFile(content, filename="complaint.txt"), caption="你的投诉书"
    )

    assert message.document is not None and message.document.file_name == "complaint.txt"
    assert message.caption == "你的投诉书"
    call = await fake_api.wait_for(lambda c: c.method == "sendDocument")
    assert call.document is not None
    assert (call.document.filename, call.document.content) == ("complaint.txt", content)
    assert call.document.caption == "你的投诉书" and call.text == "你的投诉书"
    assert fake_api.uploads == [call.document]
    again = await bot.download(message.document.file_id)  # the bot may fetch its own upload
    assert again is not None and again.read() == content


async def test_send_photo_needs_an_image(fake_api: FakeBotAPI, bot: Bot) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    message = await bot.send_photo(USER, BufferedInputFile(png, filename="chart.png"))

    assert message.photo is not None and fake_api.sent[-1].document is not None
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(USER, BufferedInputFile(b"not an image", filename="x.png"))


async def test_press_edit_and_answer(fake_api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Refund?", reply_markup=keyboard([("Yes", "refund:1")]))
    update = await fake_api.press_button(USER, "Yes")
    query = Update.model_validate(update, context={"bot": bot}).callback_query
    assert query is not None and query.data == "refund:1"
    assert isinstance(query.message, Message) and query.message.message_id == sent.message_id

    await bot.answer_callback_query(query.id, text="ok")
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query.id)
    edited = await bot.edit_message_text("Refund requested", chat_id=USER, message_id=1)
    assert isinstance(edited, Message) and edited.reply_markup is None  # keyboard dropped
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Refund requested", chat_id=USER, message_id=1)
    await bot.delete_message(USER, 1)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, 1)

    stale = await fake_api.user_press(USER, 1, "refund:1")  # pressing on a deleted message
    assert stale["callback_query"]["message"]["date"] == 0
    assert fake_api.unanswered_queries() == {stale["callback_query"]["id"]}


async def test_dispatcher_polling_round_trip(fake_api: FakeBotAPI, bot: Bot) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("欢迎使用 ShopGuard", reply_markup=keyboard([("New case", "new")]))

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"pressed {query.data}")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        await fake_api.user_text(USER, "/start")
        welcome = await fake_api.wait_for_message(USER, "ShopGuard")
        assert fake_api.buttons(welcome) == [("New case", "new")]
        await fake_api.press_button(USER, "New case")
        edit = await fake_api.wait_for(lambda c: c.method == "editMessageText")
        assert edit.text == "pressed new"
        assert fake_api.unanswered_queries() == set()
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 10)


async def test_wait_for_times_out_with_a_summary(fake_api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "something else")
    with pytest.raises(WaitTimeout, match="something else"):
        await fake_api.wait_for(lambda c: c.text == "never", timeout=0.2)


async def test_raw_json_form_and_unknown_methods(fake_api: FakeBotAPI) -> None:
    base = f"{fake_api.base_url}/bot{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/sendMessage", json={"chat_id": 7, "text": "json"}) as r:
            body = await r.json()
        async with http.post(f"{base}/sendmessage", data={"chat_id": "7", "text": "form"}) as r:
            form_body = await r.json()
        async with http.post(f"{base}/setMyDescription", data={"description": "x"}) as r:
            unknown = await r.json()
        async with http.post(f"{base}/sendMessage", json={"chat_id": 7}) as r:
            missing = (r.status, await r.json())

    assert body["ok"] and body["result"]["text"] == "json"
    assert form_body["result"]["message_id"] == 2
    assert unknown == {"ok": True, "result": True}
    assert fake_api.unknown_methods["setMyDescription"] == 1
    assert missing[0] == 400 and missing[1]["error_code"] == 400
    assert [c.method for c in fake_api.sent] == ["sendMessage", "sendMessage", "setMyDescription"]


async def test_runs_standalone_with_a_control_api() -> None:
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.fakebotapi", "--port", "0", "--per-chat-limit", "1"),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        base_url = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode().strip()
        assert base_url.startswith("http://127.0.0.1:")
        session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
        async with Bot(TOKEN, session=session) as bot:
            await bot.send_message(1, "hi")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(1, "again")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base_url}/_fake/stats") as response,
        ):
            stats = await response.json()
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)

    assert stats["count_429"] == 1
    assert stats["accepted_sends"] == {"1": 1}
    assert stats["requests"]["sendMessage"] == 2


async def test_set_my_commands_is_validated(fake_api: FakeBotAPI, bot: Bot) -> None:
    commands = [BotCommand(command="start", description="开始")]
    await bot.set_my_commands(commands, language_code="zh")

    got = await bot.get_my_commands(language_code="zh")
    assert [(c.command, c.description) for c in got] == [("start", "开始")]
    with pytest.raises(TelegramBadRequest, match="invalid language code"):
        await bot.set_my_commands(commands, language_code="zh-hans")
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="NewCase", description="x")])


# A stand-in bot for testing the process harness: it handles updates inline (so an update is
# confirmed only after its handler returns) and hangs on the first "hang" it ever sees.
STAND_IN_BOT = """
import asyncio, os, pathlib
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

marker = pathlib.Path(os.environ["DATA_DIR"]) / "hung-once"
dp = Dispatcher()

@dp.message()
async def handle(message):
    if not marker.exists():
        marker.touch()
        await message.answer("hanging")
        await asyncio.sleep(3600)
    await message.answer("done: " + message.text)

async def main():
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"])
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    await dp.start_polling(bot, handle_as_tasks=False)

asyncio.run(main())
"""


async def test_process_harness_redelivers_after_kill9(
    fake_api: FakeBotAPI, bot_process: BotProcess, tmp_path: Path
) -> None:
    script = tmp_path / "stand_in_bot.py"
    script.write_text(STAND_IN_BOT, encoding="utf-8")
    bot_process.argv = [str(script)]
    await bot_process.start(wait=True)

    update = await fake_api.user_text(USER, "hang")
    await fake_api.wait_for_message(USER, "hanging", timeout=15)
    await bot_process.kill9()
    assert not bot_process.running
    while_down = await fake_api.user_text(USER, "while down")
    await bot_process.restart(kill=True, wait=True)

    await fake_api.wait_for_message(USER, "done: hang", timeout=15)
    await fake_api.wait_for_message(USER, "done: while down", timeout=15)
    assert fake_api.deliveries[update["update_id"]] == 2  # unconfirmed, so redelivered
    assert fake_api.deliveries[while_down["update_id"]] == 1  # not handed to the dead poll
    await bot_process.terminate()
    assert bot_process.returncode is not None


async def test_media_group_uploads_every_file(fake_api: FakeBotAPI, bot: Bot) -> None:
    media = [
        InputMediaDocument(media=BufferedInputFile(b"one", filename="a.txt"), caption="证据"),
        InputMediaDocument(media=BufferedInputFile(b"two", filename="b.txt")),
    ]
    messages = await bot.send_media_group(USER, media)

    assert [m.document.file_name for m in messages if m.document] == ["a.txt", "b.txt"]
    assert messages[0].media_group_id == messages[1].media_group_id
    assert [u.content for u in fake_api.uploads] == [b"one", b"two"]
    assert fake_api.accepted_sends[USER] == 2


async def test_stop_and_start_again_is_an_outage_on_the_same_port(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    base_url = fake_api.base_url
    await fake_api.stop()
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    await fake_api.start()

    assert fake_api.base_url == base_url
    assert (await bot.get_me()).is_bot
