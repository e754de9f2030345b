"""The evidence bundle: a ZIP per part with every stored file and a manifest.

Entry names are made here, never taken from the shopper: ``01-unboxing-video.mp4`` — the
number, the kind, and an extension of at most eight lower-case letters and digits. So no name
can climb out of the folder the ZIP is unpacked into, whatever the original file was called.

A bundle larger than the Bot API upload limit is split into parts, each under the limit and
each with the full manifest (which says what is in which part). Files are written without
compression (photos and videos are compressed already), which makes a part's size predictable
from the files' sizes; a file that alone exceeds the limit is listed, not included. The manifest
text itself is made by the adapter, in the shopper's language.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shopguard.db.models import EvidenceItem
from shopguard.evidence.names import extension_for
from shopguard.evidence.store import EvidenceStore

MANIFEST_NAME = "manifest.txt"
ENTRY_OVERHEAD = 256  # local header + central directory record + zip64 extras, generously
MANIFEST_RESERVE = 8192
MANIFEST_PER_ITEM = 4096  # a description may be 1000 characters of 3-byte UTF-8
COPY_BUFFER = 1024 * 1024


@dataclass(frozen=True)
class BundleEntry:
    number: int
    item: EvidenceItem
    arcname: str
    part: int | None  # 1-based; None when the file is not in the bundle
    excluded: str | None = None  # not_stored | missing | too_large


@dataclass(frozen=True)
class BundlePlan:
    entries: tuple[BundleEntry, ...]
    parts: int

    def in_part(self, part: int) -> list[BundleEntry]:
        return [entry for entry in self.entries if entry.part == part]


def entry_name(number: int, width: int, item: EvidenceItem) -> str:
    kind = (item.kind or "unsorted").replace("_", "-")
    return f"{number:0{width}d}-{kind}.{extension_for(item.file_name, item.mime_type, item.media)}"


def plan_bundle(
    items: list[tuple[int, EvidenceItem]], store: EvidenceStore, user_id: int, part_limit: int
) -> BundlePlan:
    """Assign the stored files, in number order, to parts that fit ``part_limit`` (0: no limit)."""
    width = max(2, len(str(len(items))))
    budget = part_limit - MANIFEST_RESERVE - MANIFEST_PER_ITEM * len(items) if part_limit else 0
    entries: list[BundleEntry] = []
    part, used = 1, 0
    for number, item in items:
        name = entry_name(number, width, item)
        excluded = _why_excluded(item, store, user_id)
        cost = (item.size or 0) + ENTRY_OVERHEAD + 2 * len(name)
        if excluded is None and part_limit and cost > budget:
            excluded = "too_large"
        if excluded is not None:
            entries.append(BundleEntry(number, item, name, None, excluded))
            continue
        if part_limit and used and used + cost > budget:
            part, used = part + 1, 0
        used += cost
        entries.append(BundleEntry(number, item, name, part))
    parts = max((entry.part or 0 for entry in entries), default=0)
    return BundlePlan(tuple(entries), max(parts, 1))


def _why_excluded(item: EvidenceItem, store: EvidenceStore, user_id: int) -> str | None:
    if item.sha256 is None:
        return "not_stored"
    if not store.exists(user_id, item.sha256):
        return "missing"
    return None


def write_part(
    plan: BundlePlan,
    part: int,
    store: EvidenceStore,
    user_id: int,
    manifest: str,
    destination: Path,
    tz: str,
) -> None:
    """Write one part to ``destination`` (blocking: run it in a thread). Files are streamed."""
    zone = ZoneInfo(tz)
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        info = zipfile.ZipInfo(MANIFEST_NAME, _zip_time(plan_time(plan), zone))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, manifest.encode("utf-8"))
        for entry in plan.in_part(part):
            assert entry.item.sha256 is not None
            info = zipfile.ZipInfo(entry.arcname, _zip_time(_made_at(entry.item), zone))
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = entry.item.size or 0
            with store.open(user_id, entry.item.sha256) as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, COPY_BUFFER)


def _made_at(item: EvidenceItem) -> datetime:
    return item.original_at or item.received_at


def plan_time(plan: BundlePlan) -> datetime:
    """The newest receipt time in the bundle (the manifest's own timestamp in the ZIP)."""
    return max(entry.item.received_at for entry in plan.entries) if plan.entries else _EPOCH


_EPOCH = datetime(1980, 1, 1, tzinfo=ZoneInfo("UTC"))


def _zip_time(moment: datetime, zone: ZoneInfo) -> tuple[int, int, int, int, int, int]:
    """ZIP stores local wall time without a zone (and nothing before 1980)."""
    local = max(moment, _EPOCH).astimezone(zone)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)
