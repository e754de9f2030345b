"""Callback data of every button. Ids in them are never trusted: handlers re-check ownership."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

RowId = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
"""A row id in a button: a forged number beyond the database's integer keys is refused like
any other malformed button (the stale-button answer) instead of failing the query."""


class MenuCb(CallbackData, prefix="m"):
    action: str  # new | cases | help | lang | tz | privacy


class CaseCb(CallbackData, prefix="c"):
    action: str  # open | fields | close | reopen | delete | delete_yes
    case_id: RowId


class PageCb(CallbackData, prefix="p"):
    page: int


class FieldCb(CallbackData, prefix="f"):
    case_id: RowId
    field: str


class ChoiceCb(CallbackData, prefix="ch"):
    """A value picked from a list: in the new-case dialog (case_id 0) or on a case (edit)."""

    field: str
    value: str
    case_id: RowId = 0


class IntakeCb(CallbackData, prefix="in"):
    action: str  # save | discard


class LangCb(CallbackData, prefix="l"):
    language: str


class TzCb(CallbackData, prefix="tz"):
    zone: str


class PrivacyCb(CallbackData, prefix="pv"):
    action: str  # export | delete | delete_yes


class CancelCb(CallbackData, prefix="x"):
    pass


class ReminderCb(CallbackData, prefix="r"):
    action: str  # done | hour | morning
    reminder_id: RowId
