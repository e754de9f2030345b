"""A fake Telegram Bot API server on loopback for end-to-end tests and benchmarks."""

from .records import ApiError, FileEntry, SentCall, UploadedFile, buttons
from .server import FakeBotAPI, WaitTimeout

__all__ = [
    "ApiError",
    "FakeBotAPI",
    "FileEntry",
    "SentCall",
    "UploadedFile",
    "WaitTimeout",
    "buttons",
]
