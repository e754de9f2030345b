"""Callback data and dialog states of the case timeline and the advisor. Ids are re-checked."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.callbacks import RowId


class TlCb(CallbackData, prefix="tl"):
    action: str  # log | full | advise | remind
    case_id: RowId


class TlKindCb(CallbackData, prefix="tk"):
    """Log a step of this kind (an ``EntryKind`` value) on the case."""

    case_id: RowId
    kind: str


class TlOptCb(CallbackData, prefix="to"):
    """An answer to the question the logging dialog is asking: an option, ``now``, or ``skip``."""

    value: str


class TlDelCb(CallbackData, prefix="td"):
    action: str  # ask | yes
    entry_id: RowId


class LogStep(StatesGroup):
    pick = State()  # waiting for a button (or a typed answer where one is allowed)
