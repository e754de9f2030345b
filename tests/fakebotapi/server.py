"""A small, faithful fake of the Telegram Bot API on loopback, for end-to-end tests and benchmarks.

Serves the URL layout of ``TelegramAPIServer.from_base(base_url)``:

* ``POST|GET {base}/bot{token}/{method}`` with JSON, form-urlencoded or multipart parameters;
* ``GET {base}/file/bot{token}/{file_path}`` for downloads of files registered with getFile.

Answers are real Bot API JSON (``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code":
..., "description": ..., "parameters": {"retry_after": N}}``) so aiogram parses them and raises
its usual exceptions. Updates are queued by the test and delivered through getUpdates with
Telegram's offset semantics (an update is dropped only once a later getUpdates confirms it).

Tests drive it in-process (``await fake.start()`` in their event loop); benchmarks can run it as
``python -m tests.fakebotapi --port N`` and use the small JSON control API under ``/_fake/``.
"""

from __future__ import annotations

import asyncio
import json
import math
import mimetypes
import re
import secrets
import socket
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from . import updates as upd
from .control import add_control_routes
from .records import (
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_DOWNLOAD,
    MAX_TEXT,
    MAX_UPLOAD,
    ApiError,
    FileEntry,
    SentCall,
    StoredMessage,
    UploadedFile,
    bad_request,
    buttons,
    utf16_len,
    visible_text,
)

__all__ = ["FakeBotAPI", "WaitTimeout"]

Predicate = Callable[[SentCall], bool]

# Bot API method names are case-insensitive; these are the canonical spellings we record.
_KNOWN_METHODS = [
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendVideo",
    "sendAudio",
    "sendVoice",
    "sendAnimation",
    "sendMediaGroup",
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "getFile",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
]
CANONICAL: dict[str, str] = {name.lower(): name for name in _KNOWN_METHODS}

MEDIA_FIELDS: dict[str, tuple[str, str]] = {
    # method (lowercase) -> (parameter / Message field, folder of the file_path)
    "senddocument": ("document", "documents"),
    "sendphoto": ("photo", "photos"),
    "sendvideo": ("video", "videos"),
    "sendaudio": ("audio", "music"),
    "sendvoice": ("voice", "voice"),
    "sendanimation": ("animation", "animations"),
}
SEND_METHODS = frozenset({"sendmessage", "sendmediagroup", *MEDIA_FIELDS})
"""Methods that create messages: rate limited, counted per chat, listed by ``messages_to``."""

_INT_PARAMS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "max_connections"}
)
_JSON_PARAMS = frozenset(
    [
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "media",
        "link_preview_options",
        "reply_parameters",
        "message_ids",
    ]
)
_INT_RE = re.compile(r"-?\d+")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF", b"BM")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_BAD_BUTTON = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class WaitTimeout(AssertionError):
    """``wait_for`` gave up: no recorded call matched in time (the message lists the last ones)."""


@dataclass
class _Fault:
    remaining: int
    status: int
    method: str | None
    after_processing: bool
    retry_after: int | None
    description: str | None

    def error(self) -> ApiError:
        description = self.description or _STATUS_TEXT.get(self.status, "Error")
        if self.status == 429:
            retry_after = self.retry_after or 1
            if self.description is None:
                description = f"Too Many Requests: retry after {retry_after}"
            return ApiError(429, description, retry_after)
        return ApiError(self.status, description)


@dataclass
class _Delay:
    remaining: int
    seconds: float
    method: str | None


@dataclass
class _Hang:
    remaining: int | None
    until: float | None
    method: str | None


@dataclass
class _Ctx:
    """One Bot API request being answered."""

    method: str
    key: str
    token: str
    params: dict[str, Any]
    files: dict[str, FileField]
    request: web.Request | None = None
    chat_key: int | str | None = None
    document: UploadedFile | None = None
    sends: int = 0

    def client_gone(self) -> bool:
        transport = self.request.transport if self.request is not None else None
        return transport is None or transport.is_closing()


def _matches(method_filter: str | None, key: str) -> bool:
    """``None`` targets every method except getUpdates (so polling does not eat the fault)."""
    if method_filter is None:
        return key != "getupdates"
    return method_filter == key


def _as_int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid integer {value!r}") from exc


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _chat_key(value: Any) -> int | str:
    if value is None or value == "":
        raise bad_request("chat_id is empty")
    if isinstance(value, bool):
        raise bad_request("chat not found")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value):
        return int(value)
    if isinstance(value, str) and value.startswith("@"):
        return value
    raise bad_request("chat not found")


def _safe_chat(params: dict[str, Any]) -> int | str | None:
    """``chat_id`` of a call for the records, without judging it."""
    value = params.get("chat_id")
    if value is None:
        return None
    try:
        return _chat_key(value)
    except ApiError:
        return str(value)


