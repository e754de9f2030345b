"""Money as the shopper types it, and money as the bot shows it.

Amounts are integer fen (1 yuan = 100 fen) everywhere in the core: never a float, because
compensation rules multiply prices (3x, 10x, minimums of 500 / 1000 yuan) and a float would
round a 398.10 yuan order to 398.09999… Parsing goes through ``Decimal`` and refuses anything
that is not exactly representable in fen.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

AmountErrorCode = Literal[
    "empty", "not_a_number", "negative", "zero", "scientific", "too_precise", "too_large"
]

MAX_AMOUNT_FEN: Final = 1_000_000_000
"""10 million yuan: above any consumer purchase; larger input is a typo or an order number."""

_PREFIX = re.compile(r"^(?:¥|cny|rmb|人民币)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?:元整|元|圆|块钱|块|yuan|rmb|cny)$", re.IGNORECASE)
# "398块5" / "398元5角" / "398块5毛": a single trailing digit after the unit is jiao (0.1 yuan).
_JIAO = re.compile(r"^(?P<yuan>.*\d)\s*(?:元|块)\s*(?P<jiao>\d)\s*(?:角|毛)?(?:钱)?$")
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_SCIENTIFIC = re.compile(r"\d\.?\d*\s*e\s*[+-]?\d", re.IGNORECASE)
_MINUS = ("-", "−", "–")  # ASCII hyphen-minus, U+2212 minus sign, en dash
_MAX_DIGITS: Final = 30  # longer digit strings are too large without building a Decimal


class AmountError(ValueError):
    """An amount the shopper typed that cannot become fen; ``code`` says why.

    The bot maps ``code`` to its own localized message; ``str(err)`` is for logs.
    """

    def __init__(self, code: AmountErrorCode, text: str) -> None:
        self.code: AmountErrorCode = code
        self.text = text
        super().__init__(f"{code}: {text[:60]!r}")


def parse_amount(text: str) -> int:
    """Parse a yuan amount such as ``"¥1,299.00"``, ``"398元"`` or ``"３９８"`` into fen.

    Trailing zeros beyond two decimals are accepted ("398.500" is exactly 39850 fen); a
    non-zero third decimal is ``too_precise`` because fen is the smallest unit a shop charges.
    """
    body = unicodedata.normalize("NFKC", text).strip()
    if not body:
        raise AmountError("empty", text)
    body, negative = _strip_sign(body)
    body = _PREFIX.sub("", body)
    body, negative_after = _strip_sign(body)
    negative = negative or negative_after
    jiao = _JIAO.match(body)
    if jiao:
        body = f"{jiao['yuan'].strip()}.{jiao['jiao']}"
    body = _SUFFIX.sub("", body).strip()
    if _SCIENTIFIC.search(body):
        raise AmountError("scientific", text)
    if not body or not _NUMBER.fullmatch(body):
        raise AmountError("not_a_number", text)
    digits = body.replace(",", "")
    if len(digits.split(".")[0]) > _MAX_DIGITS:
        raise AmountError("too_large", text)
    try:
        yuan = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the regex above already guarantees a number
        raise AmountError("not_a_number", text) from None
    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise AmountError("too_precise", text)
    if fen == 0:
        raise AmountError("zero", text)
    if negative:
        raise AmountError("negative", text)
    if fen > MAX_AMOUNT_FEN:
        raise AmountError("too_large", text)
    return int(fen)


def _strip_sign(body: str) -> tuple[str, bool]:
    if body.startswith(_MINUS):
        return body[1:].lstrip(), True
    if body.startswith("+"):
        return body[1:].lstrip(), False
    return body, False


def format_fen(fen: int) -> str:
    """``39800`` → ``"¥398.00"``; ``129900`` → ``"¥1,299.00"``; negatives get a leading minus."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def format_fen_yuan(fen: int) -> str:
    """``129900`` → ``"1299.00元"``: the form complaint letters use (no separators)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}元"
