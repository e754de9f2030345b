"""The case card's line about price protection (价保)."""

from __future__ import annotations

from bot.i18n import Texts
from shopguard.db.models import Case
from shopguard.money import format_fen
from shopguard.price_protection import has_protection, paid_unit_fen


def card_line(case: Case, t: Texts) -> str | None:
    """None for a case without 价保 (the card shows nothing then)."""
    if not has_protection(case):
        return None
    paid = paid_unit_fen(case)
    if paid is None:
        return t("price.card_no_paid")
    return t("price.card", paid=format_fen(paid), quantity=case.quantity)
