"""The original's time, read from real files made here: EXIF from a JPEG, times from an MP4."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shopguard.evidence.metadata import camera_name, parse_exif_time, read_facts, sniff
from tests.evidence_samples import jpeg_with_exif, mp4_with_times, pdf_bytes, plain_jpeg


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "blob"
    path.write_bytes(data)
    return path


def test_exif_time_and_camera_from_a_real_jpeg(tmp_path: Path) -> None:
    path = write(tmp_path, jpeg_with_exif("2026:11:20 21:15:03", offset="+08:00"))
    facts = read_facts(path, "Europe/London")  # the offset in the file wins over the zone
    assert facts.original_at == datetime(2026, 11, 20, 13, 15, 3, tzinfo=UTC)
    assert facts.original_source == "exif"
    assert facts.camera == "Xiaomi Redmi K70"


def test_exif_time_without_offset_is_read_in_the_shoppers_zone(tmp_path: Path) -> None:
    path = write(tmp_path, jpeg_with_exif("2026:11:20 21:15:03", offset=None))
    assert read_facts(path, "Asia/Shanghai").original_at == datetime(
        2026, 11, 20, 13, 15, 3, tzinfo=UTC
    )
    assert read_facts(path, "Europe/London").original_at == datetime(
        2026, 11, 20, 21, 15, 3, tzinfo=UTC
    )


def test_creation_time_and_duration_from_a_video_container(tmp_path: Path) -> None:
    created = datetime(2026, 11, 21, 2, 30, 5, tzinfo=UTC)
    facts = read_facts(write(tmp_path, mp4_with_times(created, 35.4, padding=4096)), "UTC")
    assert (facts.original_at, facts.duration_s) == (created, 35)
    assert facts.original_source == "container"


@pytest.mark.parametrize(
    "data",
    [plain_jpeg(), pdf_bytes(), b"\xff\xd8\xff" + b"not really a jpeg" * 20, b"", b"\x00" * 100],
    ids=["jpeg-without-exif", "pdf", "broken-jpeg", "empty", "zeros"],
)
def test_files_without_usable_metadata_give_no_time(tmp_path: Path, data: bytes) -> None:
    facts = read_facts(write(tmp_path, data), "Asia/Shanghai")
    assert facts.original_at is None and facts.original_source is None


def test_an_unset_camera_clock_is_no_time(tmp_path: Path) -> None:
    assert (
        read_facts(write(tmp_path, jpeg_with_exif("1970:01:01 00:00:00")), "UTC").original_at
        is None
    )
    epoch = datetime(1904, 1, 1, tzinfo=UTC)
    assert read_facts(write(tmp_path, mp4_with_times(epoch, 3)), "UTC").original_at is None


@pytest.mark.parametrize(
    ("value", "offset", "expected"),
    [
        ("2026:11:20 21:15:03", "+08:00", datetime(2026, 11, 20, 13, 15, 3, tzinfo=UTC)),
        ("2026:11:20 21:15:03", "-05:30", datetime(2026, 11, 21, 2, 45, 3, tzinfo=UTC)),
        ("2026:11:20 21:15:03", "garbage", datetime(2026, 11, 20, 21, 15, 3, tzinfo=UTC)),
        ("0000:00:00 00:00:00", None, None),
        ("    :  :     :  :  ", None, None),
        ("", None, None),
    ],
)
def test_parse_exif_time(value: str, offset: str | None, expected: datetime | None) -> None:
    assert parse_exif_time(value, offset, "UTC") == expected


def test_camera_names() -> None:
    assert camera_name("Apple", "iPhone 15 Pro") == "Apple iPhone 15 Pro"
    assert camera_name("Xiaomi", "Xiaomi 14") == "Xiaomi 14"
    assert camera_name(None, None) is None
    assert camera_name("Evil\n", "../x") == "Evil .._x"


def test_sniff_looks_at_content_not_names() -> None:
    assert sniff(jpeg_with_exif()[:16]) == "jpeg"
    assert sniff(mp4_with_times(datetime(2026, 1, 1, tzinfo=UTC), 1)[:16]) == "mp4"
    assert sniff(pdf_bytes()[:16]) is None
