"""Real files for the evidence tests, made in-process: a JPEG with EXIF (Pillow), an MP4 with a
creation time and duration (a minimal but valid ISO-BMFF container), a small PDF."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime

from PIL import Image

MP4_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)


def jpeg_with_exif(
    taken: str | None = "2026:11:20 21:15:03",
    *,
    offset: str | None = "+08:00",
    make: str | None = "Xiaomi",
    model: str | None = "Redmi K70",
    colour: tuple[int, int, int] = (200, 30, 30),
) -> bytes:
    image = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    sub = exif.get_ifd(0x8769)  # the EXIF sub-IFD
    if taken:
        sub[0x9003] = taken  # DateTimeOriginal
    if offset:
        sub[0x9011] = offset  # OffsetTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def plain_jpeg(colour: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_with_times(created: datetime, duration_s: float, padding: int = 0) -> bytes:
    """ftyp + moov/mvhd (+ an mdat of ``padding`` bytes): what hachoir reads times from."""
    stamp = int((created - MP4_EPOCH).total_seconds())
    timescale = 1000
    mvhd = (
        struct.pack(">B3xIIII", 0, stamp, stamp, timescale, int(duration_s * timescale))
        + struct.pack(">IH", 0x00010000, 0x0100)
        + b"\x00" * 10
        + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
        + b"\x00" * 24
        + struct.pack(">I", 2)
    )
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    mdat = _box(b"mdat", bytes(range(256)) * (padding // 256) if padding else b"")
    return ftyp + _box(b"moov", _box(b"mvhd", mvhd)) + mdat


def pdf_bytes(text: str = "inspection report") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + text.encode() + b"\n%%EOF\n"
    )
