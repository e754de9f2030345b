"""The evidence locker as the handlers see it: the file store and the limits from settings.

``EvidenceContextMiddleware`` runs after the database middleware: it hands the locker to the
handlers and attaches the store to the update's session, so that any feature deleting a case
or a shopper's data also removes their files once the transaction commits. It also notes the
case card the shopper last opened: that is the case the conversation is about (files sent next
go there; follow-up reminders attach to it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import CaseCb
from shopguard.errors import NotFound
from shopguard.evidence.cleanup import attach_store
from shopguard.evidence.limits import EvidenceLimits
from shopguard.evidence.services import set_active_case
from shopguard.evidence.store import EvidenceStore
from shopguard.settings import Settings

CARD_ACTIONS = frozenset({"open", "fields", "more_fields", "reopen"})


@dataclass(frozen=True)
class EvidenceLocker:
    store: EvidenceStore
    limits: EvidenceLimits

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceLocker:
        return cls(
            EvidenceStore(settings.data_dir / "evidence"), EvidenceLimits.from_settings(settings)
        )

    @property
    def work_dir(self) -> Path:
        """Where bundles are written before they are sent (removed right after)."""
        return self.store.root / "tmp"


class EvidenceContextMiddleware(BaseMiddleware):
    def __init__(self, locker: EvidenceLocker) -> None:
        self.locker = locker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["locker"] = self.locker
        session = data.get("db")
        if session is not None:
            attach_store(session, self.locker.store)
        result = await handler(event, data)
        if session is not None and isinstance(event, CallbackQuery):
            await _follow_case_card(session, event)
        return result


async def _follow_case_card(session: AsyncSession, query: CallbackQuery) -> None:
    """A case card the shopper opened or edits is the case the conversation is about: files
    sent next go there. (Ownership is checked; a forged id changes nothing.)"""
    try:
        pressed = CaseCb.unpack(query.data or "")
    except (TypeError, ValueError):
        return
    if pressed.action not in CARD_ACTIONS:
        return
    with contextlib.suppress(NotFound):
        await set_active_case(session, query.from_user.id, pressed.case_id)
