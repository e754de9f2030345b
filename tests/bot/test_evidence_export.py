"""The evidence bundle as the shopper receives it: ZIP document(s) whose manifest hashes match
the files, split into parts under the upload limit, with hostile names made harmless."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import build_dispatcher
from bot.local_chat import LocalChat
from bot.local_session import Outgoing
from shopguard.clock import FixedClock
from shopguard.evidence.limits import MB
from shopguard.settings import Settings
from tests.bot.test_evidence_intake import FILMED, new_case, texts
from tests.evidence_samples import jpeg_with_exif, mp4_with_times, pdf_bytes


def zips(replies: list[Outgoing]) -> list[tuple[str, zipfile.ZipFile, Outgoing]]:
    return [
        (r.filename or "", zipfile.ZipFile(io.BytesIO(r.document or b"")), r)
        for r in replies
        if r.method == "sendDocument"
    ]


def manifest_entries(manifest: str) -> dict[str, dict[str, str]]:
    """证据N → its fields, parsed from manifest.txt."""
    entries: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in manifest.splitlines():
        if re.fullmatch(r"证据\d+", line):
            current = entries.setdefault(line, {})
        elif current is not None and line.startswith("  ") and ": " in line:
            key, value = line.strip().split(": ", 1)
            current[key] = value
    return entries


async def test_the_bundle_holds_every_file_and_the_manifest_hashes_match(chat: LocalChat) -> None:
    await new_case(chat, "抖音", "与描述不符")
    video = mp4_with_times(FILMED, 20)
    photo = jpeg_with_exif("2026:11:20 21:15:03")
    pdf = pdf_bytes()
    await chat.send_document(pdf, "订单快照.pdf", caption="商品页写着真皮")
    await chat.press("订单页")
    await chat.send_video(video, "VID.mp4")
    await chat.press("开箱视频")
    await chat.press("稍后再说")
    await chat.send_document(photo, "IMG_1.JPG")
    await chat.press("商品照片")
    await chat.press("证据列表")
    replies = await chat.press("导出证据包")
    assert any(r.method == "answerCallbackQuery" and r.text == "正在打包证据……" for r in replies)
    ((filename, bundle, sent),) = zips(replies)
    assert filename == "shopguard-case1-evidence-20261122.zip"
    assert "案件 1 证据包 · 第 1/1 部分 · 3 个文件" in (sent.text or "")
    names = bundle.namelist()
    assert names == [
        "manifest.txt",
        "01-order-page.pdf",
        "02-unboxing-video.mp4",
        "03-product-photo.jpg",
    ]
    manifest = bundle.read("manifest.txt").decode()
    entries = manifest_entries(manifest)
    assert list(entries) == ["证据1", "证据2", "证据3"]
    for entry in entries.values():
        name = entry["文件"].split("（")[0]
        assert hashlib.sha256(bundle.read(name)).hexdigest() == entry["SHA-256"]
        assert entry["Telegram 文件 ID"].startswith("local-")
    assert entries["证据1"]["说明"] == "商品页写着真皮"
    assert entries["证据1"]["类型"] == "订单页/交易快照"
    assert entries["证据3"]["原始时间"] == "2026-11-20 21:15（EXIF 拍摄时间） · Xiaomi Redmi K70"
    assert entries["证据3"]["收到时间"] == "2026-11-22 18:00"
    assert entries["证据2"]["大小"] == f"{len(video)} B"
    assert bundle.read("02-unboxing-video.mp4") == video


async def test_a_file_kept_by_reference_is_listed_not_zipped(chat: LocalChat) -> None:
    await new_case(chat)
    await chat.send_video(b"start", "huge.mp4", size=30 * MB)
    await chat.press("开箱视频")
    await chat.press("稍后再说")
    await chat.send_document(pdf_bytes(), "a.pdf")
    await chat.press("订单页")
    await chat.press("证据列表")
    ((_, bundle, sent),) = zips(await chat.press("导出证据包"))
    assert bundle.namelist() == ["manifest.txt", "01-order-page.pdf"]
    entries = manifest_entries(bundle.read("manifest.txt").decode())
    assert entries["证据2"]["文件"].startswith("未包含：未存本地")
    assert entries["证据2"]["SHA-256"] == "—（未存本地）"
    assert entries["证据2"]["Telegram 文件 ID"].startswith("local-")
    assert "有 1 份没有放进压缩包" in (sent.text or "")


async def test_hostile_names_cannot_escape_the_zip(chat: LocalChat, tmp_path: Path) -> None:
    await new_case(chat)
    await chat.send_document(b"root:x:0:0:root", "../../etc/passwd")
    await chat.press("其他")
    await chat.send_document(b"%PDF evil", "\x00\n" + "x" * 300 + "/../../../evil.pdf")
    await chat.press("其他")
    await chat.press("证据列表")
    ((_, bundle, _),) = zips(await chat.press("导出证据包"))
    for name in bundle.namelist():
        assert re.fullmatch(r"(manifest\.txt|\d{2}-[a-z-]+\.[a-z0-9]{1,8})", name), name
    target = tmp_path / "unpacked"
    bundle.extractall(target)
    unpacked = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert unpacked == sorted(bundle.namelist())
    manifest = bundle.read("manifest.txt").decode()
    assert "原文件名: etc_passwd" in manifest
    assert "\x00" not in manifest and "../" not in manifest


async def test_nothing_to_export_says_so(chat: LocalChat) -> None:
    await new_case(chat)
    await chat.send("/evidence")
    replies = await chat.press("导出证据包")
    assert replies[-1].text == "这个案件还没有证据可以导出。" and replies[-1].show_alert


@pytest.fixture
def small_upload_settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", throttle_burst=1000, telegram_upload_limit_mb=1
    )


@pytest.fixture
def small_upload_chat(
    small_upload_settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> LocalChat:
    dispatcher: Dispatcher = build_dispatcher(small_upload_settings, sessions, clock)
    return LocalChat(dispatcher, user_id=2002)


async def test_a_bundle_over_the_upload_limit_comes_in_parts(small_upload_chat: LocalChat) -> None:
    chat = small_upload_chat
    await new_case(chat)
    files = [os.urandom(400 * 1024) for _ in range(3)]
    for index, data in enumerate(files):
        await chat.send_document(data, f"scan{index}.pdf")
        await chat.press("质检报告")
    await chat.press("证据列表")
    parts = zips(await chat.press("导出证据包"))
    assert [name for name, _, _ in parts] == [
        "shopguard-case1-evidence-20261122-part1.zip",
        "shopguard-case1-evidence-20261122-part2.zip",
    ]
    contents: list[bytes] = []
    for index, (_, bundle, sent) in enumerate(parts, 1):
        assert len(sent.document or b"") <= 1 * MB
        assert f"第 {index}/2 部分" in (sent.text or "")
        manifest = bundle.read("manifest.txt").decode()
        assert f"本压缩包：第 {index}/2 部分" in manifest
        assert len(manifest_entries(manifest)) == 3  # every part lists everything
        contents += [bundle.read(n) for n in bundle.namelist() if n != "manifest.txt"]
    assert sorted(contents) == sorted(files)
    assert "在第 2 部分" in parts[0][1].read("manifest.txt").decode()


async def test_english_manifest(dispatcher: Dispatcher) -> None:
    chat = LocalChat(dispatcher, user_id=3003, language_code="en")
    await new_case(chat, "Douyin", "Not as described")
    await chat.send_document(pdf_bytes(), "a.pdf")
    await chat.press("Order page")
    await chat.press("Evidence list")
    ((_, bundle, sent),) = zips(await chat.press("Export bundle"))
    manifest = bundle.read("manifest.txt").decode()
    assert "ShopGuard evidence manifest · case 1" in manifest
    assert "  SHA-256: " in manifest and "Telegram file id: local-" in manifest
    assert "Case 1 evidence bundle" in texts([sent])
