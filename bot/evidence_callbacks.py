"""Callback data of the evidence buttons. Ids in them are never trusted: services re-check
ownership, so a forged id of another shopper's case or item is "not found"."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class EvCaseCb(CallbackData, prefix="evc"):
    action: str  # list | check | export | guide
    case_id: RowId
    page: int = 0


class EvItemCb(CallbackData, prefix="evi"):
    action: str  # show | view | desc | kind | setkind | walk | delete | delete_yes | unbox | fetch
    item_id: RowId
    value: str = ""


class EvBatchCb(CallbackData, prefix="evb"):
    """A question about a batch (the files of one album, or sent before a case was picked)."""

    action: str  # kind | each | later | move | to
    batch: str
    value: str = ""


class EvTickCb(CallbackData, prefix="evt"):
    case_id: RowId
    item: str
    on: int  # 1: I hold it offline; 0: untick


class EvUnboxCb(CallbackData, prefix="evu"):
    item_id: RowId
    question: str
    answer: str  # yes | no | na | stop


class EvPendingCb(CallbackData, prefix="evp"):
    """Which case the waiting files go to; case_id 0 drops them."""

    case_id: RowId
