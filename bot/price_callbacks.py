"""Callback data and dialog states of price protection (价保). Case ids are re-checked on use."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.callbacks import RowId


class PriceCb(CallbackData, prefix="pp"):
    action: str  # show | report | watch | unwatch | chart | claim
    case_id: RowId


class PriceInput(StatesGroup):
    amount = State()  # the price now, typed after "report a price"
    url = State()  # the product page to watch
