"""Console mode: chat with ShopGuard in a terminal — same dispatcher, routers and database.

Type as you would in Telegram. Buttons are numbered: type ``#2`` to press the second one.
``/attach PATH [caption]`` sends a local file; ``/quit`` (or Ctrl-D) leaves.
"""

from __future__ import annotations

import asyncio
import html
import re
import shlex
from collections.abc import Callable
from pathlib import Path

from aiogram import Dispatcher

from bot.local_chat import LocalChat
from bot.local_session import LocalSession, Outgoing

_TAG = re.compile(r"<[^>]+>")
BANNER = "ShopGuard 购物维权助手 — console. Buttons: #N to press · /attach PATH · /quit to leave\n"


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


class Console:
    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        language_code: str,
        user_id: int = 1,
        write: Callable[[str], None] = lambda s: print(s, flush=True),
        read: Callable[[], str] = lambda: input("> "),
    ) -> None:
        self.write = write
        self.read = read
        self.chat = LocalChat(
            dispatcher,
            user_id=user_id,
            language_code=language_code,
            session=LocalSession(on_output=self.show),
        )

    def show(self, out: Outgoing) -> None:
        if out.method == "answerCallbackQuery":
            if out.text:
                self.write(f"  ({plain(out.text)})")
            return
        lines = []
        if out.method == "editMessage":
            lines.append("  ↻")
        if out.method == "sendDocument":
            lines.append(f"📎 {out.filename} ({len(out.document or b'')} bytes)")
        if out.text:
            lines.append(plain(out.text))
        numbered = [f"[{i}] {text}" for i, (text, _) in enumerate(out.buttons(), 1)]
        if numbered:
            lines.append("  ".join(numbered))
        self.write("\n".join(lines) + "\n")

    async def handle(self, line: str) -> bool:
        """Feed one typed line; False when the shopper wants to leave."""
        line = line.strip()
        if line in ("/quit", "/exit"):
            return False
        if re.fullmatch(r"#\d+", line):
            buttons = self.chat.buttons()
            index = int(line[1:]) - 1
            if not 0 <= index < len(buttons):
                self.write(f"  (no button {line}; {len(buttons)} on screen)\n")
                return True
            await self.chat.press_data(buttons[index][1])
            return True
        if line.startswith("/attach"):
            return await self._attach(line)
        if line:
            await self.chat.send(line)
        return True

    async def _attach(self, line: str) -> bool:
        try:
            parts = shlex.split(line)[1:]
        except ValueError:
            parts = []
        path = Path(parts[0]).expanduser() if parts else None
        if path is None or not path.is_file():
            self.write("  (usage: /attach PATH [caption] — the file must exist)\n")
            return True
        caption = " ".join(parts[1:]) or None
        await self.chat.attach(path, caption)
        return True

    async def run(self) -> None:
        self.write(BANNER)
        while True:
            try:
                line = await asyncio.to_thread(self.read)
            except EOFError:
                break
            if not await self.handle(line):
                break
        await self.chat.bot.session.close()
