"""Builders for the Update objects a real Telegram client would produce.

Pure functions over plain dicts: the server assigns ``update_id`` and message ids; these only
shape the JSON so aiogram parses it exactly as it parses Telegram's.
"""

from __future__ import annotations

import time
from typing import Any

from .records import utf16_len


def user_object(
    user_id: int,
    *,
    first_name: str,
    language_code: str | None,
    username: str | None = None,
    last_name: str | None = None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def user_message(user: dict[str, Any], message_id: int, content: dict[str, Any]) -> dict[str, Any]:
    """A message the user sent in their private chat with the bot."""
    return {
        "message_id": message_id,
        "from": user,
        "chat": private_chat(user),
        "date": int(time.time()),
        **content,
    }


def text_content(text: str) -> dict[str, Any]:
    """``text`` plus the ``bot_command`` entity Telegram adds when the text starts with '/'."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
    return content


def callback_query(
    query_id: str, user: dict[str, Any], message: dict[str, Any], data: str
) -> dict[str, Any]:
    """A press on an inline button of ``message`` (the bot's message, as the user sees it)."""
    return {
        "id": query_id,
        "from": user,
        "message": message,
        "chat_instance": str(abs(hash(("chat-instance", message["chat"]["id"])))),
        "data": data,
    }


def inaccessible_message(chat: dict[str, Any], message_id: int) -> dict[str, Any]:
    """What Telegram puts in a callback query whose message is gone (``date`` is 0)."""
    return {"chat": chat, "message_id": message_id, "date": 0}


def update_type(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""
