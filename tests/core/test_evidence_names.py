"""Names shoppers send are cleaned: never a path, never control characters, never too long."""

from __future__ import annotations

import pytest

from shopguard.evidence.names import MAX_NAME_LENGTH, extension_for, safe_filename

HOSTILE = [
    "../../etc/passwd",
    "..\\..\\windows\\system32\\config",
    "/absolute/path.jpg",
    "..",
    ".",
    "a" * 300 + ".jpg",
    "evil\x00name\n\r\t.pdf",
    "photo\u202egpj.exe",  # right-to-left override: would display as "photoexe.jpg"
    "\x1b[31mred\x1b[0m.png",
    "   ",
    "",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_become_one_harmless_component(name: str) -> None:
    clean = safe_filename(name)
    assert clean
    assert "/" not in clean and "\\" not in clean
    assert clean not in (".", "..") and not clean.startswith(".")
    assert all(ch.isprintable() for ch in clean)
    assert "\u202e" not in clean
    assert len(clean) <= MAX_NAME_LENGTH


def test_examples() -> None:
    assert safe_filename("../../etc/passwd") == "etc_passwd"
    assert safe_filename("IMG_0001.JPG") == "IMG_0001.JPG"
    assert safe_filename("订单截图 2026-11-03.png") == "订单截图 2026-11-03.png"
    assert safe_filename("evil\x00name\n.pdf") == "evil name .pdf"
    long = safe_filename("a" * 300 + ".jpg")
    assert long.endswith(".jpg") and len(long) == MAX_NAME_LENGTH
    assert safe_filename("") == "file" and safe_filename(None) == "file"


@pytest.mark.parametrize(
    ("name", "mime", "media", "expected"),
    [
        ("IMG_1.JPG", None, "document", "jpg"),
        ("report.pdf", "application/pdf", "document", "pdf"),
        ("../../etc/passwd", None, "document", "bin"),
        ("x.tar.gz", None, "document", "gz"),
        ("weird.ext/../../x", None, "document", "bin"),
        (None, "video/mp4", "video", "mp4"),
        (None, None, "photo", "jpg"),
        (None, None, "voice", "ogg"),
        ("name.<script>", None, "document", "bin"),
    ],
)
def test_extensions_are_short_and_tame(
    name: str | None, mime: str | None, media: str, expected: str
) -> None:
    assert extension_for(name, mime, media) == expected
