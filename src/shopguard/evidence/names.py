"""File names from shoppers are data, never paths.

A name is only ever shown (and written into the manifest); the stored file is named by its hash
and the ZIP entry by its number and kind. Still, every name is cleaned where it enters: no path
separators, no ``..``, no control or direction-override characters (U+202E can make
``gpj.exe`` look like ``exe.jpg``), and a length that fits every file system.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata

MAX_NAME_LENGTH = 100
MAX_EXTENSION_LENGTH = 10
FALLBACK_NAME = "file"

_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")

_DEFAULT_EXTENSIONS = {
    "photo": "jpg",
    "video": "mp4",
    "animation": "mp4",
    "video_note": "mp4",
    "voice": "ogg",
    "audio": "mp3",
}


def _visible(char: str) -> bool:
    # Cc: control characters (newline, NUL, ESC ...); Cf: format characters, which include the
    # bidirectional overrides; Cs/Co/Cn: surrogates, private use, unassigned.
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")


def safe_filename(name: str | None, fallback: str = FALLBACK_NAME) -> str:
    """A name safe to show and to use as a single path component (never a path)."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(char if _visible(char) else " " for char in text)
    text = _UNSAFE.sub("_", text)
    text = _SPACES.sub(" ", text).strip(" ._")
    if not text:
        return fallback
    return _shorten(text)


def _shorten(text: str) -> str:
    if len(text) <= MAX_NAME_LENGTH:
        return text
    stem, dot, extension = text.rpartition(".")
    if dot and stem and 0 < len(extension) <= MAX_EXTENSION_LENGTH:
        keep = MAX_NAME_LENGTH - len(extension) - 1
        return f"{stem[:keep].rstrip(' ._')}.{extension}"
    return text[:MAX_NAME_LENGTH].rstrip(" ._")


def extension_for(name: str | None, mime_type: str | None, media: str) -> str:
    """A short lower-case extension (``jpg``, ``mp4``, ``pdf``) or ``bin`` — never anything else."""
    if name and "." in name:
        candidate = name.rsplit(".", 1)[1].lower()
        if _EXTENSION.fullmatch(candidate):
            return candidate
    if mime_type:
        guessed = mimetypes.guess_extension(mime_type.split(";")[0].strip().lower())
        if guessed and _EXTENSION.fullmatch(guessed.lstrip(".")):
            return "jpg" if guessed == ".jpe" else guessed.lstrip(".")
    return _DEFAULT_EXTENSIONS.get(media, "bin")
