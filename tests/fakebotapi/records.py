"""Plain data kept by the fake Bot API server, and small Bot API text rules.

Nothing here touches the network: these are the records tests read (`SentCall`, `UploadedFile`,
`FileEntry`), the error type handlers raise (`ApiError`), and the two text checks Telegram applies
before it accepts a message (HTML entity parsing and UTF-16 length).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

MAX_TEXT = 4096
"""Longest message text Telegram accepts (UTF-16 code units, after entity parsing)."""
MAX_CAPTION = 1024
"""Longest media caption Telegram accepts."""
MAX_CALLBACK_DATA = 64
"""Longest inline button ``callback_data`` in bytes (longer is BUTTON_DATA_INVALID)."""
MAX_DOWNLOAD = 20 * 1024 * 1024
"""Bots may download files up to 20 MB through getFile; bigger ones are 'file is too big'."""
MAX_UPLOAD = 50 * 1024 * 1024
"""Bots may upload files up to 50 MB; bigger ones are 413 Request Entity Too Large."""


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class UploadedFile:
    """A file the bot sent: uploaded bytes, or a reference to a known file_id / URL."""

    field: str
    filename: str | None
    content: bytes
    content_type: str | None = None
    caption: str | None = None
    file_id: str | None = None
    url: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class FileEntry:
    """A file known to the server: downloadable through getFile + ``/file/bot<token>/<path>``."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_size: int
    file_name: str | None = None
    mime_type: str | None = None

    def as_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object (no ``file_path`` for files over the download limit)."""
        result: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_size <= MAX_DOWNLOAD:
            result["file_path"] = self.file_path
        return result


@dataclass
class SentCall:
    """One Bot API call the bot made (everything except getUpdates)."""

    method: str
    params: dict[str, Any]
    chat_id: int | str | None
    text: str | None
    """``text`` as sent (markup included) or the ``caption`` of a media message."""
    reply_markup: dict[str, Any] | None
    document: UploadedFile | None
    """The file of sendDocument / sendPhoto / sendVideo / ... (uploaded or by file_id)."""
    time: float
    """``time.monotonic()`` when the server accepted the call."""
    token: str = ""
    status: int = 200
    """HTTP status answered (not 200 only when an injected fault fired after processing)."""
    result: Any = None
    """The ``result`` the server answered (a Message dict for send/edit methods)."""
    error: str | None = None

    @property
    def message_id(self) -> int | None:
        if isinstance(self.result, dict):
            value = self.result.get("message_id")
            return value if isinstance(value, int) else None
        return None

    @property
    def plain_text(self) -> str | None:
        """The text as the user sees it (HTML tags removed), when the server answered a Message."""
        if isinstance(self.result, dict):
            return self.result.get("text", self.result.get("caption"))
        return self.text

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        return buttons(self)

    def __repr__(self) -> str:  # short, for assertion messages
        bits = [self.method, f"chat={self.chat_id}"]
        if self.text is not None:
            shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
            bits.append(f"text={shown!r}")
        if self.reply_markup:
            bits.append(f"buttons={[label for label, _ in buttons(self)]}")
        if self.document is not None:
            bits.append(f"file={self.document.filename!r} ({self.document.size} B)")
        if self.status != 200:
            bits.append(f"status={self.status}")
        return f"SentCall({', '.join(bits)})"


def buttons(source: SentCall | dict[str, Any] | None) -> list[tuple[str, str | None]]:
    """Inline keyboard of a call, a Message dict or a reply_markup dict, as ``(text, data)``.

    Rows are flattened left to right, top to bottom; URL / web-app buttons have ``None`` data.
    """
    if source is None:
        return []
    if isinstance(source, SentCall):
        markup: Any = source.reply_markup
    elif "inline_keyboard" in source:
        markup = source
    else:
        markup = source.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [(button.get("text", ""), button.get("callback_data")) for row in rows for button in row]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: how Telegram measures text, entity offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}


class _TelegramHTML(HTMLParser):
    """Checks text the way Telegram's ``parse_mode=HTML`` does and keeps the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def _offset(self) -> int:
        return self.getpos()[1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        if tag not in _HTML_TAGS:
            self.error = f'Unsupported start tag "{tag}" at byte offset {self._offset()}'
            return
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.error:
            self.error = f'Unsupported start tag "{tag}" at byte offset {self._offset()}'

    def handle_endtag(self, tag: str) -> None:
        if self.error:
            return
        if not self.stack or self.stack[-1] != tag:
            expected = f'"</{self.stack[-1]}>"' if self.stack else "nothing"
            self.error = (
                f"Unmatched end tag at byte offset {self._offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse_html(text: str) -> str:
    """Visible text of an HTML-formatted message; raises ApiError(400) like Telegram does."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error is not None:
        raise bad_request(f"can't parse entities: {parser.error}")
    return "".join(parser.parts)


def visible_text(text: str, parse_mode: Any) -> str:
    """The text a user sees for ``text`` sent with ``parse_mode`` (only HTML is interpreted)."""
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        return parse_html(text)
    return text


@dataclass
class StoredMessage:
    """Current state of a message in a chat (as the user would see it now)."""

    message: dict[str, Any]
    raw_text: str | None
    markup: dict[str, Any] | None
    from_bot: bool
    edits: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
