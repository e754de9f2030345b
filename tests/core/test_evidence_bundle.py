"""The bundle: generated entry names, parts under the upload limit, files streamed into ZIPs."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shopguard.db.models import EvidenceItem
from shopguard.evidence.bundle import (
    MANIFEST_NAME,
    MANIFEST_PER_ITEM,
    MANIFEST_RESERVE,
    plan_bundle,
    write_part,
)
from shopguard.evidence.source import BytesSource
from shopguard.evidence.store import EvidenceStore

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


async def stored_item(
    store: EvidenceStore, data: bytes, kind: str | None, name: str | None, media: str = "document"
) -> EvidenceItem:
    blob = await store.put(1, BytesSource(data))
    return EvidenceItem(
        id=len(data), user_id=1, case_id=1, kind=kind, media=media, file_id=f"F{len(data)}",
        file_unique_id="u", file_name=name, size=blob.size, sha256=blob.sha256,
        received_at=NOW, updated_at=NOW,
    )  # fmt: skip


def numbered(items: list[EvidenceItem]) -> list[tuple[int, EvidenceItem]]:
    return list(enumerate(items, 1))


async def test_one_part_with_generated_names_and_the_files_byte_for_byte(
    store: EvidenceStore, tmp_path: Path
) -> None:
    video = await stored_item(store, b"v" * 3000, "unboxing_video", "VID_1.MP4", "video")
    hostile = await stored_item(store, b"p" * 2000, "order_page", "../../etc/passwd")
    odd = await stored_item(store, b"o" * 1000, None, "\x00" * 5 + "x" * 300, "photo")
    plan = plan_bundle(numbered([video, hostile, odd]), store, 1, part_limit=0)
    assert plan.parts == 1
    names = [entry.arcname for entry in plan.entries]
    assert names == ["01-unboxing-video.mp4", "02-order-page.bin", "03-unsorted.jpg"]
    target = tmp_path / "bundle.zip"
    write_part(plan, 1, store, 1, "manifest text", target, "Asia/Shanghai")
    with zipfile.ZipFile(target) as zf:
        assert zf.namelist() == [MANIFEST_NAME, *names]
        assert zf.read(MANIFEST_NAME).decode() == "manifest text"
        for entry in plan.entries:
            body = zf.read(entry.arcname)
            assert hashlib.sha256(body).hexdigest() == entry.item.sha256
        info = zf.getinfo("01-unboxing-video.mp4")
        assert info.date_time == (2026, 11, 22, 18, 0, 0)  # the shopper's local time
        extracted = tmp_path / "out"
        zf.extractall(extracted)
    inside = {p.relative_to(extracted).as_posix() for p in extracted.rglob("*")}
    assert inside == {MANIFEST_NAME, *names}


async def test_a_bundle_over_the_upload_limit_is_split_into_parts(
    store: EvidenceStore, tmp_path: Path
) -> None:
    items = [
        await stored_item(store, bytes([i]) * 40_000, "product_photo", "a.jpg") for i in range(5)
    ]
    overhead = MANIFEST_RESERVE + MANIFEST_PER_ITEM * 5
    limit = overhead + 100_000  # room for two 40 KB files per part
    plan = plan_bundle(numbered(items), store, 1, part_limit=limit)
    assert plan.parts == 3
    assert [len(plan.in_part(p)) for p in (1, 2, 3)] == [2, 2, 1]
    seen = []
    for part in range(1, plan.parts + 1):
        target = tmp_path / f"part{part}.zip"
        write_part(plan, part, store, 1, "m" * 3000, target, "UTC")
        assert target.stat().st_size <= limit
        with zipfile.ZipFile(target) as zf:
            seen += [n for n in zf.namelist() if n != MANIFEST_NAME]
    assert seen == [entry.arcname for entry in plan.entries]


async def test_what_cannot_be_included_is_listed_with_the_reason(store: EvidenceStore) -> None:
    huge = await stored_item(store, b"h" * 50_000, "unboxing_video", "big.mp4")
    small = await stored_item(store, b"s" * 100, "chat_record", "chat.png")
    by_reference = EvidenceItem(
        id=99, user_id=1, case_id=1, kind="product_photo", media="video", file_id="REF",
        file_unique_id="r", size=30 * 1024 * 1024, not_stored_reason="download_limit",
        received_at=NOW + timedelta(minutes=1), updated_at=NOW,
    )  # fmt: skip
    gone = await stored_item(store, b"g" * 10, "other", "gone.txt")
    assert gone.sha256 is not None
    store.remove(1, gone.sha256)
    limit = MANIFEST_RESERVE + MANIFEST_PER_ITEM * 4 + 10_000
    plan = plan_bundle(numbered([huge, small, by_reference, gone]), store, 1, part_limit=limit)
    reasons = {entry.item.file_id: (entry.part, entry.excluded) for entry in plan.entries}
    assert reasons[huge.file_id] == (None, "too_large")
    assert reasons[small.file_id] == (1, None)
    assert reasons["REF"] == (None, "not_stored")
    assert reasons[gone.file_id] == (None, "missing")
    assert plan.parts == 1
