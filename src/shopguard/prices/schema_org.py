"""schema.org data (JSON-LD documents, or microdata items in the same shape) → one reading.

- the products that are not nested in another product (``isRelatedTo`` items are someone
  else's), or bare offers when there is no product;
- several products: the one whose ``url`` / ``@id`` / offer ``url`` is the page's URL, else
  one price only if they all agree (``several_products`` otherwise);
- a product's offers (``offers`` objects or arrays, ``AggregateOffer`` with nested offers or
  ``lowPrice``/``highPrice``, ``priceSpecification`` without list/strike-through prices,
  ``ProductGroup`` variants): one price only when every offer agrees;
- ``{"@id": …}`` references are resolved through the page's ``@graph`` / nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Final
from urllib.parse import urljoin, urlsplit

from shopguard.money import AmountError, parse_amount
from shopguard.prices.reading import (
    PriceFound,
    PriceReading,
    PriceSource,
    PriceUnreadable,
    UnreadableReason,
    parse_price_text,
    with_currency,
)

_PRODUCT_TYPES: Final = frozenset(
    {"Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts"}
)
_OFFER_TYPES: Final = frozenset({"Offer", "AggregateOffer"})
_NOT_SELLING_PRICE: Final = ("ListPrice", "StrikethroughPrice", "MSRP", "SRP")
AMBIGUOUS: Final[frozenset[UnreadableReason]] = frozenset(
    {"from_price", "range", "several_prices", "several_products", "per_unit"}
)
_MAX_DEPTH: Final = 16

Node = dict[str, object]


def read_structured(docs: list[object], url: str, source: PriceSource) -> PriceReading | None:
    reader = _Reader(_id_index(docs), source)
    products: list[Node] = []
    offers: list[Node] = []
    reader.collect(docs, products, offers, set(), 0)
    if products:
        return reader.choose_product(products, url)
    if offers:
        return merge_readings([reader.offer(offer, None, 0) for offer in offers])
    return None


def read_offer(offer: Node, source: PriceSource) -> PriceReading:
    """One offer-shaped node on its own (microdata properties outside any item)."""
    return _Reader({}, source).offer(offer, None, 0)


class _Reader:
    """Reads schema.org nodes of one source; ``index`` resolves ``{"@id": …}`` references."""

    def __init__(self, index: dict[str, Node], source: PriceSource) -> None:
        self.index = index
        self.source: PriceSource = source

    def collect(
        self, node: object, products: list[Node], offers: list[Node], seen: set[int], depth: int
    ) -> None:
        """Products not nested inside another product (those are related items), and offers
        outside any product."""
        if depth > _MAX_DEPTH:
            return
        if isinstance(node, list):
            for child in node:
                self.collect(child, products, offers, seen, depth + 1)
            return
        if not isinstance(node, dict):
            return
        node = self.resolve(node)
        if id(node) in seen:
            return
        seen.add(id(node))
        kinds = _types(node)
        if kinds & _PRODUCT_TYPES:
            products.append(node)
        elif kinds & _OFFER_TYPES:
            offers.append(node)
        else:
            for key, child in node.items():
                if key != "@context":
                    self.collect(child, products, offers, seen, depth + 1)

    def resolve(self, node: Node) -> Node:
        """``{"@id": "#offer"}`` → the node with that id elsewhere on the page."""
        ident = node.get("@id")
        if isinstance(ident, str) and set(node) <= {"@id", "@type"}:
            return self.index.get(ident, node)
        return node

    def nodes(self, value: object) -> list[Node]:
        return [self.resolve(item) for item in _as_list(value) if isinstance(item, dict)]

    def choose_product(self, products: list[Node], url: str) -> PriceReading:
        readings = [self.product(product) for product in products]
        if len(readings) == 1:
            return readings[0]
        pairs = zip(products, readings, strict=True)
        matching = [reading for product, reading in pairs if self.is_this_page(product, url)]
        if matching:
            return merge_readings(matching)
        merged = merge_readings(readings)
        if isinstance(merged, PriceUnreadable) and merged.reason == "several_prices":
            return PriceUnreadable("several_products", merged.detail, merged.hint_fen)
        return merged

    def product(self, product: Node) -> PriceReading:
        offers = self.nodes(product.get("offers"))
        for variant in self.nodes(product.get("hasVariant")):
            offers += self.nodes(variant.get("offers"))
        readings = [self.offer(offer, None, 0) for offer in offers]
        if not readings and has_price(product):  # a price on the product itself: not
            readings = [self.offer(product, None, 0)]  # schema.org, but seen on shop pages
        return merge_readings(readings) if readings else PriceUnreadable("no_price")

    def offer(self, offer: Node, currency: str | None, depth: int) -> PriceReading:
        currency = _first_text(offer.get("priceCurrency")) or currency
        if depth > _MAX_DEPTH:
            return PriceUnreadable("broken_markup", "offers nested too deep")
        if _present(offer.get("price")):
            return with_currency(self.value(offer.get("price")), currency)
        nested = self.nodes(offer.get("offers"))
        if nested:
            return merge_readings([self.offer(o, currency, depth + 1) for o in nested])
        if _present(offer.get("lowPrice")) or _present(offer.get("highPrice")):
            return with_currency(self.low_high(offer), currency)
        specs = [s for s in self.nodes(offer.get("priceSpecification")) if not _is_list_price(s)]
        if specs:
            return merge_readings([self.offer(spec, currency, depth + 1) for spec in specs])
        return PriceUnreadable("no_price")

    def low_high(self, offer: Node) -> PriceReading:
        """AggregateOffer: low = high is one price; low alone is a "from" price; else a range."""
        low = self.value(offer.get("lowPrice"))
        high = self.value(offer.get("highPrice"))
        if isinstance(low, PriceFound) and isinstance(high, PriceFound):
            if low.amount_fen == high.amount_fen:
                return low
            return PriceUnreadable("range", f"{low.text} - {high.text}", low.amount_fen)
        if isinstance(low, PriceFound):
            return PriceUnreadable("from_price", f"lowPrice {low.text}", low.amount_fen)
        if isinstance(high, PriceFound):
            return PriceUnreadable("range", f"highPrice {high.text}")
        return low if not is_no_price(low) else high

    def value(self, value: object) -> PriceReading:
        if isinstance(value, list):
            readings = [self.value(item) for item in value if _present(item)]
            return merge_readings(readings) if readings else PriceUnreadable("no_price")
        if isinstance(value, dict):
            return self.value(value.get("@value"))
        if isinstance(value, str):
            return parse_price_text(value, self.source)
        if value is None:
            return PriceUnreadable("no_price")
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            text = str(value) if isinstance(value, int) else format(value, "f")
            try:
                return PriceFound(parse_amount(text), None, self.source, text)
            except AmountError as err:
                reason: UnreadableReason = "zero_price" if err.code == "zero" else "bad_price"
                return PriceUnreadable(reason, text)
        return PriceUnreadable("bad_price", repr(value)[:40])

    def is_this_page(self, product: Node, url: str) -> bool:
        page = _url_key(url)
        candidates = [*_texts(product.get("url")), *_texts(product.get("@id"))]
        for offer in self.nodes(product.get("offers")):
            candidates += _texts(offer.get("url"))
        return page is not None and any(_url_key(urljoin(url, c)) == page for c in candidates)


def merge_readings(readings: list[PriceReading]) -> PriceReading:
    """Several readings of one thing (offers of a product, values of a tag): one price only
    when they all agree."""
    found = [r for r in readings if isinstance(r, PriceFound)]
    unclear = [r for r in readings if isinstance(r, PriceUnreadable) and r.reason in AMBIGUOUS]
    if found:
        distinct = {(r.amount_fen, r.currency or "CNY") for r in found}
        if len(distinct) == 1 and not unclear:
            return next((r for r in found if r.currency is not None), found[0])
        hints = [r.amount_fen for r in found if r.comparable]
        hints += [r.hint_fen for r in unclear if r.hint_fen is not None]
        detail = ", ".join(r.text for r in found)[:200]
        return PriceUnreadable("several_prices", detail, min(hints) if hints else None)
    if unclear:
        return unclear[0]
    return next((r for r in readings if not is_no_price(r)), PriceUnreadable("no_price"))


def _types(node: Node) -> set[str]:
    """``"Product"``, ``"http://schema.org/Product"``, ``["schema:Product"]`` → ``{"Product"}``."""
    return {re.split(r"[/#:]", t.strip().rstrip("/"))[-1] for t in _texts(node.get("@type"))}


def _id_index(docs: list[object]) -> dict[str, Node]:
    index: dict[str, Node] = {}
    for node in _walk(docs, 0):
        ident = node.get("@id")
        if isinstance(ident, str) and len(node) > 1:
            index.setdefault(ident, node)
    return index


def _walk(node: object, depth: int) -> Iterator[Node]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _walk(child, depth + 1)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child, depth + 1)


def _url_key(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return (host, parts.path.rstrip("/")) if host else None


def _is_list_price(spec: Node) -> bool:
    kinds = " ".join(_texts(spec.get("priceType")))
    return any(word in kinds for word in _NOT_SELLING_PRICE)


def has_price(node: Node | dict[str, list[object]]) -> bool:
    return any(_present(node.get(key)) for key in ("price", "lowPrice", "highPrice"))


def _present(value: object) -> bool:
    if isinstance(value, list):
        return any(_present(item) for item in value)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def is_no_price(reading: PriceReading) -> bool:
    return isinstance(reading, PriceUnreadable) and reading.reason == "no_price"


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _texts(value: object) -> Iterable[str]:
    return [item for item in _as_list(value) if isinstance(item, str)]


def _first_text(value: object) -> str | None:
    return next((t.strip() for t in _texts(value) if t.strip()), None)