def _normalize(params: dict[str, Any]) -> dict[str, Any]:
    """Form values are strings: decode the JSON-valued ones and the integers we compute with."""
    for name, value in params.items():
        if not isinstance(value, str):
            continue
        if name in _JSON_PARAMS and value[:1] in ("{", "["):
            try:
                params[name] = json.loads(value)
            except ValueError as exc:
                raise bad_request(f"can't parse {name} JSON object") from exc
        elif name in _INT_PARAMS and _INT_RE.fullmatch(value):
            params[name] = int(value)
    return params


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, FileField]]:
    params: dict[str, Any] = dict(request.query) if request.query_string else {}
    files: dict[str, FileField] = {}
    ctype = request.content_type
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, FileField):
                files[name] = value
            else:
                params[name] = value
    elif request.can_read_body:
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise bad_request("can't parse request JSON object") from exc
            if not isinstance(body, dict):
                raise bad_request("can't parse request JSON object")
            params.update(body)
    return _normalize(params), files


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(payload, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
    )


def _peak(times: list[float], window: float) -> int:
    """Most events inside any half-open window of ``window`` seconds (times ascending)."""
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class FakeBotAPI:
    """A fake Telegram Bot API server (see the module docstring)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "shopguard_test_bot",
        bot_first_name: str = "ShopGuard Test",
        require_token: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.require_token = require_token
        """When set, other tokens get 401 Unauthorized (default: any token is accepted)."""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._handlers: dict[str, Callable[[_Ctx], Awaitable[Any] | Any]] = {
            "getme": self._get_me,
            "logout": self._ok,
            "close": self._ok,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "sendmediagroup": self._send_media_group,
            "sendchataction": self._send_chat_action,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "getfile": self._get_file,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            **dict.fromkeys(MEDIA_FIELDS, self._send_media),
        }
        # limits and faults
        self.per_chat_limit: int | None = None
        self.global_limit: int | None = None
        self.limit_window: float = 1.0
        self.fixed_retry_after: int | None = None
        self.blocked_chats: set[int | str] = set()
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._hangs: list[_Hang] = []
        self._reset_state()

    def _reset_state(self) -> None:
        # updates
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._updates_changed = asyncio.Event()
        self._allowed: set[str] | None = None
        self._poll_generation = 0
        self.poll_count = 0
        """Number of getUpdates requests received so far."""
        self.confirmed_offset = 0
        """Highest offset a getUpdates has confirmed (updates below it are gone)."""
        self.deliveries: Counter[int] = Counter()
        """update_id -> how many getUpdates answers carried it (>1 means redelivered)."""
        self.webhook_url = ""
        # chats, messages, files
        self.users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._channel_ids: dict[str, int] = {}
        self._message_ids: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], StoredMessage] = {}
        self.files: dict[str, FileEntry] = {}
        self._files_by_path: dict[str, FileEntry] = {}
        self._issued_queries: set[str] = set()
        self.answered_queries: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        # records and counters
        self._reset_records()

    def _reset_records(self) -> None:
        self.sends_in_flight = 0
        self.last_send_done = 0.0
        self.tokens: Counter[str] = Counter()
        self.token: str | None = None
        """The token of the latest request (any token is accepted unless ``require_token``)."""
        self.sent: list[SentCall] = []
        """Every call the server processed, in order (getUpdates excluded)."""
        self.rejected: list[SentCall] = []
        """Calls answered with an error before processing (429, injected faults, 4xx)."""
        self.uploads: list[UploadedFile] = []
        """Every file the bot uploaded (multipart), with its bytes and caption."""
        self.requests: Counter[str] = Counter()
        """Requests per method (canonical name), getUpdates included."""
        self.unknown_methods: Counter[str] = Counter()
        self.downloads: Counter[str] = Counter()
        """file_path -> number of downloads."""
        self.count_429 = 0
        self.count_5xx = 0
        self.count_4xx = 0
        self.hung: Counter[str] = Counter()
        """Requests per method left unanswered and unprocessed by ``hang_next`` / ``hang_for``."""
        self.accepted_sends: Counter[int | str] = Counter()
        """chat -> messages accepted by send methods (a media group counts each message)."""
        self.send_times: defaultdict[int | str, list[float]] = defaultdict(list)
        self._all_send_times: list[float] = []
        self._chat_windows: dict[int | str, deque[float]] = {}
        self._global_window: deque[float] = deque()
        self._sent_event: asyncio.Event | None = None
        self.internal_errors: list[str] = []
        """Unexpected exceptions inside the fake itself (should stay empty)."""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeBotAPI:
        """Listen on ``host:port`` (port 0 picks a free one); returns self."""
        if self._runner is not None:
            return self
        self._closing = asyncio.Event()
        self._updates_changed = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD + 8 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_download)
        add_control_routes(app, self)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        return self

    async def stop(self) -> None:
        """Wake long polls and delayed requests, then close the listening socket."""
        if self._runner is None:
            return
        self._closing.set()
        self._wake_pollers()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Give this to ``TelegramAPIServer.from_base`` / ``TELEGRAM_API_BASE``."""
        if self._runner is None:
            raise RuntimeError("FakeBotAPI is not started")
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ updates (test side)

    async def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an Update (its ``update_id`` is assigned here) and wake a waiting getUpdates."""
        update["update_id"] = self._next_update_id
        self._next_update_id += 1
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self._issued_queries.add(str(query["id"]))
        self._updates.append(update)
        self._wake_pollers()
        return update

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (delivered or not)."""
        return list(self._updates)

    def _user(
        self, user_id: int, first_name: str | None, language_code: str | None
    ) -> dict[str, Any]:
        known = self.users.get(user_id)
        if known is not None and first_name is None and language_code == known.get("language_code"):
            return known
        user = upd.user_object(
            user_id,
            first_name=first_name or (known or {}).get("first_name") or f"Shopper{user_id}",
            language_code=language_code,
        )
        self.users[user_id] = user
        self._chats[user_id] = upd.private_chat(user)
        return user

    def _store_user_message(self, user: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = user["id"]
        message = upd.user_message(user, self._next_message_id(chat_id), content)
        self._messages[(chat_id, message["message_id"])] = StoredMessage(
            message=message, raw_text=content.get("text"), markup=None, from_bot=False
        )
        return message

    async def user_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """The user sends ``text`` in their private chat; returns the queued Update."""
        user = self._user(user_id, first_name, language_code)
        message = self._store_user_message(user, upd.text_content(text))
        return await self.push_update({"message": message})

    async def user_press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        first_name: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """The user presses an inline button carrying ``callback_data`` on the bot's message.

        ``message`` in the query is the message as it is now (after edits); a deleted or unknown
        message id yields Telegram's InaccessibleMessage (``date`` 0). The data is not checked
        against the keyboard, so forged callbacks can be tested.
        """
        user = self._user(user_id, first_name, language_code)
        stored = self._messages.get((user_id, message_id))
        if stored is not None:
            message = stored.message
        else:
            message = upd.inaccessible_message(self._chat(user_id), message_id)
        query_id = str(secrets.randbits(63))
        return await self.push_update(
            {"callback_query": upd.callback_query(query_id, user, message, callback_data)}
        )

    async def press_button(
        self, user_id: int, label: str, *, message_id: int | None = None, exact: bool = False
    ) -> dict[str, Any]:
        """Press the button whose text contains ``label`` (or equals it, with ``exact``).

        Looks at ``message_id`` or else at the newest message in the chat that has such a button.
        """
        candidates = [
            stored
            for (chat, mid), stored in self._messages.items()
            if chat == user_id and (message_id is None or mid == message_id)
        ]
        for stored in reversed(candidates):
            for text, data in buttons(stored.message):
                if data is not None and (text == label if exact else label in text):
                    return await self.user_press(user_id, stored.message["message_id"], data)
        shown = [buttons(stored.message) for stored in candidates[-3:]]
        raise AssertionError(f"no button {label!r} in chat {user_id}; last keyboards: {shown}")

    def register_file(
        self,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        folder: str = "documents",
        file_size: int | None = None,
    ) -> FileEntry:
        """Make ``content`` downloadable through getFile; ``file_size`` may pretend it is bigger."""
        number = len(self.files) + 1
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif mime_type:
            suffix = mimetypes.guess_extension(mime_type) or ""
        entry = FileEntry(
            file_id=f"FAKE{folder[:3].upper()}{number}_{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{number}{secrets.token_hex(4)}",
            file_path=f"{folder}/file_{number}{suffix}",
            content=content,
            file_size=len(content) if file_size is None else file_size,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[entry.file_id] = entry
        self._files_by_path[entry.file_path] = entry
        return entry

    async def user_document(
        self,
        user_id: int,
        file_bytes: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        *,
        file_size: int | None = None,
        first_name: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """The user sends a file as a document; it is downloadable through getFile."""
        user = self._user(user_id, first_name, language_code)
        entry = self.register_file(
            file_bytes, file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        content: dict[str, Any] = {
            "document": {
                "file_id": entry.file_id,
                "file_unique_id": entry.file_unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": entry.file_size,
            }
        }
        if caption is not None:
            content["caption"] = caption
        return await self.push_update({"message": self._store_user_message(user, content)})

    async def user_photo(
        self,
        user_id: int,
        file_bytes: bytes,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 960,
        file_size: int | None = None,
        first_name: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """The user sends a compressed photo (one PhotoSize; downloadable through getFile)."""
        user = self._user(user_id, first_name, language_code)
        entry = self.register_file(
            file_bytes, mime_type="image/jpeg", folder="photos", file_size=file_size
        )
        size = {
            "file_id": entry.file_id,
            "file_unique_id": entry.file_unique_id,
            "width": width,
            "height": height,
            "file_size": entry.file_size,
        }
        content: dict[str, Any] = {"photo": [size]}
        if caption is not None:
            content["caption"] = caption
        return await self.push_update({"message": self._store_user_message(user, content)})

    # ------------------------------------------------------------------ records (test side)

    def mark(self) -> int:
        """Index into ``sent`` to pass as ``since=`` so a wait ignores earlier calls."""
        return len(self.sent)

    async def wait_for(
        self, predicate: Predicate, timeout: float = 10.0, *, since: int = 0
    ) -> SentCall:
        """First recorded call (from index ``since``) satisfying ``predicate``, waiting for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.sent):
                call = self.sent[index]
                index += 1
                if predicate(call):
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise WaitTimeout(self._describe_wait(timeout, since))
            if self._sent_event is None:
                self._sent_event = asyncio.Event()
            event = self._sent_event
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                pass

    async def wait_for_message(
        self,
        chat_id: int | str,
        contains: str | Iterable[str] | None = None,
        *,
        timeout: float = 10.0,
        since: int = 0,
    ) -> SentCall:
        """A message sent to ``chat_id`` whose text/caption contains ``contains`` (any of them)."""
        needles = [contains] if isinstance(contains, str) else list(contains or [])

        def matches(call: SentCall) -> bool:
            if call.chat_id != chat_id or call.method.lower() not in SEND_METHODS:
                return False
            return not needles or any(needle in (call.text or "") for needle in needles)

        return await self.wait_for(matches, timeout, since=since)

    def _describe_wait(self, timeout: float, since: int) -> str:
        recent = self.sent[max(since, len(self.sent) - 12) :]
        lines = [f"no matching call within {timeout}s; {len(self.sent) - since} call(s) since"]
        lines += [f"  {call!r}" for call in recent]
        if self.rejected:
            lines.append(f"  rejected: {self.rejected[-5:]!r}")
        lines.append(
            f"  getUpdates seen {self.poll_count}x, pending updates: {len(self._updates)}, "
            f"internal errors: {self.internal_errors[-3:]}"
        )
        return "\n".join(lines)

    def messages_to(self, chat_id: int | str) -> list[SentCall]:
        """Calls that created messages in ``chat_id`` (sendMessage, sendDocument, ...)."""
        return [c for c in self.sent if c.chat_id == chat_id and c.method.lower() in SEND_METHODS]

    def chat_view(self, chat_id: int | str) -> list[dict[str, Any]]:
        """The chat as the user sees it now: user and bot messages, after edits and deletions."""
        stored = [s for (chat, _), s in self._messages.items() if chat == chat_id]
        return [s.message for s in sorted(stored, key=lambda s: s.message["message_id"])]

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """Current state of one message (None once deleted)."""
        stored = self._messages.get((chat_id, message_id))
        return stored.message if stored else None

    def unanswered_queries(self) -> set[str]:
        """Callback query ids pushed but never answered (their button would keep spinning)."""
        return self._issued_queries - set(self.answered_queries)

    @staticmethod
    def buttons(call: SentCall | dict[str, Any] | None) -> list[tuple[str, str | None]]:
        """Inline keyboard of a call / Message dict / markup as a flat ``(text, data)`` list."""
        return buttons(call)

    def peak_sends(self, window: float = 1.0, chat_id: int | str | None = None) -> int:
        """Most accepted messages in any ``window`` seconds, for one chat or overall."""
        times = self._all_send_times if chat_id is None else self.send_times.get(chat_id, [])
        return _peak(times, window)

    def peak_sends_per_chat(self, window: float = 1.0) -> int:
        """The worst chat's ``peak_sends``."""
        return max((_peak(times, window) for times in self.send_times.values()), default=0)

    def reset_records(self) -> None:
        """Forget recorded calls and counters (keeps updates, chats, files and limits)."""
        self._reset_records()

    # ------------------------------------------------------------------ limits and faults

    def set_rate_limits(
        self,
        per_chat: int | None = None,
        global_limit: int | None = None,
        *,
        window: float = 1.0,
        retry_after: int | None = None,
    ) -> None:
        """Answer 429 when a send would exceed ``per_chat`` messages per chat (or
        ``global_limit`` overall) within any ``window`` seconds; ``None`` turns a limit off.

        ``retry_after`` is computed from the window unless fixed here. E.g. Telegram's
        documented limits: ``set_rate_limits(1, 30)``; groups: ``set_rate_limits(20, window=60)``.
        """
        self.per_chat_limit = per_chat
        self.global_limit = global_limit
        self.limit_window = window
        self.fixed_retry_after = retry_after
        self._chat_windows.clear()
        self._global_window.clear()

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        method: str | None = None,
        *,
        after_processing: bool = False,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching requests with an error ``status``.

        ``method=None`` matches every method except getUpdates (name it to break polling).
        With ``after_processing`` the request takes effect (message sent and recorded in
        ``sent`` with that status) and only the answer is an error, like a lost response.
        ``status=429`` carries ``retry_after`` (default 1).
        """
        key = method.lower() if method else None
        self._faults.append(_Fault(n, status, key, after_processing, retry_after, description))

    def delay_next(self, n: int, seconds: float, method: str | None = None) -> None:
        """Hold the next ``n`` matching requests ``seconds`` before processing them.

        A client that times out meanwhile has still sent the message: it is processed after the
        delay (Telegram behaves the same), which is how duplicate sends after retries show up.
        """
        key = method.lower() if method else None
        self._delays.append(_Delay(n, seconds, key))

    def hang_next(self, n: int, method: str | None = None) -> None:
        """Never answer the next ``n`` matching requests, and do not process them either.

        Like a network path that loses them: each is held until its client gives up (times
        out) or the server stops, then dropped; the client cannot tell whether it was processed.
        """
        key = method.lower() if method else None
        self._hangs.append(_Hang(n, None, key))

    def hang_for(self, seconds: float, method: str | None = None) -> None:
        """``hang_next`` for every matching request that arrives in the next ``seconds``."""
        key = method.lower() if method else None
        self._hangs.append(_Hang(None, time.monotonic() + seconds, key))

    def clear_faults(self) -> None:
        self._faults.clear()
        self._delays.clear()
        self._hangs.clear()

    def _take_hang(self, key: str) -> bool:
        now = time.monotonic()
        self._hangs = [h for h in self._hangs if h.until is None or h.until > now]
        for hang in self._hangs:
            if _matches(hang.method, key):
                if hang.remaining is not None:
                    hang.remaining -= 1
                    if hang.remaining <= 0:
                        self._hangs.remove(hang)
                return True
        return False

    async def _hang(self, request: web.Request, method: str) -> web.Response:
        """Hold a request until its client goes away (or the server stops), answering nothing."""
        self.hung[method] += 1
        while not self._closing.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                break
            await self._sleep(0.02)
        transport = request.transport
        if transport is not None:
            transport.close()  # a client still waiting sees the connection drop, not an answer
        return web.Response(status=204)

    @staticmethod
    def _take(rules: list[Any], key: str) -> Any:
        for rule in rules:
            if _matches(rule.method, key):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    rules.remove(rule)
                return rule
        return None

    def _check_rate(self, chat: int | str, now: float) -> None:
        window = self.limit_window
        waits: list[float] = []
        if self.per_chat_limit is not None:
            times = self._chat_windows.setdefault(chat, deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= self.per_chat_limit:
                waits.append(times[0] + window - now)
        if self.global_limit is not None:
            times = self._global_window
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= self.global_limit:
                waits.append(times[0] + window - now)
        if waits:
            retry_after = self.fixed_retry_after or max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _note_sends(self, chat: int | str, count: int, now: float) -> None:
        self.accepted_sends[chat] += count
        self.send_times[chat].extend([now] * count)
        self._all_send_times.extend([now] * count)
        if self.per_chat_limit is not None:
            self._chat_windows.setdefault(chat, deque()).extend([now] * count)
        if self.global_limit is not None:
            self._global_window.extend([now] * count)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_method(self, request: web.Request) -> web.Response:
        key = request.match_info["method"].lower()
        if key not in SEND_METHODS:
            return await self._handle_call(request)
        self.sends_in_flight += 1
        try:
            return await self._handle_call(request)
        finally:
            self.sends_in_flight -= 1
            self.last_send_done = time.monotonic()

    async def wait_quiet(self, gap: float = 0.02, timeout: float = 10.0) -> None:
        """Wait for a moment with no send in flight and none answered in the last ``gap`` s —
        a moment when a client has no message whose fate it does not know yet."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            idle = time.monotonic() - self.last_send_done
            if self.sends_in_flight == 0 and idle >= gap:
                return
            await asyncio.sleep(min(gap / 4, 0.005))
        raise WaitTimeout(f"no quiet moment of {gap}s within {timeout}s")

    async def _handle_call(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        name = request.match_info["method"]
        key = name.lower()
        method = CANONICAL.get(key, name)
        self.requests[method] += 1
        self.tokens[token] += 1
        self.token = token
        call: SentCall | None = None
        ctx: _Ctx | None = None
        try:
            if self.require_token is not None and token != self.require_token:
                raise ApiError(401, "Unauthorized")
            params, files = await _read_params(request)
            if self._hangs and self._take_hang(key):
                return await self._hang(request, method)
            fault = self._take(self._faults, key) if self._faults else None
            delay = self._take(self._delays, key) if self._delays else None
            if delay is not None:
                await self._sleep(delay.seconds)
            ctx = _Ctx(method, key, token, params, files, request)
            if fault is not None and not fault.after_processing:
                raise fault.error()
            if key in SEND_METHODS or key == "sendchataction":
                ctx.chat_key = _chat_key(params.get("chat_id"))
                if ctx.chat_key in self.blocked_chats:
                    raise ApiError(403, "Forbidden: bot was blocked by the user")
                if key != "sendchataction" and (self.per_chat_limit or self.global_limit):
                    self._check_rate(ctx.chat_key, time.monotonic())
            handler = self._handlers.get(key, self._fallback)
            result = handler(ctx)
            if asyncio.iscoroutine(result):
                result = await result
            if key == "getupdates":
                if fault is not None:  # updates handed out but the answer lost: same as failing
                    raise fault.error()
                return _json({"ok": True, "result": result})
            call = self._record(ctx, result)
            if fault is not None:
                call.status = fault.status
                raise fault.error()
            return _json({"ok": True, "result": result})
        except ApiError as error:
            return self._error_response(method, token, ctx, error, call)
        except ConnectionError:
            raise  # the client went away mid-request: nothing to answer
        except Exception as exc:  # a bug in the fake: say so loudly, answer 500
            self.internal_errors.append(f"{method}: {type(exc).__name__}: {exc}")
            error = ApiError(500, f"Internal Server Error: fake bug: {type(exc).__name__}: {exc}")
            return self._error_response(method, token, ctx, error, call)

    def _error_response(
        self,
        method: str,
        token: str,
        ctx: _Ctx | None,
        error: ApiError,
        call: SentCall | None,
    ) -> web.Response:
        if error.status == 429:
            self.count_429 += 1
        elif error.status >= 500:
            self.count_5xx += 1
        elif error.status >= 400:
            self.count_4xx += 1
        if call is None and method != "getUpdates":
            params = ctx.params if ctx is not None else {}
            text = params.get("text", params.get("caption"))
            self.rejected.append(
                SentCall(
                    method=method,
                    params=params,
                    chat_id=_safe_chat(params),
                    text=text if isinstance(text, str) else None,
                    reply_markup=None,
                    document=None,
                    time=time.monotonic(),
                    token=token,
                    status=error.status,
                    error=error.description,
                )
            )
        elif call is not None:
            call.error = error.description
        return _json(error.payload(), error.status)

    def _record(self, ctx: _Ctx, result: Any) -> SentCall:
        params = ctx.params
        chat = ctx.chat_key if ctx.chat_key is not None else _safe_chat(params)
        text = params.get("text", params.get("caption"))
        markup = params.get("reply_markup")
        now = time.monotonic()
        call = SentCall(
            method=ctx.method,
            params=params,
            chat_id=chat,
            text=text if isinstance(text, str) else None,
            reply_markup=markup if isinstance(markup, dict) else None,
            document=ctx.document,
            time=now,
            token=ctx.token,
            result=result,
        )
        if ctx.sends and ctx.chat_key is not None:
            self._note_sends(ctx.chat_key, ctx.sends, now)
        self.sent.append(call)
        event = self._sent_event
        if event is not None:
            self._sent_event = None
            event.set()
        return call

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._closing.wait()
        except TimeoutError:
            pass

    async def _handle_download(self, request: web.Request) -> web.Response:
        entry = self._files_by_path.get(request.match_info["file_path"])
        if entry is None or entry.file_size > MAX_DOWNLOAD:
            return _json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        self.downloads[entry.file_path] += 1
        return web.Response(
            body=entry.content, content_type=entry.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ chats and messages

    def _bot_user(self, token: str) -> dict[str, Any]:
        prefix = token.split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat(self, chat: int | str) -> dict[str, Any]:
        known = self._chats.get(chat)
        if known is not None:
            return known
        if isinstance(chat, str):
            chat_id = self._channel_ids.setdefault(chat, -1001000000000 - len(self._channel_ids))
            obj: dict[str, Any] = {
                "id": chat_id,
                "type": "channel",
                "title": chat[1:],
                "username": chat[1:],
            }
        elif chat > 0:
            obj = {"id": chat, "type": "private", "first_name": f"Shopper{chat}"}
        else:
            kind = "supergroup" if str(chat).startswith("-100") else "group"
            obj = {"id": chat, "type": kind, "title": f"Chat {chat}"}
        self._chats[chat] = obj
        return obj

    def _next_message_id(self, chat: int | str) -> int:
        number = self._message_ids.get(chat, 0) + 1
        self._message_ids[chat] = number
        return number

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" must be an Array of Arrays')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request(_BAD_BUTTON)
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _new_bot_message(
        self,
        ctx: _Ctx,
        content: dict[str, Any],
        markup: dict[str, Any] | None,
        raw_text: str | None,
    ) -> dict[str, Any]:
        assert ctx.chat_key is not None
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        message: dict[str, Any] = {
            "message_id": self._next_message_id(ctx.chat_key),
            "from": self._bot_user(ctx.token),
            "chat": self._chat(ctx.chat_key),
            "date": int(time.time()),
            **content,
        }
        if inline is not None:
            message["reply_markup"] = inline
        self._messages[(ctx.chat_key, message["message_id"])] = StoredMessage(
            message=message, raw_text=raw_text, markup=inline, from_bot=True
        )
        ctx.sends += 1
        return message

    def _editable(self, ctx: _Ctx, verb: str = "edit") -> StoredMessage:
        ctx.chat_key = _chat_key(ctx.params.get("chat_id"))
        message_id = _as_int(ctx.params.get("message_id"), 0)
        stored = self._messages.get((ctx.chat_key, message_id))
        if stored is None:
            raise bad_request(f"message to {verb} not found")
        if verb == "edit" and not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    @staticmethod
    def _apply_edit(
        stored: StoredMessage, changes: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        message = {**stored.message, **changes, "edit_date": int(time.time())}
        message.pop("reply_markup", None)
        if inline is not None:
            message["reply_markup"] = inline
        stored.history.append(stored.message)
        stored.message = message
        stored.markup = inline
        stored.edits += 1
        return message

    # ------------------------------------------------------------------ Bot API methods

    def _ok(self, ctx: _Ctx) -> bool:
        return True

    def _fallback(self, ctx: _Ctx) -> bool:
        self.unknown_methods[ctx.method] += 1
        return True

    def _get_me(self, ctx: _Ctx) -> dict[str, Any]:
        return {
            **self._bot_user(ctx.token),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _set_webhook(self, ctx: _Ctx) -> bool:
        url = ctx.params.get("url") or ""
        if _truthy(ctx.params.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook_url = str(url)
        self._wake_pollers()
        return True

    def _delete_webhook(self, ctx: _Ctx) -> bool:
        if _truthy(ctx.params.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook_url = ""
        return True

    def _get_webhook_info(self, ctx: _Ctx) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _wake_pollers(self) -> None:
        event, self._updates_changed = self._updates_changed, asyncio.Event()
        event.set()

    def _confirm(self, offset: int) -> None:
        queue = self._updates
        if offset > 0:
            while queue and queue[0]["update_id"] < offset:
                queue.popleft()
            self.confirmed_offset = max(self.confirmed_offset, offset)
        elif offset < 0:
            while len(queue) > -offset:
                queue.popleft()

    def _collect(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed
        if allowed is not None and any(upd.update_type(u) not in allowed for u in self._updates):
            # Telegram never creates updates of types the bot did not ask for.
            self._updates = deque(u for u in self._updates if upd.update_type(u) in allowed)
        batch = [self._updates[i] for i in range(min(limit, len(self._updates)))]
        for update in batch:
            self.deliveries[update["update_id"]] += 1
        return batch

    async def _get_updates(self, ctx: _Ctx) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        params = ctx.params
        offset = _as_int(params.get("offset"), 0)
        limit = min(100, max(1, _as_int(params.get("limit"), 100)))
        timeout = max(0, _as_int(params.get("timeout"), 0))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = set(allowed) if allowed else None
        self.poll_count += 1
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll still waiting is terminated with 409
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _CONFLICT_POLL)
            if self.webhook_url:
                raise ApiError(409, _CONFLICT_WEBHOOK)
            if ctx.client_gone():
                return []  # e.g. a killed bot's long poll: deliver nothing to a dead socket
            batch = self._collect(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                return batch
            event = self._updates_changed
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return []

    def _send_message(self, ctx: _Ctx) -> dict[str, Any]:
        text = ctx.params.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request("message text is empty")
        visible = visible_text(text, ctx.params.get("parse_mode"))
        if not visible.strip():
            raise bad_request("message text is empty")
        if utf16_len(visible) > MAX_TEXT:
            raise bad_request("message is too long")
        markup = self._check_markup(ctx.params.get("reply_markup"))
        return self._new_bot_message(ctx, {"text": visible}, markup, raw_text=text)

    def _caption(self, ctx: _Ctx, caption: Any) -> str | None:
        if not isinstance(caption, str) or not caption:
            return None
        visible = visible_text(caption, ctx.params.get("parse_mode"))
        if utf16_len(visible) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return visible

    def _input_file(
        self, ctx: _Ctx, value: Any, field_name: str, folder: str
    ) -> tuple[UploadedFile, FileEntry]:
        """Resolve an InputFile parameter: upload (attach:// or same-named part), file_id, URL."""
        part: FileField | None = None
        if value is None:
            part = ctx.files.get(field_name)
            if part is None:
                raise bad_request(f"there is no {field_name} in the request")
        elif isinstance(value, str) and value.startswith("attach://"):
            part = ctx.files.get(value[len("attach://") :])
            if part is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if part is not None:
            content = part.file.read()
            if len(content) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            if folder == "photos" and not content.startswith(_IMAGE_MAGIC):
                raise bad_request("IMAGE_PROCESS_FAILED")
            guessed = mimetypes.guess_type(part.filename or "")[0]
            mime = guessed or part.content_type or "application/octet-stream"
            entry = self.register_file(
                content, file_name=part.filename, mime_type=mime, folder=folder
            )
            upload = UploadedFile(
                field=field_name,
                filename=part.filename,
                content=content,
                content_type=mime,
                file_id=entry.file_id,
            )
            self.uploads.append(upload)
            return upload, entry
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1] or None
            entry = self.register_file(b"", file_name=name, folder=folder)
            return UploadedFile(field_name, name, b"", file_id=entry.file_id, url=value), entry
        if isinstance(value, str) and value in self.files:
            entry = self.files[value]
            upload = UploadedFile(
                field_name, entry.file_name, entry.content, entry.mime_type, file_id=value
            )
            return upload, entry
        raise bad_request("wrong file identifier/HTTP URL specified")

    @staticmethod
    def _media_object(kind: str, entry: FileEntry) -> Any:
        base: dict[str, Any] = {
            "file_id": entry.file_id,
            "file_unique_id": entry.file_unique_id,
            "file_size": entry.file_size,
        }
        if kind == "photo":
            return [{**base, "width": 1280, "height": 960}]
        if entry.file_name:
            base["file_name"] = entry.file_name
        if entry.mime_type:
            base["mime_type"] = entry.mime_type
        if kind in ("video", "animation"):
            base.update(width=640, height=360, duration=1)
        elif kind in ("audio", "voice"):
            base["duration"] = 1
        if kind == "voice":
            base.pop("file_name", None)
        return base

    def _send_media(self, ctx: _Ctx) -> dict[str, Any]:
        kind, folder = MEDIA_FIELDS[ctx.key]
        caption = self._caption(ctx, ctx.params.get("caption"))
        upload, entry = self._input_file(ctx, ctx.params.get(kind), kind, folder)
        raw_caption = ctx.params.get("caption")
        upload.caption = raw_caption if isinstance(raw_caption, str) else None
        ctx.document = upload
        markup = self._check_markup(ctx.params.get("reply_markup"))
        content: dict[str, Any] = {kind: self._media_object(kind, entry)}
        if caption:
            content["caption"] = caption
        return self._new_bot_message(ctx, content, markup, raw_text=None)

    def _send_media_group(self, ctx: _Ctx) -> list[dict[str, Any]]:
        media = ctx.params.get("media")
        if not isinstance(media, list) or not media:
            raise bad_request('parameter "media" is required')
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media specified")
        group_id = str(secrets.randbits(60))
        prepared = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request("wrong media type specified")
            folder = {"photo": "photos", "video": "videos", "audio": "music"}.get(kind, "documents")
            upload, entry = self._input_file(ctx, item.get("media"), kind, folder)
            upload.caption = item.get("caption")
            prepared.append((kind, upload, entry, self._caption(ctx, item.get("caption"))))
        messages = []
        for kind, upload, entry, caption in prepared:
            content: dict[str, Any] = {
                kind: self._media_object(kind, entry),
                "media_group_id": group_id,
            }
            if caption:
                content["caption"] = caption
            messages.append(self._new_bot_message(ctx, content, None, raw_text=None))
            ctx.document = ctx.document or upload
        return messages

    def _send_chat_action(self, ctx: _Ctx) -> bool:
        if not ctx.params.get("action"):
            raise bad_request("action is empty")
        return True

    def _edit_message_text(self, ctx: _Ctx) -> dict[str, Any] | bool:
        if ctx.params.get("inline_message_id"):
            return True
        stored = self._editable(ctx)
        if "text" not in stored.message:
            raise bad_request("there is no text in the message to edit")
        text = ctx.params.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request("message text is empty")
        visible = visible_text(text, ctx.params.get("parse_mode"))
        if utf16_len(visible) > MAX_TEXT:
            raise bad_request("message is too long")
        markup = self._check_markup(ctx.params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if text == stored.raw_text and inline == stored.markup:
            raise bad_request(_NOT_MODIFIED)
        stored.raw_text = text
        return self._apply_edit(stored, {"text": visible}, markup)

    def _edit_message_caption(self, ctx: _Ctx) -> dict[str, Any] | bool:
        if ctx.params.get("inline_message_id"):
            return True
        stored = self._editable(ctx)
        if "text" in stored.message:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(ctx, ctx.params.get("caption"))
        markup = self._check_markup(ctx.params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if caption == stored.message.get("caption") and inline == stored.markup:
            raise bad_request(_NOT_MODIFIED)
        message = self._apply_edit(stored, {"caption": caption}, markup)
        if caption is None:
            message.pop("caption", None)
        return message

    def _edit_message_reply_markup(self, ctx: _Ctx) -> dict[str, Any] | bool:
        if ctx.params.get("inline_message_id"):
            return True
        stored = self._editable(ctx)
        markup = self._check_markup(ctx.params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if inline == stored.markup:
            raise bad_request(_NOT_MODIFIED)
        return self._apply_edit(stored, {}, markup)

    def _delete_message(self, ctx: _Ctx) -> bool:
        stored = self._editable(ctx, verb="delete")
        del self._messages[(ctx.chat_key, stored.message["message_id"])]  # type: ignore[index]
        return True

    def _answer_callback_query(self, ctx: _Ctx) -> bool:
        query_id = str(ctx.params.get("callback_query_id") or "")
        if query_id not in self._issued_queries or query_id in self.answered_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.answered_queries[query_id] = ctx.params
        return True

    def _get_file(self, ctx: _Ctx) -> dict[str, Any]:
        entry = self.files.get(str(ctx.params.get("file_id") or ""))
        if entry is None:
            raise bad_request("invalid file_id")
        if entry.file_size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return entry.as_file()

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        language = params.get("language_code") or ""
        if language and not _LANGUAGE_RE.fullmatch(str(language)):
            # Only two-letter ISO 639-1 codes: "zh-hans" (a user's language_code) is refused.
            raise bad_request("invalid language code specified")
        return json.dumps([scope, language], sort_keys=True)

    def _set_my_commands(self, ctx: _Ctx) -> bool:
        commands = ctx.params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(ctx.params)] = commands
        return True

    def _get_my_commands(self, ctx: _Ctx) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(ctx.params), [])

    def _delete_my_commands(self, ctx: _Ctx) -> bool:
        self.commands.pop(self._commands_key(ctx.params), None)
        return True
