"""Inline keyboards built in place, with the calls of aiogram's ``InlineKeyboardBuilder``.

aiogram's builder deep-copies the whole keyboard (every button a pydantic model) each time a
button or a row is added, to validate it; on a case card of a dozen buttons that was the
costliest part of handling the update. This one keeps the same behaviour — ``button`` fills the
last row up to Telegram's 8 per row, ``row`` starts new rows, ``adjust`` re-flows every button
added so far into rows of the given sizes (the last size repeats) — and copies nothing.
Buttons added with ``button`` are validated all at once, when the markup is made: one
validation of the whole keyboard costs less than one per button.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

MAX_WIDTH = 8  # buttons per row Telegram accepts

Button = InlineKeyboardButton | dict[str, Any]  # a dict: the fields of a button to validate


class Keyboard:
    def __init__(self) -> None:
        self._rows: list[list[Button]] = []

    def button(
        self, *, text: str, callback_data: CallbackData | str | None = None, **kw: Any
    ) -> None:
        if isinstance(callback_data, CallbackData):
            callback_data = callback_data.pack()
        if callback_data is not None:
            kw["callback_data"] = callback_data
        self.add({"text": text, **kw})

    def add(self, *buttons: Button) -> None:
        """Into the last row while it has room, then into new full-width rows."""
        pending = list(buttons)
        if self._rows and len(self._rows[-1]) < MAX_WIDTH:
            room = MAX_WIDTH - len(self._rows[-1])
            self._rows[-1].extend(pending[:room])
            pending = pending[room:]
        self._rows.extend(_chunks(pending, [MAX_WIDTH]))

    def row(self, *buttons: Button, width: int = MAX_WIDTH) -> None:
        self._rows.extend(_chunks(list(buttons), [width]))

    def adjust(self, *sizes: int) -> None:
        buttons = [button for row in self._rows for button in row]
        self._rows = _chunks(buttons, list(sizes) or [MAX_WIDTH])

    def as_markup(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup.model_validate(
            {"inline_keyboard": [list(row) for row in self._rows]}
        )


def _chunks(buttons: list[Button], sizes: list[int]) -> list[list[Button]]:
    """Rows of ``sizes[0]``, ``sizes[1]`` … buttons, the last size repeating."""
    rows: list[list[Button]] = []
    start = 0
    while start < len(buttons):
        size = max(1, min(MAX_WIDTH, sizes[min(len(rows), len(sizes) - 1)]))
        rows.append(buttons[start : start + size])
        start += size
    return rows
