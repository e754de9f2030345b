"""What a piece of evidence is (its kind) and how it reached us (its media).

The order of ``EvidenceKind`` is the order evidence is cited in a complaint (domain.md §7):
the purchase first (order, payment, price), then delivery (tracking, parcel, unboxing), then the
goods (photos, labels), then what happened after (chats, reports, medical records).
"""

from __future__ import annotations

from enum import StrEnum


class EvidenceKind(StrEnum):
    ORDER_PAGE = "order_page"  # order page or order snapshot (交易快照)
    PAYMENT_PROOF = "payment_proof"
    PRICE_SCREENSHOT = "price_screenshot"
    TRACKING_PAGE = "tracking_page"
    PACKAGE_PHOTO = "package_photo"  # the outer package at delivery
    UNBOXING_VIDEO = "unboxing_video"
    PRODUCT_PHOTO = "product_photo"
    LABEL_PHOTO = "label_photo"  # label, serial number, anti-fake code, batch/expiry dates
    CHAT_RECORD = "chat_record"
    INSPECTION_REPORT = "inspection_report"
    MEDICAL_RECORD = "medical_record"
    OTHER = "other"


CITATION_ORDER: dict[str, int] = {kind.value: index for index, kind in enumerate(EvidenceKind)}

SCREENSHOT_KINDS = frozenset(
    {
        EvidenceKind.ORDER_PAGE,
        EvidenceKind.PAYMENT_PROOF,
        EvidenceKind.PRICE_SCREENSHOT,
        EvidenceKind.TRACKING_PAGE,
        EvidenceKind.CHAT_RECORD,
    }
)
"""Kinds that are usually screenshots: the tips are about the status-bar time and the whole page."""

PHOTO_KINDS = frozenset(
    {EvidenceKind.PACKAGE_PHOTO, EvidenceKind.PRODUCT_PHOTO, EvidenceKind.LABEL_PHOTO}
)
"""Kinds that are usually photos of things: the tips are about light and a size reference."""


class Media(StrEnum):
    """How the file arrived in Telegram. A ``photo`` is recompressed by Telegram (no EXIF)."""

    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"
    VOICE = "voice"
    AUDIO = "audio"
    ANIMATION = "animation"
    VIDEO_NOTE = "video_note"


def parse_kind(value: str | None) -> EvidenceKind | None:
    """A stored or submitted kind, or None when it is not one we know."""
    if value is None or value not in EvidenceKind._value2member_map_:
        return None
    return EvidenceKind(value)
