"""The facts of a case a shopper can set or edit, each with the check its input must pass.

The adapter asks for a field, hands the shopper's text to ``parse_field`` and shows the
``InputError`` code it gets back; nothing is stored until a value passes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from shopguard.dates import DateError, parse_moment
from shopguard.errors import InputError
from shopguard.money import AmountError, parse_amount
from shopguard.taxonomy import Category, Platform, ProblemType

Kind = Literal["text", "code", "amount", "quantity", "moment", "choice", "days", "flag"]


class PriceProtectStart(StrEnum):
    """Where the shop's 价保 period is counted from (``CaseFacts.price_protect_from``)."""

    ORDER = "order"
    SIGNED = "signed"


class YesNo(StrEnum):
    """The buttons of a ``flag`` field, stored as True / False."""

    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class CaseField:
    name: str
    kind: Kind
    max_length: int = 200
    choices: type[StrEnum] | None = None
    required: bool = False
    more: bool = False  # a rarer fact: edited from the "more facts" menu


def _more(name: str, kind: Kind = "moment", choices: type[StrEnum] | None = None) -> CaseField:
    return CaseField(name, kind, choices=choices, more=True)


FIELDS: dict[str, CaseField] = {
    f.name: f
    for f in (
        CaseField("platform", "choice", choices=Platform, required=True),
        CaseField("problem_type", "choice", choices=ProblemType, required=True),
        CaseField("category", "choice", choices=Category),
        CaseField("shop_name", "text", max_length=200),
        CaseField("item", "text", max_length=200),
        CaseField("order_no", "code", max_length=64),
        CaseField("amount_fen", "amount"),
        CaseField("quantity", "quantity"),
        CaseField("unit_price_fen", "amount"),  # 价保: the price paid per unit
        CaseField("ordered_at", "moment"),
        CaseField("signed_at", "moment"),
        CaseField("live_room_id", "code", max_length=64),
        CaseField("notes", "text", max_length=2000),
        # what starts or changes the deadlines (shopguard.case_deadlines), rarer than the above
        _more("paid_at"),
        _more("return_days_promise", "days"),
        _more("price_protect_days", "days"),
        _more("price_protect_from", "choice", PriceProtectStart),
        _more("jd_self_operated", "flag", YesNo),
        _more("seller_contacted_at"),
        _more("return_requested_at"),
        _more("return_received_at"),
        _more("dispute_opened_at"),
        _more("seller_refused_at"),
        _more("ticket_filed_at"),
        _more("complaint_12315_filed_at"),
        _more("complaint_12315_accepted_at"),
        _more("last_tracking_at"),
        _more("knew_of_harm_at"),
        # what the escalation advisor weighs (shopguard.case_advice)
        _more("injury_or_hazard", "flag", YesNo),
        _more("special_price", "flag", YesNo),
    )
}

MAX_QUANTITY = 9999
MAX_DAYS = 365
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{3,63}")
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_text(text: str) -> str:
    """Drop control and format characters (keeping line breaks) and trim the ends."""
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL)
    return "".join(kept).strip()


def has_words(text: str) -> bool:
    """True when the text has a letter, digit or CJK character — not only emoji or symbols."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def parse_field(name: str, text: str, *, now: datetime, tz: str) -> str | int | datetime | None:
    """Validate the shopper's text for field ``name`` and return the value to store."""
    field = FIELDS.get(name)
    if field is None:
        raise InputError("unknown_field", field=name)
    text = clean_text(text)
    if not text:
        raise InputError("empty")
    if field.kind in ("choice", "flag"):
        assert field.choices is not None
        if text not in field.choices._value2member_map_:
            raise InputError("bad_choice")
        return text == YesNo.YES if field.kind == "flag" else text
    if len(text) > field.max_length:
        raise InputError("too_long", max=field.max_length, length=len(text))
    if field.kind == "text":
        if not has_words(text):
            raise InputError("no_words")
        return text
    if field.kind == "code":
        code = re.sub(r"[\s]", "", text)
        if not _CODE.fullmatch(code):
            raise InputError("bad_code")
        return code
    if field.kind == "amount":
        try:
            return parse_amount(text)
        except AmountError as err:
            raise InputError(f"amount.{err.code}") from err
    if field.kind == "quantity":
        return _parse_quantity(text)
    if field.kind == "days":
        return _parse_days(text)
    try:
        return parse_moment(text, now, tz).at
    except DateError as err:
        raise InputError(f"date.{err.code}") from err


def _parse_days(text: str) -> int:
    """A shop's promise in days: "15", "15天", "15 days"."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    digits = re.sub(r"\s*(?:天|日|days?|d)$", "", folded)
    if not digits.isdecimal() or not 1 <= int(digits) <= MAX_DAYS:
        raise InputError("days.range", max=MAX_DAYS)
    return int(digits)


def _parse_quantity(text: str) -> int:
    digits = unicodedata.normalize("NFKC", text).strip().rstrip("件个份台xX×").strip()
    if not digits.isdecimal():
        raise InputError("bad_quantity", max=MAX_QUANTITY)
    value = int(digits)
    if not 1 <= value <= MAX_QUANTITY:
        raise InputError("bad_quantity", max=MAX_QUANTITY)
    return value
