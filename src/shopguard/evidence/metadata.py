"""When was the original made? Read from the file itself, with well-kept parsers.

- Images sent as files keep their EXIF: ``DateTimeOriginal`` (the shutter time) and the camera
  (make and model), read with exifread. EXIF stores local wall-clock time without a zone unless
  ``OffsetTimeOriginal`` is present; without it the time is read in the shopper's zone, which is
  where their phone was almost always set.
- Video containers (MP4/MOV/MKV …) carry a creation time and a duration, read with hachoir.
  QuickTime/MP4 times are UTC by specification, so they are taken as UTC.

Dates before 2000 are treated as "no time": they come from cameras whose clock was never set
(1970, or the MP4 epoch 1904). Parsers run on untrusted files, so any failure means "no
metadata", never a refused file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import exifread
from hachoir.core import config as hachoir_config
from hachoir.metadata import extractMetadata
from hachoir.parser import createParser

from shopguard.evidence.names import safe_filename

hachoir_config.quiet = True  # hachoir otherwise prints parser warnings to stderr

log = logging.getLogger("shopguard.evidence")

EARLIEST_PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC)
_EXIF_TIME_TAGS = ("EXIF DateTimeOriginal", "EXIF DateTimeDigitized")
_EXIF_OFFSET_TAGS = ("EXIF OffsetTimeOriginal", "EXIF OffsetTimeDigitized")
_MAX_CAMERA = 120


@dataclass(frozen=True)
class FileFacts:
    original_at: datetime | None = None
    original_source: str | None = None  # "exif" | "container"
    camera: str | None = None
    duration_s: int | None = None


def sniff(head: bytes) -> str | None:
    """The container family from the first bytes, whatever the file name claims."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "heif" if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif") else "mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mp4"  # old QuickTime files start without ftyp
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    return None


_IMAGE_FAMILIES = frozenset({"jpeg", "png", "tiff", "webp", "heif"})
_VIDEO_FAMILIES = frozenset({"mp4", "matroska", "avi"})


def may_have_facts(head: bytes) -> bool:
    """Whether a file starting with ``head`` is of a kind ``read_facts`` looks into."""
    return sniff(head) in _IMAGE_FAMILIES | _VIDEO_FAMILIES


def read_facts(path: Path, tz: str) -> FileFacts:
    """Facts from the stored file at ``path`` (blocking: run it in a thread)."""
    try:
        with path.open("rb") as fh:
            family = sniff(fh.read(16))
        if family in _IMAGE_FAMILIES:
            return _image_facts(path, tz)
        if family in _VIDEO_FAMILIES:
            return _video_facts(path)
    except Exception:  # untrusted input: a parser bug must not lose the evidence
        log.warning("could not read metadata of %s", path.name, exc_info=True)
    return FileFacts()


# ---------------------------------------------------------------------- images (EXIF)


def _image_facts(path: Path, tz: str) -> FileFacts:
    with path.open("rb") as fh:
        tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
    original = None
    for time_tag, offset_tag in zip(_EXIF_TIME_TAGS, _EXIF_OFFSET_TAGS, strict=True):
        original = parse_exif_time(_tag(tags, time_tag), _tag(tags, offset_tag), tz)
        if original is not None:
            break
    return FileFacts(
        original_at=original,
        original_source="exif" if original else None,
        camera=camera_name(_tag(tags, "Image Make"), _tag(tags, "Image Model")),
    )


def _tag(tags: dict[str, Any], name: str) -> str | None:
    value = tags.get(name)
    if value is None:
        return None
    text = str(value).strip().strip("\x00").strip()
    return text or None


def parse_exif_time(value: str | None, offset: str | None, tz: str) -> datetime | None:
    """``2026:11:20 21:15:03`` (+ optional ``+08:00``) → an aware UTC instant, or None."""
    if not value:
        return None
    try:
        naive = datetime.strptime(value[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = _offset(offset) or ZoneInfo(tz)
    moment = naive.replace(tzinfo=zone)
    return _plausible(moment.astimezone(UTC))


def _offset(text: str | None) -> timezone | None:
    if not text or len(text) < 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(delta if text[0] == "+" else -delta)


def camera_name(make: str | None, model: str | None) -> str | None:
    """``Apple`` + ``iPhone 15`` → ``Apple iPhone 15``; ``Xiaomi`` + ``Xiaomi 14`` → itself."""
    if make and model and model.lower().startswith(make.lower()):
        make = None
    name = " ".join(part for part in (make, model) if part)
    if not name:
        return None
    return safe_filename(name, fallback="")[:_MAX_CAMERA] or None


# ---------------------------------------------------------------------- video containers


def _video_facts(path: Path) -> FileFacts:
    parser = createParser(str(path))
    if parser is None:
        return FileFacts()
    with parser.stream:
        metadata = extractMetadata(parser)
    if metadata is None:
        return FileFacts()
    created = metadata.get("creation_date", None)
    duration = metadata.get("duration", None)
    original = None
    if isinstance(created, datetime):
        aware = created if created.tzinfo else created.replace(tzinfo=UTC)
        original = _plausible(aware.astimezone(UTC))
    seconds = round(duration.total_seconds()) if isinstance(duration, timedelta) else None
    return FileFacts(
        original_at=original,
        original_source="container" if original else None,
        duration_s=seconds,
    )


def _plausible(moment: datetime) -> datetime | None:
    return moment if moment >= EARLIEST_PLAUSIBLE else None
