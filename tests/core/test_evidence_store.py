"""The content-addressed store: streamed, hashed, atomic; nothing half-written is ever kept."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import os
import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from shopguard.evidence.source import BytesSource, FileUnavailable
from shopguard.evidence.store import WRITE_BUFFER, EmptyFile, EvidenceStore, TooLarge


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def leftovers(store: EvidenceStore) -> list[Path]:
    folder = store.root / "tmp"
    return list(folder.iterdir()) if folder.exists() else []


async def test_put_streams_into_a_path_named_by_the_sha256(store: EvidenceStore) -> None:
    data = bytes(range(256)) * 1000  # 256 000 bytes, several chunks
    blob = await store.put(7, BytesSource(data, chunk_size=10_000))
    expected = hashlib.sha256(data).hexdigest()
    assert (blob.sha256, blob.size, blob.created) == (expected, len(data), True)
    path = store.path(7, expected)
    assert path == store.root / "users" / "7" / expected[:2] / expected
    assert path.read_bytes() == data
    assert path.stat().st_mode & 0o777 == 0o600  # the shopper's evidence is private
    assert store.verify(7, expected)
    assert leftovers(store) == []


async def test_the_same_content_is_stored_once_per_shopper(store: EvidenceStore) -> None:
    first = await store.put(7, BytesSource(b"same bytes"))
    second = await store.put(7, BytesSource(b"same bytes"))
    other_user = await store.put(8, BytesSource(b"same bytes"))
    assert first.sha256 == second.sha256 == other_user.sha256
    assert (first.created, second.created, other_user.created) == (True, False, True)
    assert store.stored_hashes(7) == {first.sha256}
    assert store.path(7, first.sha256) != store.path(8, first.sha256)
    assert leftovers(store) == []  # the second copy's temporary file is gone too


async def test_folders_removed_meanwhile_are_made_again(store: EvidenceStore) -> None:
    await store.put(7, BytesSource(b"first"))
    shutil.rmtree(store.root / "tmp")
    store.remove_user(7)
    blob = await store.put(7, BytesSource(b"second"))
    assert blob.created and store.path(7, blob.sha256).read_bytes() == b"second"
    assert (store.root / "tmp").stat().st_mode & 0o777 == 0o700
    assert leftovers(store) == []


async def test_a_stream_over_the_limit_is_refused_and_leaves_nothing(store: EvidenceStore) -> None:
    with pytest.raises(TooLarge) as err:
        await store.put(7, BytesSource(b"x" * 5000, chunk_size=1000), max_bytes=4096)
    assert err.value.limit == 4096
    assert leftovers(store) == [] and store.stored_hashes(7) == set()


async def test_an_empty_stream_is_refused(store: EvidenceStore) -> None:
    with pytest.raises(EmptyFile):
        await store.put(7, BytesSource(b""))
    assert leftovers(store) == []


async def test_a_download_failing_midway_leaves_no_partial_file(store: EvidenceStore) -> None:
    class Broken:
        async def chunks(self) -> AsyncIterator[bytes]:
            yield b"first part"
            raise FileUnavailable("unavailable")

    with pytest.raises(FileUnavailable):
        await store.put(7, Broken())
    assert leftovers(store) == [] and store.stored_hashes(7) == set()


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_an_update_cancelled_while_its_file_is_made_leaks_no_descriptor(
    store: EvidenceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = threading.Event()
    spill = store._spill

    def slow_spill() -> Any:
        try:
            return spill()
        finally:
            made.wait(5)  # the update is cancelled meanwhile: what this returns is dropped

    monkeypatch.setattr(store, "_spill", slow_spill)
    before = open_descriptors()
    put = asyncio.create_task(store.put(7, BytesSource(b"z" * (WRITE_BUFFER + 1))))
    await asyncio.sleep(0.05)
    put.cancel()
    made.set()
    with pytest.raises(asyncio.CancelledError):
        await put
    for _ in range(100):  # the worker thread returns its spill to no one, then it is collected
        gc.collect()
        if open_descriptors() == before:
            break
        await asyncio.sleep(0.02)
    assert open_descriptors() == before


async def test_a_download_failing_after_the_first_buffer_leaves_no_partial_file(
    store: EvidenceStore,
) -> None:
    class Broken:
        async def chunks(self) -> AsyncIterator[bytes]:
            yield b"y" * (WRITE_BUFFER + 1)  # already written to the temporary file
            yield b"more"
            raise FileUnavailable("unavailable")

    with pytest.raises(FileUnavailable):
        await store.put(7, Broken())
    assert leftovers(store) == [] and store.stored_hashes(7) == set()


@pytest.mark.parametrize(
    "size", [1, 15, 16, 5000, WRITE_BUFFER - 1, WRITE_BUFFER, 3 * WRITE_BUFFER]
)
async def test_small_and_large_files_keep_their_bytes_and_first_bytes(
    store: EvidenceStore, size: int
) -> None:
    data = bytes((i * 7) % 251 for i in range(size))
    blob = await store.put(7, BytesSource(data, chunk_size=7))
    assert blob.head == data[:16] and blob.size == size
    assert store.path(7, blob.sha256).read_bytes() == data
    assert leftovers(store) == []


@pytest.mark.parametrize(
    "bad", ["../../etc/passwd", "g" * 64, "A" * 64, "0" * 63, "", "0" * 62 + "/x"]
)
def test_paths_come_only_from_a_real_sha256(store: EvidenceStore, bad: str) -> None:
    with pytest.raises(ValueError):
        store.path(7, bad)


async def test_remove_and_remove_user(store: EvidenceStore) -> None:
    one = await store.put(7, BytesSource(b"one"))
    two = await store.put(7, BytesSource(b"two"))
    assert store.remove(7, one.sha256) is True
    assert store.remove(7, one.sha256) is False
    if one.sha256[:2] != two.sha256[:2]:
        assert not store.path(7, one.sha256).parent.exists()  # empty folders go too
    assert store.stored_hashes(7) == {two.sha256}
    store.remove_user(7)
    assert not store.user_dir(7).exists()


async def test_verify_notices_a_changed_file(store: EvidenceStore) -> None:
    blob = await store.put(7, BytesSource(b"original"))
    store.path(7, blob.sha256).write_bytes(b"tampered")
    assert not store.verify(7, blob.sha256)
