"""Evidence store: hashing and storing a 20 MB upload keeps memory flat.

Three runs over the same 20 MB of content, each measured with tracemalloc (peak growth of the
Python heap during the run):

- baseline: what a naive handler does — download the whole file into memory, then hash it and
  write it out (through the real aiogram download, from a Bot API served on loopback);
- ``EvidenceStore.put`` from a generated source (the core alone);
- ``EvidenceStore.put`` from ``TelegramFileSource`` (the adapter's real path: getFile, then the
  file URL streamed in chunks) against the same loopback server.

The server runs in its own process, so its buffers never count. Goal: peak growth under 10% of
the file size for the streamed runs; the baseline shows what "not flat" looks like.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import multiprocessing
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from multiprocessing.connection import Connection
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.routers.evidence_telegram import TelegramFileSource
from shopguard.evidence.store import EvidenceStore

SIZE = 20 * 1024 * 1024
SMALL = 2 * 1024 * 1024
CHUNK = 64 * 1024
TOKEN = "123456:BENCH"
GOAL = 0.10  # peak growth as a share of the file size
MB = 1024 * 1024


def block(index: int) -> bytes:
    """64 KB of deterministic, not trivially compressible content."""
    return hashlib.sha256(index.to_bytes(8, "big")).digest() * (CHUNK // 32)


def expected_sha256(size: int = SIZE) -> str:
    digest = hashlib.sha256()
    for index in range(size // CHUNK):
        digest.update(block(index))
    return digest.hexdigest()


class GeneratedSource:
    async def chunks(self) -> AsyncIterator[bytes]:
        for index in range(SIZE // CHUNK):
            yield block(index)


# ---------------------------------------------------------------------- the loopback Bot API


def serve(conn: Connection) -> None:
    """Child process: getFile and a streamed 20 MB download, Bot API URL layout."""

    async def get_file(request: web.Request) -> web.Response:
        params = await request.post() if request.method == "POST" else request.query
        size = int(str(params.get("file_id", SIZE)))  # the file id is the size in bytes
        result = {"file_id": str(size), "file_unique_id": str(size), "file_size": size}
        result["file_path"] = f"documents/{size}.bin"
        return web.json_response({"ok": True, "result": result})

    async def download(request: web.Request) -> web.StreamResponse:
        size = int(request.match_info["path"].rsplit("/", 1)[-1].split(".")[0])
        response = web.StreamResponse(headers={"Content-Length": str(size)})
        await response.prepare(request)
        for index in range(size // CHUNK):
            await response.write(block(index))
        await response.write_eof()
        return response

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", f"/bot{TOKEN}/getFile", get_file)
        app.router.add_get(f"/file/bot{TOKEN}/{{path:.+}}", download)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        conn.send(port)
        await asyncio.Event().wait()

    asyncio.run(main())


# ---------------------------------------------------------------------- measuring


async def measure(run: Callable[[], Awaitable[str]]) -> tuple[int, float, str]:
    """(peak heap growth in bytes, seconds, sha-256 reported by the run)."""
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    sha = await run()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - before, elapsed, sha


async def naive(bot: Bot, target: Path) -> str:
    file = await bot.get_file(str(SIZE))
    assert file.file_path is not None
    buffer = await bot.download_file(file.file_path)
    assert buffer is not None
    data = buffer.getvalue()
    await asyncio.to_thread(target.write_bytes, data)
    return hashlib.sha256(data).hexdigest()


async def run_all(base_url: str, folder: Path) -> None:
    store = EvidenceStore(folder / "evidence")
    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    bot = Bot(TOKEN, session=session)
    try:
        await naive(bot, folder / "warm-up.bin")  # connections and imports before measuring
        (folder / "warm-up.bin").unlink()
        want = expected_sha256()

        async def streamed_generated() -> str:
            return (await store.put(1, GeneratedSource())).sha256

        async def streamed_download() -> str:
            return (await store.put(2, TelegramFileSource(bot, str(SIZE)))).sha256

        async def streamed_small_download() -> str:
            return (await store.put(3, TelegramFileSource(bot, str(SMALL)))).sha256

        runs = [
            ("baseline: whole file in memory", lambda: naive(bot, folder / "naive.bin")),
            ("store.put, generated source", streamed_generated),
            ("store.put, Bot API download", streamed_download),
        ]
        results = []
        for label, run in runs:
            peak, seconds, sha = await measure(run)
            assert sha == want, f"{label}: wrong hash"
            results.append((label, peak, seconds))
        small_peak, _, small_sha = await measure(streamed_small_download)
        assert small_sha == expected_sha256(SMALL)
    finally:
        await session.close()

    base_peak, base_seconds = results[0][1], results[0][2]
    print(f"   file: {SIZE / MB:.1f} MB, sha-256 verified in every run")
    for label, peak, seconds in results:
        share = peak / SIZE
        line = (
            f"   {label:34} peak +{peak / MB:6.2f} MB ({share:6.1%} of the file), "
            f"{seconds:5.2f} s, {SIZE / MB / seconds:6.1f} MB/s"
        )
        if label != results[0][0]:
            verdict = "ok" if share < GOAL else "OVER GOAL"
            memory, time_ratio = peak / base_peak, seconds / base_seconds
            line += f" | vs baseline: memory ×{memory:.3f}, time ×{time_ratio:.2f}"
            line += f" | goal < {GOAL:.0%}: {verdict}"
        print(line)
    big_peak = results[2][1]
    print(
        f"   flat: a {SMALL / MB:.0f} MB download peaks at +{small_peak / MB:.2f} MB, the "
        f"{SIZE / MB:.0f} MB one at +{big_peak / MB:.2f} MB (×{big_peak / small_peak:.2f} "
        f"for ×{SIZE / SMALL:.0f} the bytes)"
    )


def main() -> None:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
    server.start()
    try:
        port = parent.recv()
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(run_all(f"http://127.0.0.1:{port}", Path(folder)))
    finally:
        server.terminate()
        server.join(10)


if __name__ == "__main__":
    main()
