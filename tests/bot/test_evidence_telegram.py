"""Fetching a file through the Bot API for the store: streamed from the file URL, read from disk
with a local Bot API server, and every failure turned into "keep it by reference"."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer

from bot.local_session import LocalSession
from bot.routers.evidence_telegram import TelegramFileSource
from shopguard.evidence.source import FileUnavailable


def bot_on(session: LocalSession) -> Bot:
    return Bot(token="100000:LOCAL", session=session)


async def collect(source: TelegramFileSource) -> bytes:
    return b"".join([chunk async for chunk in source.chunks()])


async def test_streams_the_file_in_chunks() -> None:
    session = LocalSession()
    session.files["F1"] = bytes(range(256)) * 1000
    chunks = [c async for c in TelegramFileSource(bot_on(session), "F1", chunk_size=4096).chunks()]
    assert b"".join(chunks) == session.files["F1"]
    assert max(len(c) for c in chunks) == 4096 and len(chunks) == 63
    assert session.downloads["F1"] == 1


async def test_reads_from_disk_with_a_local_bot_api_server(tmp_path: Path) -> None:
    stored = tmp_path / "server-files" / "video.mp4"
    stored.parent.mkdir()
    stored.write_bytes(b"local server bytes" * 100)
    session = LocalSession()
    session.api = TelegramAPIServer.from_base("http://127.0.0.1:8081", is_local=True)
    session.files[str(stored)] = b"unused: the file is read from its path"
    assert await collect(TelegramFileSource(bot_on(session), str(stored))) == stored.read_bytes()
    assert session.downloads[str(stored)] == 0  # no HTTP download


async def test_too_big_means_the_download_limit() -> None:
    session = LocalSession()
    session.files["BIG"] = b"x"
    session.announced_sizes["BIG"] = 21 * 1024 * 1024
    with pytest.raises(FileUnavailable) as err:
        await collect(TelegramFileSource(bot_on(session), "BIG"))
    assert err.value.reason == "download_limit"


async def test_anything_else_means_try_again_later() -> None:
    session = LocalSession()
    with pytest.raises(FileUnavailable) as err:
        await collect(TelegramFileSource(bot_on(session), "unknown-file-id"))
    assert err.value.reason == "unavailable"

    class Broken(LocalSession):
        async def stream_content(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
            yield b"first"
            raise ConnectionResetError("peer went away")

    broken = Broken()
    broken.files["F"] = b"whatever"
    with pytest.raises(FileUnavailable) as err:
        await collect(TelegramFileSource(bot_on(broken), "F"))
    assert err.value.reason == "unavailable"
