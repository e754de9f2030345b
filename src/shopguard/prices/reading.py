"""A price read from a page or a chat message: an exact amount, or "unreadable" with a reason.

Amounts are integer hundredths of the currency's main unit — fen for CNY — never floats.
Only a single, exact price of the item is a :class:`PriceFound`. Everything that is *a* price
but not *the* price of the shopper's SKU is :class:`PriceUnreadable`, so that no refund is ever
computed from it:

- ``"1299元起"`` / AggregateOffer with only ``lowPrice``: a "from" price is the cheapest
  variant, not necessarily the one bought — ``from_price`` (its amount kept as ``hint_fen``
  for the message, never compared);
- ``"99-199"``: a range — ``range``;
- several different offers for one product — ``several_prices``;
- ``"12.5元/斤"``: a price per weight or time — ``per_unit`` (a price per piece such as
  ``"22000.00元/台"`` is the item's price and is accepted).

A currency other than CNY is kept as found (``USD``, ``HKD`` …): shown, never compared.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from shopguard.money import AmountError, format_fen, parse_amount

PriceSource = Literal["json-ld", "microdata", "opengraph", "meta", "manual"]
UnreadableReason = Literal[
    "no_price",  # the page states no price at all
    "from_price",  # "1299元起": the cheapest variant, not the SKU's price
    "range",  # "99-199"
    "several_prices",  # offers with different prices (variants)
    "several_products",  # several products on the page, none of them this URL's
    "per_unit",  # per 斤 / kg / month: not comparable with a price per item
    "bad_price",  # a value that is not an exact amount ("abc", "12.999", "1.299,00")
    "zero_price",  # 0: a placeholder, not a price
    "broken_markup",  # structured data that could not be read at all
]

COMPARABLE_CURRENCY: Final = "CNY"
_MAX_TEXT: Final = 80  # a longer "price" is a paragraph, not a price

_CURRENCY_ALIASES: Final[dict[str, str]] = {
    "CNY": "CNY",
    "RMB": "CNY",
    "CN¥": "CNY",
    "¥": "CNY",
    "元": "CNY",
    "圆": "CNY",
    "块": "CNY",
    "人民币": "CNY",
    "YUAN": "CNY",
    "USD": "USD",
    "US$": "USD",
    "$": "USD",
    "美元": "USD",
    "HKD": "HKD",
    "HK$": "HKD",
    "港元": "HKD",
    "港币": "HKD",
    "TWD": "TWD",
    "NT$": "TWD",
    "JPY": "JPY",
    "JP¥": "JPY",
    "円": "JPY",
    "日元": "JPY",
    "EUR": "EUR",
    "€": "EUR",
    "欧元": "EUR",
    "GBP": "GBP",
    "£": "GBP",
    "英镑": "GBP",
}
_PREFIX_CURRENCY = re.compile(
    r"^(?P<cur>US\$|HK\$|NT\$|CN¥|JP¥|USD|HKD|TWD|JPY|CNY|RMB|EUR|GBP|人民币|¥|\$|€|£)\s*",
    re.IGNORECASE,
)
_SUFFIX_CURRENCY = re.compile(
    r"\s*(?P<cur>美元|港元|港币|日元|欧元|英镑|人民币|元整|元|圆|块钱|块|円|USD|HKD|TWD|JPY|CNY|RMB|EUR|GBP"
    r"|yuan)$",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^(?:[^\d:：¥$€£]{1,8})[:：]\s*")  # "价格：", "Price: "
_FROM = re.compile(
    r"(?:起(?:售|购|价)?\W*$)|(?:^(?:低至|最低|from\b|starting\s+at\b|as\s+low\s+as\b))",
    re.IGNORECASE,
)
_PER_UNIT = re.compile(r"\s*(?:/|每)\s*(?P<unit>[^\d\s/]{1,6})$")
_COUNT_UNITS: Final = frozenset("台件个只套部盒瓶箱袋包双支本张条份组桶罐把辆片副对枚顶架") | {
    "pc",
    "pcs",
    "piece",
    "item",
}
_RANGE_SPLIT = re.compile(r"\s*(?:~|～|–|—|至|到|-)\s*")
_HAS_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class PriceFound:
    """One exact price of the item."""

    amount_fen: int  # hundredths of the currency's unit: fen for CNY
    currency: str | None  # ISO code as found ("CNY", "USD"…); None: the page did not say
    source: PriceSource
    text: str = ""  # the value as found, for display and logs

    @property
    def comparable(self) -> bool:
        """CNY, or no currency stated (a Chinese shop's page): may be compared with the paid
        price. Any other stated currency is shown as found and never compared."""
        return self.currency in (None, COMPARABLE_CURRENCY)

    def display(self) -> str:
        if self.comparable:
            return format_fen(self.amount_fen)
        units, hundredths = divmod(self.amount_fen, 100)
        return f"{self.currency} {units:,}.{hundredths:02d}"


@dataclass(frozen=True)
class PriceUnreadable:
    """No single exact price: never compared, never an alert."""

    reason: UnreadableReason
    detail: str = ""  # what was found, for logs (not for the shopper)
    hint_fen: int | None = None  # the "from"/lowest amount when there was one: shown, not used


PriceReading = PriceFound | PriceUnreadable


def normalize_currency(value: str) -> str | None:
    """``"rmb"`` → ``"CNY"``, ``" usd "`` → ``"USD"``; unknown codes are kept upper-cased."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    upper = text.upper()
    return _CURRENCY_ALIASES.get(upper, upper[:12])


def parse_price_text(text: str, source: PriceSource) -> PriceReading:
    """One price value as a page or a shopper writes it: ``"¥1,299.00"``, ``"22000.00元/台"``,
    ``"HK$99"``; ``"1299元起"`` → ``from_price``; ``"99-199"`` → ``range``.

    The currency is the one written with the number (``None`` when there is none); a currency
    declared elsewhere (``priceCurrency``) is applied by the caller.
    """
    body = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    if not body:
        return PriceUnreadable("no_price")
    if len(body) > _MAX_TEXT:
        return PriceUnreadable("bad_price", body[:_MAX_TEXT])
    body = _LABEL.sub("", body)
    if _FROM.search(body):
        stripped = _FROM.sub("", body).strip()
        hint = _amount_or_none(_strip_currency(stripped)[1])
        return PriceUnreadable("from_price", text.strip(), hint)
    per_unit = _PER_UNIT.search(body)
    if per_unit:
        if per_unit["unit"].lower() not in _COUNT_UNITS:
            return PriceUnreadable("per_unit", text.strip())
        body = body[: per_unit.start()]
    currency, number = _strip_currency(body)
    parts = _RANGE_SPLIT.split(number)
    if len(parts) == 2 and all(_HAS_DIGIT.search(part) for part in parts):
        low, high = (_amount_or_none(_strip_currency(part)[1]) for part in parts)
        if low is not None and low == high:
            return PriceFound(low, currency, source, text.strip())
        return PriceUnreadable("range", text.strip(), low)
    try:
        fen = parse_amount(number)
    except AmountError as err:
        reason: UnreadableReason = "zero_price" if err.code == "zero" else "bad_price"
        return PriceUnreadable(reason, text.strip()[:_MAX_TEXT])
    return PriceFound(fen, currency, source, text.strip())


def with_currency(reading: PriceReading, declared: str | None) -> PriceReading:
    """Apply a currency the data declares next to the price (``priceCurrency``): it wins over
    the symbol in the text (``¥`` is also the yen sign)."""
    if isinstance(reading, PriceUnreadable) or declared is None:
        return reading
    currency = normalize_currency(declared)
    if currency is None:
        return reading
    return PriceFound(reading.amount_fen, currency, reading.source, reading.text)


def _strip_currency(body: str) -> tuple[str | None, str]:
    currency: str | None = None
    prefix = _PREFIX_CURRENCY.match(body)
    if prefix:
        currency = normalize_currency(prefix["cur"])
        body = body[prefix.end() :]
    suffix = _SUFFIX_CURRENCY.search(body)
    if suffix:
        found = suffix["cur"].removesuffix("整").removesuffix("钱")
        currency = currency or normalize_currency(found)
        body = body[: suffix.start()]
    return currency, body.strip()


def _amount_or_none(text: str) -> int | None:
    try:
        return parse_amount(text)
    except AmountError:
        return None
