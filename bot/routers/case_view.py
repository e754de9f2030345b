"""Showing a case card — shared by every router that ends on one."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import CallbackQuery, Message

from bot import keyboards, render
from bot.deadline_view import card_section
from bot.i18n import Texts
from bot.reply import show
from shopguard.db.models import Case


async def show_card(
    event: Message | CallbackQuery, case: Case, t: Texts, tz: str, now: datetime | None = None
) -> None:
    """The card with its deadlines (``now`` gives each its time left and sorts out the passed)."""
    text = render.case_card(case, t, tz) + "\n\n" + card_section(case, t, tz, now)
    await show(event, text, keyboards.case_card(case, t))


async def show_new_case(
    event: Message | CallbackQuery, case: Case, t: Texts, tz: str, now: datetime | None = None
) -> None:
    """A fresh case: the card, then a hint of which facts are worth adding next."""
    await show_card(event, case, t, tz, now)
    target = event.message if isinstance(event, CallbackQuery) else event
    if isinstance(target, Message):
        await target.answer(t("new.created_hint", number=case.number))
