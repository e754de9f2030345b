"""The shopper reports the price by hand: ``/price 79``, ``现在只要79了``, ``从99降到79了``.

A tiny extractor, not a language model: it finds the amounts in the message; one amount is
the price; with several, the one right after a "now" word (现在 / 只要 / 降到 / 到手 …) is
the price, and anything else is ``ambiguous`` (the bot asks again rather than guess a
refund). Numbers that are clearly not money (``10点``, ``3件``, ``5月``) are skipped. Each
amount goes through :func:`~shopguard.prices.reading.parse_price_text` and so
:func:`shopguard.money.parse_amount`: ``79块5`` is 79.50, ``79元起`` is refused as a
"from" price, ``79-99`` as a range.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from shopguard.prices.reading import PriceFound, PriceUnreadable, parse_price_text

ReportErrorCode = Literal["no_price", "ambiguous", "from_price", "range", "bad_amount"]

_COMMAND = re.compile(r"^/price(?:@\w+)?\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:(?:US\$|HK\$|CN¥|¥|\$|RMB|CNY|人民币)\s*)?"
    r"\d[\d,]*(?:\.\d+)?"
    r"(?:\s*(?:元|块|圆)\d(?:角|毛)?(?![\d.])|\s*(?:块钱|元|块|圆|rmb|yuan|美元|港元))?"
    r"(?:\s*(?:~|～|-|–|—|至)\s*(?:¥|\$)?\s*\d[\d,]*(?:\.\d+)?\s*(?:元|块)?)?"
    r"(?:\s*起)?",
    re.IGNORECASE,
)
_NOT_MONEY = re.compile(r"^\s*(?:点|号|日|月|年|%|件|个|天|小时|分钟|折|台|斤|g|kg|:\d)", re.I)
_NOW_CUE = re.compile(
    r"(?:现在|目前|当前|只要|只卖|仅需|仅要|仅|降到|降至|降为|跌到|跌至|变成|变为|到手价?|现价|"
    r"now|down\s+to)\s*[:：是为]?\s*$",
    re.IGNORECASE,
)
_CUE_WINDOW: Final = 8


@dataclass(frozen=True)
class ReportError:
    code: ReportErrorCode
    text: str


def parse_reported_price(text: str) -> PriceFound | ReportError:
    """The price in a shopper's message; a stated foreign currency is kept (then the watch
    says it cannot compare it), no currency means CNY."""
    body = unicodedata.normalize("NFKC", text).strip()
    body = _COMMAND.sub("", body).strip()
    candidates = [m for m in _AMOUNT.finditer(body) if not _NOT_MONEY.match(body[m.end() :])]
    if not candidates:
        return ReportError("no_price", text)
    if len(candidates) > 1:
        cued = [m for m in candidates if _after_cue(body, m.start())]
        if len({m.group().strip() for m in cued}) != 1:
            return ReportError("ambiguous", text)
        candidates = cued
    reading = parse_price_text(candidates[0].group(), "manual")
    if isinstance(reading, PriceUnreadable):
        code: ReportErrorCode
        if reading.reason in ("from_price", "range"):
            code = "from_price" if reading.reason == "from_price" else "range"
        else:
            code = "bad_amount"
        return ReportError(code, text)
    return PriceFound(reading.amount_fen, reading.currency or "CNY", "manual", reading.text)


def _after_cue(body: str, start: int) -> bool:
    return _NOW_CUE.search(body[max(0, start - _CUE_WINDOW) : start]) is not None
