"""Prices from product pages' structured data: saved page fixtures → exact fen or "unreadable"."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopguard.prices import PriceFound, PriceUnreadable, extract_price, parse_price_text
from shopguard.prices import extract as extract_module

PAGES = Path(__file__).parent / "fixtures" / "pages"
SHOP = "https://shop.example.cn/p/2"
EXTRACTOR_ERROR = PriceUnreadable("broken_markup", "extractor error")

Expected = tuple[int, str | None, str] | str  # (fen, currency, source) or an unreadable reason

FIXTURES: dict[str, tuple[str, Expected]] = {
    # JSON-LD
    "jd_jsonld_offer.html": (
        "https://item.jd.com/100012043978.html",
        (129900, "CNY", "json-ld"),
    ),
    "tmall_jsonld_integer.html": (SHOP, (499900, "CNY", "json-ld")),
    "jsonld_decimal_number.html": (SHOP, (389990, "CNY", "json-ld")),  # 3899.9, never a float
    "jsonld_graph_refs.html": ("https://shop.example.cn/p/8812", (25900, "CNY", "json-ld")),
    "jsonld_aggregate_same.html": (SHOP, (59900, "CNY", "json-ld")),
    "jsonld_aggregate_range.html": (SHOP, "range"),
    "jsonld_aggregate_low_only.html": (SHOP, "from_price"),
    "jsonld_offers_array_same.html": (SHOP, (69900, "CNY", "json-ld")),
    "jsonld_offers_variants.html": (SHOP, "several_prices"),
    "jsonld_array_top.html": (SHOP, (129900, "CNY", "json-ld")),  # "¥1,299.00", no priceCurrency
    "jsonld_nested_aggregate_offers.html": (SHOP, (26900, "CNY", "json-ld")),
    "jsonld_listing_several_products.html": (
        "https://shop.example.cn/search?q=手机",
        "several_products",
    ),
    "jsonld_products_url_match.html": (
        "https://shop.example.cn/p/2?spm=a1z10#detail",
        (279900, "CNY", "json-ld"),
    ),
    "jsonld_usd.html": (SHOP, (1999, "USD", "json-ld")),
    "jsonld_broken_falls_to_og.html": (SHOP, (259900, "CNY", "opengraph")),
    "jsonld_broken_only.html": (SHOP, "broken_markup"),
    "jsonld_price_specification.html": (SHOP, (209900, "CNY", "json-ld")),  # not the ListPrice
    "jsonld_productgroup_variants.html": (SHOP, (7900, "CNY", "json-ld")),
    "jsonld_zero_price.html": (SHOP, "zero_price"),
    "jsonld_cdata_comment.html": (SHOP, (4990, "CNY", "json-ld")),  # priceCurrency "RMB"
    "jsonld_item_page_main_entity.html": (SHOP, (78000, "CNY", "json-ld")),  # not isRelatedTo
    "sources_conflict.html": (SHOP, (22900, "CNY", "json-ld")),  # JSON-LD before OpenGraph
    "jsonld_range_blocks_og.html": (SHOP, "range"),  # og's 159 is one variant: not trusted
    # OpenGraph and other meta tags
    "og_product_price.html": (SHOP, (349900, "CNY", "opengraph")),
    "og_sale_price.html": (SHOP, (29900, "CNY", "opengraph")),
    "og_price_legacy.html": (SHOP, (12900, "CNY", "opengraph")),
    "range_text_og.html": (SHOP, "range"),
    "meta_twitter_label.html": (SHOP, (19900, "CNY", "meta")),
    # microdata
    "microdata_content_attr.html": (SHOP, (129900, "CNY", "microdata")),
    "microdata_text_per_unit.html": (SHOP, (2200000, "CNY", "microdata")),  # "22000.00元/台"
    "microdata_from_price.html": (SHOP, "from_price"),  # "1299元起"
    "microdata_orphan.html": (SHOP, (8990, "CNY", "microdata")),
    "microdata_per_weight.html": (SHOP, "per_unit"),  # "59.80元/斤"
    "broken_markup.html": (SHOP, (4560, "CNY", "microdata")),
    # nothing machine-readable: visible text and inline scripts are not scraped
    "no_price.html": (SHOP, "no_price"),
}


def test_every_saved_page_has_an_expectation() -> None:
    saved = {path.name for path in PAGES.glob("*.html")}
    assert saved == set(FIXTURES)
    assert len(saved) >= 15


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_price_from_saved_page(name: str) -> None:
    url, expected = FIXTURES[name]
    reading = extract_price((PAGES / name).read_text(encoding="utf-8"), url)
    if isinstance(expected, str):
        assert isinstance(reading, PriceUnreadable), reading
        assert reading.reason == expected
    else:
        assert isinstance(reading, PriceFound), reading
        assert (reading.amount_fen, reading.currency, reading.source) == expected


def test_unreadable_keeps_the_from_amount_only_as_a_hint() -> None:
    reading = extract_price((PAGES / "microdata_from_price.html").read_text("utf-8"), SHOP)
    assert reading == PriceUnreadable("from_price", "1299元起", 129900)


def test_the_same_listing_reads_the_product_of_its_own_url() -> None:
    html = (PAGES / "jsonld_listing_several_products.html").read_text("utf-8")
    reading = extract_price(html, "https://shop.example.cn/p/1")
    assert isinstance(reading, PriceFound)
    assert reading.amount_fen == 199900


def test_other_currency_is_kept_and_not_comparable() -> None:
    reading = extract_price((PAGES / "jsonld_usd.html").read_text("utf-8"), SHOP)
    assert isinstance(reading, PriceFound)
    assert not reading.comparable
    assert reading.display() == "USD 19.99"
    cny = extract_price((PAGES / "jd_jsonld_offer.html").read_text("utf-8"), SHOP)
    assert isinstance(cny, PriceFound)
    assert cny.comparable
    assert cny.display() == "¥1,299.00"


def test_declared_currency_beats_the_symbol() -> None:
    html = _jsonld('{"@type":"Product","offers":{"price":"¥1500","priceCurrency":"JPY"}}')
    reading = extract_price(html, SHOP)
    assert isinstance(reading, PriceFound)
    assert reading.currency == "JPY"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"@type":"Product","offers":{"price":true}}', "bad_price"),
        ('{"@type":"Product","offers":{"price":NaN}}', "no_price"),
        ('{"@type":"Product","offers":{"price":"12.999"}}', "bad_price"),
        ('{"@type":"Product","offers":{"price":"1.299,00"}}', "bad_price"),
        ('{"@type":"Product","offers":{"price":-5}}', "bad_price"),
        ('{"@type":"Product","offers":{"highPrice":"199"}}', "range"),
        ('{"@type":"Product","name":"no offers"}', "no_price"),
        ('{"@type":"BreadcrumbList"}', "no_price"),
        ("[" * 5000 + "]" * 5000, "broken_markup"),  # too deep for the JSON reader
        ('{"a":' * 3000 + "1" + "}" * 3000, "broken_markup"),
        ('[[[[[[[[[[[[[[[[[[[[{"@type":"Offer","price":"5"}]]]]]]]]]]]]]]]]]]]]', "no_price"),
    ],
)
def test_odd_structured_values_are_unreadable(body: str, reason: str) -> None:
    reading = extract_price(_jsonld(body), SHOP)
    assert isinstance(reading, PriceUnreadable), reading
    assert reading.reason == reason


def test_an_offer_outside_any_product_counts() -> None:
    reading = extract_price(_jsonld('{"@type":"Offer","price":"88","priceCurrency":"CNY"}'), SHOP)
    assert isinstance(reading, PriceFound)
    assert reading.amount_fen == 8800


def test_an_extractor_bug_costs_one_reading_not_an_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(html: str) -> object:
        raise KeyError("bug")

    monkeypatch.setattr(extract_module, "scan_page", explode)
    assert extract_price("<html></html>", SHOP) == EXTRACTOR_ERROR


TEXTS = [
    ("¥1,299.00", 129900, "CNY"),
    ("￥1299", 129900, "CNY"),
    ("1299元", 129900, "CNY"),
    ("22000.00元/台", 2200000, "CNY"),
    ("¥3,999 / 件", 399900, "CNY"),
    ("价格：¥88.80", 8880, "CNY"),
    ("RMB 15", 1500, "CNY"),
    ("1299", 129900, None),
    ("HK$99", 9900, "HKD"),
    ("US$ 19.99", 1999, "USD"),
    ("49.5 美元", 4950, "USD"),
    ("€5", 500, "EUR"),
    ("99-99", 9900, None),  # a "range" of one price is that price
    ("79块5", 7950, None),
]


@pytest.mark.parametrize(("text", "fen", "currency"), TEXTS, ids=[t for t, _, _ in TEXTS])
def test_price_text(text: str, fen: int, currency: str | None) -> None:
    assert parse_price_text(text, "meta") == PriceFound(fen, currency, "meta", text)


UNREADABLE_TEXTS = [
    ("1299元起", "from_price", 129900),
    ("¥1299 起", "from_price", 129900),
    ("低至99元", "from_price", 9900),
    ("from $5", "from_price", 500),
    ("99-199", "range", 9900),
    ("¥99 - ¥199", "range", 9900),
    ("99元~199元", "range", 9900),
    ("99至199", "range", 9900),
    ("12.5元/斤", "per_unit", None),
    ("30元/月", "per_unit", None),
    ("", "no_price", None),
    ("暂无报价", "bad_price", None),
    ("0", "zero_price", None),
    ("-5", "bad_price", None),
    ("1.299,00", "bad_price", None),
    ("12.345", "bad_price", None),
    ("1e5", "bad_price", None),
    ("9" * 100, "bad_price", None),
]


@pytest.mark.parametrize(
    ("text", "reason", "hint"), UNREADABLE_TEXTS, ids=[t or "empty" for t, _, _ in UNREADABLE_TEXTS]
)
def test_price_text_unreadable(text: str, reason: str, hint: int | None) -> None:
    reading = parse_price_text(text, "meta")
    assert isinstance(reading, PriceUnreadable), reading
    assert (reading.reason, reading.hint_fen) == (reason, hint)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>/\"='{}[]:,; ¥元起-.0123456789abcdpitemscope")),
        max_size=300,
    )
)
def test_any_markup_gives_a_reading_never_an_exception(html: str) -> None:
    reading = extract_price(html, SHOP)
    assert isinstance(reading, PriceFound | PriceUnreadable)
    assert reading != EXTRACTOR_ERROR  # the parser coped; the safety net was not needed


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FIXTURES)), st.integers(0, 4000), st.integers(0, 4000))
def test_cut_and_spliced_pages_never_raise(name: str, start: int, stop: int) -> None:
    html = (PAGES / name).read_text("utf-8")
    spliced = html[:start] + html[stop:]
    reading = extract_price(spliced, SHOP)
    assert isinstance(reading, PriceFound | PriceUnreadable)
    assert reading != EXTRACTOR_ERROR


def _jsonld(body: str) -> str:
    return f'<html><head><script type="application/ld+json">{body}</script></head></html>'
