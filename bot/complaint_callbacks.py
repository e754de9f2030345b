"""Callback data of the complaint buttons. Ids in them are never trusted: the services
re-check ownership, so another shopper's case, draft or version is "not found"."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class CpCaseCb(CallbackData, prefix="cpc"):
    action: str  # channels | open
    case_id: RowId
    channel: str = ""


class CpDraftCb(CallbackData, prefix="cpd"):
    # demand | ask | reply | edit | reset | show | regen | chat | fields | short | txt | lang
    # | mask | versions
    action: str
    draft_id: RowId
    value: str = ""


class CpVersionCb(CallbackData, prefix="cpv"):
    version_id: RowId
