"""Adding evidence: downloaded into the store when the limits allow, kept by reference otherwise.

The same file twice in one case (same Telegram file, or same content) is recognised, not added.
Only an empty file is refused; a file too big, over the quota or failing to download is kept by
its Telegram file id with the reason, so nothing the shopper sent is lost.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_fields import clean_text
from shopguard.cases import get_case
from shopguard.db.models import EvidenceItem
from shopguard.errors import InputError
from shopguard.evidence.cleanup import discard_on_rollback
from shopguard.evidence.limits import EvidenceLimits, NotStored
from shopguard.evidence.metadata import FileFacts, may_have_facts, read_facts
from shopguard.evidence.names import safe_filename
from shopguard.evidence.queries import (
    batch_items,
    before_download,
    count_new_item,
    get_item,
    in_case,
    storage_used,
)
from shopguard.evidence.source import ByteSource, FileUnavailable, IncomingFile
from shopguard.evidence.store import EmptyFile, EvidenceStore, StoredBlob, TooLarge

MAX_DESCRIPTION = 1000


@dataclass(frozen=True)
class AddResult:
    item: EvidenceItem
    duplicate: bool = False  # the same file was already in the case: ``item`` is that one


async def add_evidence(
    session: AsyncSession,
    store: EvidenceStore,
    limits: EvidenceLimits,
    *,
    user_id: int,
    case_id: int,
    incoming: IncomingFile,
    source: ByteSource,
    now: datetime,
    tz: str,
    batch: str | None = None,
    description: str | None = None,
) -> AddResult:
    """Keep a file in a case: stored on disk when the limits allow, by reference otherwise.

    The same file twice in one case (same Telegram file, or same content) is not added again.
    Only an empty file is refused; every other problem keeps the file by reference.
    """
    case = await get_case(session, user_id, case_id)
    if incoming.size == 0:
        raise InputError("evidence_empty")
    existing, used = await before_download(session, user_id, case_id, incoming.file_unique_id)
    if existing is not None:
        return AddResult(existing, duplicate=True)
    blob, reason = await _fetch(session, store, limits, user_id, used, incoming.size, source)
    # Content new to the shopper's store cannot be in the case already: a row that names a hash
    # keeps its file in the store (files go only after their last row). So only content that
    # was there before is looked for.
    if blob is not None and not blob.created:
        existing = await in_case(session, case_id, sha256=blob.sha256)
        if existing is not None:
            return AddResult(existing, duplicate=True)
    facts = await _facts(store, user_id, blob, tz)
    item = EvidenceItem(
        user_id=user_id,
        case_id=case_id,
        description=clean_description(description or incoming.caption or ""),
        media=incoming.media.value,
        file_id=incoming.file_id[:255],
        file_unique_id=incoming.file_unique_id[:64],
        file_name=safe_filename(incoming.file_name) if incoming.file_name else None,
        mime_type=(incoming.mime_type or "")[:128] or None,
        size=blob.size if blob else incoming.size,
        sha256=blob.sha256 if blob else None,
        not_stored_reason=reason.value if reason else None,
        original_at=facts.original_at,
        original_source=facts.original_source,
        camera=facts.camera,
        duration_s=facts.duration_s if facts.duration_s is not None else incoming.duration_s,
        batch=batch,
        received_at=now,
        updated_at=now,
    )
    session.add(item)
    await count_new_item(session, case, item.kind)  # flushes the item and the case together
    return AddResult(item)


async def _fetch(
    session: AsyncSession,
    store: EvidenceStore,
    limits: EvidenceLimits,
    user_id: int,
    used: int,
    announced_size: int | None,
    source: ByteSource,
) -> tuple[StoredBlob | None, NotStored | None]:
    """Download into the store, or say why the file stays a reference; ``used``: the bytes the
    shopper's stored files take now."""
    if announced_size is not None:
        reason = limits.reason_for_size(announced_size)
        if reason is None and used + announced_size > limits.quota_bytes:
            reason = NotStored.QUOTA
        if reason is not None:
            return None, reason
    # A download can take seconds: commit what the update did so far, so no database lock is
    # held meanwhile (SQLite's write lock would make every other shopper wait).
    await session.commit()
    try:
        blob = await store.put(user_id, source, max_bytes=limits.fetch_limit())
    except TooLarge as err:
        too_big = bool(limits.download_limit_bytes) and err.limit == limits.download_limit_bytes
        return None, NotStored.DOWNLOAD_LIMIT if too_big else NotStored.FILE_CAP
    except FileUnavailable as err:
        too_big = err.reason == NotStored.DOWNLOAD_LIMIT
        return None, NotStored.DOWNLOAD_LIMIT if too_big else NotStored.UNAVAILABLE
    except EmptyFile:
        raise InputError("evidence_empty") from None
    if blob.created:
        if used + blob.size > limits.quota_bytes:
            await asyncio.to_thread(store.remove, user_id, blob.sha256)
            return None, NotStored.QUOTA
        discard_on_rollback(session, store, user_id, blob.sha256)
    return blob, None


async def _facts(store: EvidenceStore, user_id: int, blob: StoredBlob | None, tz: str) -> FileFacts:
    if blob is None or not may_have_facts(blob.head):
        return FileFacts()
    return await asyncio.to_thread(read_facts, store.path(user_id, blob.sha256), tz)


async def refetch(
    session: AsyncSession,
    store: EvidenceStore,
    limits: EvidenceLimits,
    *,
    user_id: int,
    item_id: int,
    source: ByteSource,
    now: datetime,
    tz: str,
) -> EvidenceItem:
    """Try again to store a file kept by reference (after a failed download, a raised quota)."""
    item = await get_item(session, user_id, item_id)
    if item.sha256 is not None:
        return item
    used = await storage_used(session, user_id)
    blob, reason = await _fetch(session, store, limits, user_id, used, item.size, source)
    if blob is not None:
        facts = await _facts(store, user_id, blob, tz)
        item.sha256, item.size = blob.sha256, blob.size
        item.original_at, item.original_source = facts.original_at, facts.original_source
        item.camera = facts.camera
        item.duration_s = facts.duration_s if facts.duration_s is not None else item.duration_s
    item.not_stored_reason = reason.value if reason else None
    item.updated_at = now
    session.add(item)
    await session.flush()
    return item


def clean_description(text: str) -> str:
    """Without control characters (``clean_text``: PostgreSQL cannot even store a NUL), trimmed,
    at most MAX_DESCRIPTION characters (a caption longer than that is cut)."""
    return clean_text(text)[:MAX_DESCRIPTION]


async def describe_batch(
    session: AsyncSession, user_id: int, batch: str, text: str, now: datetime
) -> None:
    """An album's caption describes the whole album: give it to the files that have none."""
    text = clean_description(text)
    if not text:
        return
    for item in await batch_items(session, user_id, batch):
        if not item.description:
            item.description, item.updated_at = text, now
            session.add(item)
    await session.flush()
