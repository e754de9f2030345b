"""A demand the shopper can make: its exact amount, how it was computed, and its legal basis."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from shopguard.errors import InputError
from shopguard.money import MAX_AMOUNT_FEN

Confidence = Literal["high", "medium", "low"]
Formula = Literal["paid", "asked", "none", "price_difference", "multiple", "promise"]


class DemandKind(StrEnum):
    FULL_REFUND = "full_refund"
    PARTIAL_REFUND = "partial_refund"
    EXCHANGE = "exchange"
    PRICE_DIFFERENCE = "price_difference"
    FRAUD_COMPENSATION = "fraud_compensation"
    FOOD_COMPENSATION = "food_compensation"
    SHOP_PROMISE = "shop_promise"
    SUBSTITUTE_OR_COUPON = "substitute_or_coupon"


@dataclass(frozen=True)
class Calculation:
    """The numbers behind an amount, kept so each language can show the computation.

    ``multiple``/``promise``: ``paid_fen`` x ``multiplier``, raised to ``minimum_fen``, plus
    the refund when ``plus_refund``. ``price_difference``: (``unit_paid_fen`` -
    ``unit_now_fen``) x ``quantity``.
    """

    formula: Formula
    paid_fen: int | None = None
    multiplier: int | None = None
    minimum_fen: int | None = None
    plus_refund: bool = False
    unit_paid_fen: int | None = None
    unit_now_fen: int | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class DemandOption:
    """One demand that fits the case, as proposed by :func:`propose_demands`.

    ``amount_fen`` is the total asked of the seller (refund + compensation); it is ``None`` for
    an exchange (no money) and while a fact it needs is unknown — ``needs`` then names the
    facts (``ComplaintFacts`` fields), or ``"asked_amount"`` for an amount the shopper names
    (:meth:`with_amount`).
    """

    rule_id: str
    kind: DemandKind
    formula: Formula
    title_zh: str
    title_en: str
    ask_zh: str  # template: {amount} {refund} {compensation} {calc} {promise} {multiplier}
    ask_en: str
    basis_zh: str
    basis_en: str
    source: str
    source_en: str
    confidence: Confidence
    amount_fen: int | None
    refund_fen: int | None = None
    compensation_fen: int | None = None
    calculation: Calculation | None = None
    needs: tuple[str, ...] = ()
    asked_label_zh: str | None = None
    asked_label_en: str | None = None
    amount_cap_fen: int | None = None  # the most an asked amount may be (partial < paid)
    promise_text: str | None = None
    note_zh: str | None = None
    note_en: str | None = None

    @property
    def has_money(self) -> bool:
        """False for a demand without an amount (an exchange)."""
        return self.formula != "none"

    def with_amount(self, fen: int) -> DemandOption:
        """The option with the amount the shopper named (a partial refund, a coupon).

        Raises :class:`~shopguard.errors.InputError`: ``demand.not_asked`` when the amount is
        computed, not named; ``demand.amount_range`` (``max`` in fen) when out of range.
        """
        if self.formula != "asked":
            raise InputError("demand.not_asked")
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise TypeError("amounts are integer fen")
        cap = MAX_AMOUNT_FEN if self.amount_cap_fen is None else self.amount_cap_fen
        if not 0 < fen <= cap:
            raise InputError("demand.amount_range", max=cap)
        needs = tuple(need for need in self.needs if need != "asked_amount")
        return replace(self, amount_fen=fen, needs=needs)
