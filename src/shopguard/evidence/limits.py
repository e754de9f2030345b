"""Size limits: what the Bot API lets us move, and what one shopper may keep on our disk."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shopguard.settings import Settings

MB = 1024 * 1024


class NotStored(StrEnum):
    """Why a file is kept by reference (its Telegram file id) instead of on our disk."""

    DOWNLOAD_LIMIT = "download_limit"  # bigger than the Bot API lets a bot download
    FILE_CAP = "file_cap"  # bigger than EVIDENCE_MAX_FILE_MB
    QUOTA = "quota"  # the shopper's EVIDENCE_QUOTA_MB is used up
    UNAVAILABLE = "unavailable"  # the download failed; it can be retried


@dataclass(frozen=True)
class EvidenceLimits:
    max_file_bytes: int
    quota_bytes: int
    download_limit_bytes: int = 20 * MB  # 0: unlimited (a local Bot API server)
    upload_limit_bytes: int = 50 * MB  # 0: unlimited

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceLimits:
        return cls(
            max_file_bytes=settings.evidence_max_file_mb * MB,
            quota_bytes=settings.evidence_quota_mb * MB,
            download_limit_bytes=settings.telegram_download_limit_mb * MB,
            upload_limit_bytes=settings.telegram_upload_limit_mb * MB,
        )

    def fetch_limit(self) -> int:
        """The most bytes one download may bring in."""
        if self.download_limit_bytes:
            return min(self.max_file_bytes, self.download_limit_bytes)
        return self.max_file_bytes

    def reason_for_size(self, size: int) -> NotStored | None:
        """Why a file of ``size`` bytes cannot be fetched (quota aside), or None."""
        if self.download_limit_bytes and size > self.download_limit_bytes:
            return NotStored.DOWNLOAD_LIMIT
        if size > self.max_file_bytes:
            return NotStored.FILE_CAP
        return None
