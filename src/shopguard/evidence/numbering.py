"""证据1…n: evidence numbered in the order it would be cited.

Kinds in citation order (``kinds.EvidenceKind``), unclassified last; within a kind, by when the
original was made (or, without that, when it was received). Numbers are positions, not ids:
they are recomputed for every list, so the list, the checklist and the bundle always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shopguard.db.models import EvidenceItem
from shopguard.evidence.kinds import CITATION_ORDER

_UNCLASSIFIED = len(CITATION_ORDER)


def citation_key(item: EvidenceItem) -> tuple[int, datetime, int]:
    rank = CITATION_ORDER.get(item.kind or "", _UNCLASSIFIED)
    return rank, item.original_at or item.received_at, item.id or 0


def numbered(items: Iterable[EvidenceItem]) -> list[tuple[int, EvidenceItem]]:
    return list(enumerate(sorted(items, key=citation_key), start=1))
