"""What the core needs to know about an incoming file, and a way to read its bytes.

The core never talks to Telegram: the adapter describes the file (``IncomingFile``) and hands
over a ``ByteSource`` that yields the content in chunks. A source that cannot deliver raises
``FileUnavailable`` with a reason, and the evidence is kept by reference instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from shopguard.evidence.kinds import Media

DEFAULT_CHUNK = 64 * 1024


@dataclass(frozen=True)
class IncomingFile:
    """A file as the messenger announced it. ``size`` may be missing; names are unsanitised."""

    media: Media
    file_id: str
    file_unique_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    duration_s: int | None = None
    caption: str | None = None
    group: str | None = None  # the album (media group) it arrived in

    @property
    def compressed(self) -> bool:
        """Sent as a Telegram photo: recompressed, its EXIF (time, camera) stripped."""
        return self.media == Media.PHOTO

    def to_data(self) -> dict[str, Any]:
        """JSON-ready, for dialog state that must survive a restart."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> IncomingFile:
        fields = dict(data)
        fields["media"] = Media(fields["media"])
        return cls(**fields)


class ByteSource(Protocol):
    """Anything that can stream a file's bytes: a download, a local file, bytes in a test."""

    def chunks(self) -> AsyncIterator[bytes]: ...


class FileUnavailable(Exception):
    """The bytes cannot be fetched; ``reason`` is a stable code shown to the shopper."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BytesSource:
    """A source over bytes already in memory (tests, the console)."""

    def __init__(self, data: bytes, chunk_size: int = DEFAULT_CHUNK) -> None:
        self.data = data
        self.chunk_size = chunk_size

    async def chunks(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.chunk_size):
            yield self.data[start : start + self.chunk_size]
