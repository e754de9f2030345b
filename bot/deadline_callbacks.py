"""Callback data and dialog states of deadlines and reminders. Ids are re-checked on use."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.callbacks import RowId


class DeadlinesCb(CallbackData, prefix="dl"):
    action: str  # list | ics | prefs


class PrefsCb(CallbackData, prefix="rp"):
    """A reminder preference: ``what`` is offsets | quiet; ``preset`` an index, -1 to type."""

    what: str
    preset: int


class RemindCb(CallbackData, prefix="rm"):
    """new: a follow-up for case ``id`` (0: none); cancel: cancel the follow-up ``id``."""

    action: str
    id: RowId


class RemindInput(StatesGroup):
    text = State()


class PrefsInput(StatesGroup):
    offsets = State()
    quiet = State()
