"""Files arriving in the conversation: albums as one batch, which case, what kind, duplicates,
compressed photos, files too big to download, hostile names."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from bot.local_chat import LocalChat
from bot.local_session import Outgoing
from shopguard.db.models import EvidenceItem
from shopguard.evidence.limits import MB
from shopguard.settings import Settings
from tests.bot.conftest import StoredData
from tests.evidence_samples import jpeg_with_exif, mp4_with_times, pdf_bytes, plain_jpeg

FILMED = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def store_dir(settings: Settings, user_id: int) -> Path:
    return settings.data_dir / "evidence" / "users" / str(user_id)


def stored_hashes(settings: Settings, user_id: int) -> set[str]:
    folder = store_dir(settings, user_id)
    return {p.name for p in folder.glob("??/*")} if folder.exists() else set()


async def new_case(chat: LocalChat, platform: str = "抖音", problem: str = "与描述不符") -> None:
    await chat.send("/new")
    await chat.press(platform)
    await chat.press(problem)


async def items(db: StoredData) -> list[EvidenceItem]:
    return (await db.exec(select(EvidenceItem).order_by(col(EvidenceItem.id)))).all()


def texts(replies: list[Outgoing]) -> str:
    return "\n".join(r.text or "" for r in replies)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_an_album_and_a_pdf_become_five_numbered_hashed_items_of_the_right_kinds(
    chat: LocalChat, db: StoredData, settings: Settings
) -> None:
    await new_case(chat)
    photos = [plain_jpeg((i * 70, 20, 20)) for i in range(3)]
    video = mp4_with_times(FILMED, 35.0, padding=4096)
    replies = await chat.send_photo(photos[0], group="album-1", caption="颜色和商品页不一样")
    replies += await chat.send_photo(photos[1], group="album-1")
    replies += await chat.send_photo(photos[2], group="album-1")
    replies += await chat.send_video(video, "VID_2026.mp4", group="album-1")

    # one question for the whole album: sent once, then edited as the files arrived
    assert [r.method for r in replies] == [
        "sendMessage",
        "editMessage",
        "editMessage",
        "editMessage",
    ]
    question = replies[-1].text or ""
    assert "本批 4 份" in question and "VID_2026.mp4" in question
    assert "以“照片”方式发送" in question  # compressed photos: how to send originals
    assert "这些是什么证据" in question
    labels = [label for label, _ in chat.buttons()]
    assert labels[:3] == ["❗开箱视频", "❗商品照片", "❗标签/序列号"]  # what the case misses first

    walk = await chat.press("逐个选择")
    assert "第 1/4 份" in texts(walk)
    await chat.press("商品照片")
    await chat.press("商品照片")
    third = await chat.press("标签/序列号")
    assert "第 4/4 份" in texts(third) and "VID_2026.mp4" in texts(third)
    done = await chat.press("开箱视频")
    shown = texts(done)
    assert "这一批都归类好了" in shown
    assert "证据1 · 开箱视频" in shown and "证据4 · 标签/序列号" in shown
    assert "开箱视频自查（1/5）" in shown  # the unboxing check starts right away

    single = await chat.send_document(pdf_bytes(), "质检报告.pdf")
    assert [r.method for r in single] == ["sendMessage"]
    assert "本批 1 份" in texts(single) and "这是什么证据" in texts(single)
    classified = await chat.press("质检报告")
    assert "证据5 已归类为「质检报告」" in texts(classified)

    stored = await items(db)
    assert len(stored) == 5
    assert [i.kind for i in stored] == [
        "product_photo", "product_photo", "label_photo", "unboxing_video", "inspection_report"
    ]  # fmt: skip
    assert [i.media for i in stored] == ["photo", "photo", "photo", "video", "document"]
    sent = [*photos, video, pdf_bytes()]
    assert [i.sha256 for i in stored] == [sha(d) for d in sent]
    assert stored_hashes(settings, chat.user.id) == {sha(d) for d in sent}
    assert len({i.batch for i in stored[:4]}) == 1 and stored[4].batch != stored[0].batch
    assert all(i.description == "颜色和商品页不一样" for i in stored[:4])  # the album caption
    assert stored[3].duration_s == 35

    listing = await chat.press("证据列表")
    text = texts(listing)
    order = [text.index(f"<b>证据{n}</b> · {kind}") for n, kind in enumerate(
        ["开箱视频", "商品照片", "商品照片", "标签/序列号", "质检报告"], 1
    )]  # fmt: skip
    assert order == sorted(order)
    assert "证据完整度：必备 2/3（66%）" in text


async def test_the_same_file_twice_is_recognised_and_not_downloaded_again(
    chat: LocalChat, db: StoredData
) -> None:
    await new_case(chat)
    await chat.send_document(pdf_bytes(), "订单.pdf")
    await chat.press("订单页")
    again = await chat.send_document(pdf_bytes(), "订单.pdf")
    assert texts(again) == "♻️ 这个文件已经保存过：案件 1 的证据1。"
    forwarded = await chat.send_document(pdf_bytes(), "copy.pdf", unique_id="another-upload")
    assert "已经保存过：案件 1 的证据1" in texts(forwarded)
    assert len(await items(db)) == 1
    assert sum(chat.session.downloads.values()) == 2  # the first, and the re-upload to hash


async def test_without_an_open_case_the_bot_asks_which_case_and_files_wait(
    chat: LocalChat, db: StoredData
) -> None:
    await new_case(chat, "京东", "质量问题")
    await new_case(chat, "抖音", "疑似假货")
    await chat.press("结案")  # case 2 closed: no case is open in the conversation
    asked = await chat.send_document(pdf_bytes("a"), "a.pdf")
    assert "收到 1 个文件。要放进哪个案件" in texts(asked)
    labels = [label for label, _ in chat.buttons()]
    assert labels[0].startswith("🟢 #1 京东") and labels[1].startswith("⚪ #2")
    waiting = await chat.send_photo(plain_jpeg())
    assert "收到 2 个文件" in texts(waiting)
    assert await items(db) == []  # nothing is downloaded before the case is known
    picked = await chat.press("#1 京东")
    assert "已存入案件 1 · 京东 · 质量问题，本批 2 份" in texts(picked)
    stored = await items(db)
    assert [i.case_id for i in stored] == [1, 1]
    direct = await chat.send_document(pdf_bytes("b"), "b.pdf")  # now case 1 is the open one
    assert "已存入案件 1" in texts(direct)


async def test_dropping_the_waiting_files_saves_nothing(chat: LocalChat, db: StoredData) -> None:
    await new_case(chat)
    await chat.press("结案")
    await chat.send_document(pdf_bytes(), "a.pdf")
    dropped = await chat.press("取消")
    assert "没有保存" in texts(dropped)
    assert await items(db) == []


async def test_no_case_yet_says_how_to_start(chat: LocalChat) -> None:
    replies = await chat.send_document(pdf_bytes(), "a.pdf")
    assert "还没有案件" in texts(replies)
    assert [label for label, _ in chat.buttons()] == ["📝 新建案件"]


async def test_a_file_over_the_download_limit_is_kept_by_reference(
    chat: LocalChat, db: StoredData, settings: Settings
) -> None:
    await new_case(chat)
    replies = await chat.send_video(b"only the start", "unboxing-4k.mp4", size=25 * MB)
    shown = texts(replies)
    assert "unboxing-4k.mp4" in shown and "25.0 MB" in shown
    assert "未存本地：文件超过 Telegram 机器人的下载上限" in shown
    (item,) = await items(db)
    assert (item.sha256, item.not_stored_reason, item.size) == (None, "download_limit", 25 * MB)
    assert item.file_id.startswith("local-")
    assert sum(chat.session.downloads.values()) == 0
    assert stored_hashes(settings, chat.user.id) == set()


async def test_a_file_telegram_refuses_to_serve_is_kept_by_reference(
    chat: LocalChat, db: StoredData
) -> None:
    """No size in the message, and getFile says "file is too big": nothing fails."""
    await new_case(chat)
    chat.session.download_limit = 10
    replies = await chat.send_document(b"more than ten bytes", "x.bin")
    assert "未存本地" in texts(replies)
    (item,) = await items(db)
    assert item.not_stored_reason == "download_limit"


async def test_hostile_file_names_are_stored_and_shown_safely(
    chat: LocalChat, db: StoredData, settings: Settings
) -> None:
    await new_case(chat)
    await chat.send_document(b"root:x:0:0", "../../etc/passwd")
    await chat.press("其他")
    long_name = "\x1b[31m" + "很长的名字" * 60 + "\n\r.pdf"
    await chat.send_document(pdf_bytes(), long_name)
    await chat.press("其他")
    stored = await items(db)
    assert stored[0].file_name == "etc_passwd"
    assert stored[1].file_name is not None
    assert len(stored[1].file_name) <= 100 and stored[1].file_name.endswith(".pdf")
    assert all(ch.isprintable() for ch in stored[1].file_name)
    root = settings.data_dir / "evidence"
    every_file = [p for p in settings.data_dir.rglob("*") if p.is_file()]
    outside = [p for p in every_file if root not in p.parents and p.suffix != ".sqlite3"]
    assert [p for p in outside if "-wal" not in p.name and "-shm" not in p.name] == []
    assert stored_hashes(settings, chat.user.id) == {sha(b"root:x:0:0"), sha(pdf_bytes())}


async def test_an_empty_file_and_a_sticker_get_specific_messages(
    chat: LocalChat, db: StoredData
) -> None:
    from aiogram.types import Sticker

    await new_case(chat)
    empty = await chat.send_document(b"", "empty.txt")
    assert "空文件（0 字节）" in texts(empty)
    sticker = Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1,
        is_animated=False, is_video=False,
    )  # fmt: skip
    replies = await chat.send_content(sticker=sticker)
    assert "不能作为证据保存" in texts(replies)
    assert await items(db) == []


async def test_moving_a_batch_to_another_case(chat: LocalChat, db: StoredData) -> None:
    await new_case(chat, "京东", "质量问题")
    await new_case(chat, "抖音", "疑似假货")
    await chat.send_document(pdf_bytes(), "a.pdf")
    await chat.press("换个案件")
    moved = await chat.press("#1 京东")
    assert "已移到案件 1" in texts(moved) and "已存入案件 1 · 京东" in texts(moved)
    (item,) = await items(db)
    case_numbers = {1: 1, 2: 2}
    assert case_numbers[item.case_id] == 1
    later = await chat.send_document(pdf_bytes("next"), "b.pdf")  # case 1 is the open one now
    assert "已存入案件 1" in texts(later)


async def test_english_speakers_get_english(dispatcher: object, db: StoredData) -> None:
    chat = LocalChat(dispatcher, user_id=4242, language_code="en")  # type: ignore[arg-type]
    await new_case(chat, "Douyin", "Suspected counterfeit")
    replies = await chat.send_document(jpeg_with_exif(), "IMG_1.JPG")
    saved = "Saved to Case 1 · Douyin · Suspected counterfeit — 1 file(s) in this batch"
    assert saved in texts(replies)
    done = await chat.press("Label / serial no.")
    assert "Evidence 1 filed as “Label / serial no.”" in texts(done)
    assert "Photo tips" in texts(done)


async def test_a_finished_batch_leaves_no_dialog_state_behind(
    chat: LocalChat, db: StoredData
) -> None:
    from tests.bot.conftest import dialog_of

    await new_case(chat)
    await chat.send_photo(jpeg_with_exif(), group="album-1")
    _, waiting = await dialog_of(chat)
    assert "ev_batch" in waiting  # the album may still grow
    await chat.press("订单页")
    assert await dialog_of(chat) == (None, {})


async def test_a_single_file_keeps_no_dialog_state(chat: LocalChat, db: StoredData) -> None:
    """Only an album's later files need the batch: a file on its own is a batch by itself."""
    from tests.bot.conftest import dialog_of

    await new_case(chat)
    first = await chat.send_document(pdf_bytes("one"), "a.pdf")
    assert await dialog_of(chat) == (None, {})
    second = await chat.send_document(pdf_bytes("two"), "b.pdf")
    assert await dialog_of(chat) == (None, {})
    # each is its own batch: one question each, listing only that file
    assert "本批 1 份" in texts(first) and "a.pdf" in texts(first)
    assert "本批 1 份" in texts(second)
    assert "b.pdf" in texts(second) and "a.pdf" not in texts(second)
    await chat.press("订单页")  # answers the second file's question
    stored = await items(db)
    assert [(i.file_name, i.kind) for i in stored] == [("a.pdf", None), ("b.pdf", "order_page")]


async def test_files_go_to_the_case_card_the_shopper_opened_last(
    chat: LocalChat, db: StoredData
) -> None:
    await new_case(chat, "京东", "质量问题")
    await new_case(chat, "抖音", "疑似假货")  # the newest case is the open one
    await chat.send("/cases")
    await chat.press("#1 京东")  # looking at case 1 now
    replies = await chat.send_document(pdf_bytes(), "a.pdf")
    assert "已存入案件 1 · 京东 · 质量问题" in texts(replies)
    (item,) = await items(db)
    assert item.case_id == 1
