"""The price of the item on a product page, from the page's structured data.

Sources, most trusted first: JSON-LD (``Product`` / ``Offer`` / ``AggregateOffer``, arrays,
``@graph``, ``@id`` references, ``ProductGroup`` variants, ``priceSpecification``), microdata
(``itemprop="price"`` and ``priceCurrency``), OpenGraph (``product:price:amount`` — the
``product:sale_price:amount`` when the page has one — and ``og:price:amount``), then common
``<meta>`` tags (``price``, ``twitter:data1`` labelled as a price).

How sources combine (conservative: a wrong price would make a wrong refund claim):

1. the first source with one exact price wins;
2. a source that shows the page has *several* prices (a "from" price, a range, variants at
   different prices, several products) stops the search: a simpler, lower source (say
   ``og:price``) then most likely shows the default variant, which may not be the one bought;
3. a source with no usable price lets the next one speak.

Visible text is never scraped: without structured data the page is ``no_price`` and the
shopper reports the price by hand.
"""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal

from shopguard.prices.html_scan import PageData, scan_page
from shopguard.prices.reading import (
    PriceFound,
    PriceReading,
    PriceSource,
    PriceUnreadable,
    parse_price_text,
    with_currency,
)
from shopguard.prices.schema_org import (
    AMBIGUOUS,
    Node,
    has_price,
    is_no_price,
    merge_readings,
    read_offer,
    read_structured,
)

log = logging.getLogger(__name__)
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
_COMMENT = re.compile(r"^\s*<!--|-->\s*$")


def extract_price(html: str, url: str) -> PriceReading:
    """The page's price of the item at ``url``: exact fen + currency, or why not. Never raises."""
    try:
        return _extract(html, url)
    except Exception:  # a bug here must cost one reading, never the watch
        log.warning("price extraction failed for %s", url, exc_info=True)
        return PriceUnreadable("broken_markup", "extractor error")


def _extract(html: str, url: str) -> PriceReading:
    page = scan_page(html)
    docs, broken = _load_jsonld(page.jsonld)
    readings = [
        read_structured(docs, url, "json-ld"),
        _from_microdata(page, url),
        _from_opengraph(page.metas),
        _from_meta(page.metas),
    ]
    present = [reading for reading in readings if reading is not None]
    for reading in present:
        if isinstance(reading, PriceFound) or reading.reason in AMBIGUOUS:
            return reading
    for reading in present:
        if not is_no_price(reading):
            return reading
    if broken:
        return PriceUnreadable("broken_markup", "JSON-LD that is not JSON")
    return PriceUnreadable("no_price")


# --- JSON-LD and microdata ---------------------------------------------------------------------


def _load_jsonld(blocks: list[str]) -> tuple[list[object], bool]:
    docs: list[object] = []
    broken = False
    for block in blocks:
        body = _COMMENT.sub("", _CDATA.sub("", block.strip())).strip().rstrip(";").strip()
        if not body:
            continue
        try:
            docs.append(json.loads(body, parse_float=Decimal, parse_constant=_no_constant))
        except (ValueError, RecursionError):
            broken = True
    return docs, broken


def _no_constant(name: str) -> None:
    return None  # NaN / Infinity are not prices


def _from_microdata(page: PageData, url: str) -> PriceReading | None:
    reading = read_structured(list(page.items), url, "microdata")
    if (reading is None or is_no_price(reading)) and has_price(page.orphans):
        # itemprop="price" outside any itemscope: common on hand-written shop templates
        orphans: Node = dict(page.orphans.items())
        return read_offer(orphans, "microdata")
    return reading


# --- meta tags ---------------------------------------------------------------------------------


def _from_opengraph(metas: list[tuple[str, str]]) -> PriceReading | None:
    pairs = (
        ("product:sale_price:amount", "product:sale_price:currency"),
        ("product:price:amount", "product:price:currency"),
        ("og:price:amount", "og:price:currency"),
    )
    for amount_key, currency_key in pairs:
        reading = _meta_reading(metas, (amount_key,), (currency_key,), "opengraph")
        if reading is not None:
            return reading
    return None


def _from_meta(metas: list[tuple[str, str]]) -> PriceReading | None:
    reading = _meta_reading(
        metas, ("price", "product:price", "og:product:price"), ("currency", "pricecurrency"), "meta"
    )
    if reading is not None:
        return reading
    labels = dict(metas)
    for n in ("1", "2"):
        label = labels.get(f"twitter:label{n}", "").lower()
        if "price" in label or "价" in label:
            return _meta_reading(metas, (f"twitter:data{n}",), (), "meta")
    return None


def _meta_reading(
    metas: list[tuple[str, str]],
    amount_keys: tuple[str, ...],
    currency_keys: tuple[str, ...],
    source: PriceSource,
) -> PriceReading | None:
    values = [content for key, content in metas if key in amount_keys and content.strip()]
    if not values:
        return None
    currency = next((c for k, c in metas if k in currency_keys and c.strip()), None)
    return with_currency(merge_readings([parse_price_text(v, source) for v in values]), currency)
