"""A watch checked through the real SafeFetcher over httpx.MockTransport, with a fixed clock:
the shop's page changes price between checks, and each check says what to tell the shopper."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from shopguard.clock import FixedClock
from shopguard.prices import (
    CheckOutcome,
    FetchSettings,
    HostRateLimiter,
    PriceFound,
    PriceWatch,
    SafeFetcher,
    WatchState,
    run_check,
)

ORDERED = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
URL = "https://item.jd.com/100012043978.html"


def product_page(price: str | None) -> str:
    if price is None:
        return "<html><head><title>商品已下架</title></head><body>下架</body></html>"
    return (
        '<html><head><script type="application/ld+json">'
        '{"@context":"https://schema.org","@type":"Product","name":"Redmi K70",'
        f'"offers":{{"@type":"Offer","price":"{price}","priceCurrency":"CNY"}}}}'
        "</script></head><body></body></html>"
    )


@dataclass
class Shop:
    """The shop's server: serves the current price and counts requests."""

    price: str | None = "1299.00"
    calls: int = 0
    status: int = 200
    hosts: list[str] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.hosts.append(request.headers["host"])
        return httpx.Response(
            self.status,
            content=product_page(self.price).encode(),
            headers={"content-type": "text/html; charset=utf-8"},
        )


async def resolve(host: str, port: int) -> list[str]:
    return {"item.jd.com": ["93.184.216.34"], "internal.jd.example": ["10.0.0.5"]}[host]


async def no_sleep(seconds: float) -> None:
    return None


def fetcher_for(shop: Shop) -> SafeFetcher:
    settings = FetchSettings(min_host_interval=0.0, jitter=0.0, max_retries=0)
    limiter = HostRateLimiter(0.0, 0.0, sleep=no_sleep)
    return SafeFetcher(
        settings, transport=httpx.MockTransport(shop.handle), resolver=resolve, limiter=limiter
    )


def k70_watch(url: str = URL) -> PriceWatch:
    return PriceWatch(
        paid_unit_fen=129900,
        quantity=2,
        starts_at=ORDERED,
        ends_at=ORDERED + timedelta(days=7),
        threshold_fen=100,
        url=url,
    )


async def check_at(
    shop: Shop, clock: FixedClock, state: WatchState, price: str | None, watch: PriceWatch
) -> CheckOutcome:
    shop.price = price
    async with fetcher_for(shop) as fetcher:
        outcome = await run_check(fetcher, watch, state, clock=clock)
    clock.advance(timedelta(hours=6))
    return outcome


async def test_a_watch_over_the_window() -> None:
    shop, clock, state, watch = (
        Shop(),
        FixedClock(ORDERED + timedelta(hours=1)),
        WatchState(),
        k70_watch(),
    )
    script = [
        ("1299.00", "nothing", None),  # the price paid
        ("1199.00", "alert", (129900 - 119900) * 2),  # drop → alert, exact refund
        ("1199.00", "nothing", None),  # the same low again
        ("1299.00", "nothing", None),  # back up …
        ("1199.00", "nothing", None),  # … and down to the same low: no repeat
        ("1198.50", "nothing", None),  # 0.50 lower: under the 1-yuan threshold
        ("1099.00", "alert", (129900 - 109900) * 2),  # a new low: a second alert
    ]
    for price, kind, refund in script:
        outcome = await check_at(shop, clock, state, price, watch)
        assert outcome.kind == kind, (price, outcome)
        assert (outcome.alert.refund_fen if outcome.alert else None) == refund
        assert isinstance(outcome.reading, PriceFound)
        state = outcome.state
    assert shop.calls == len(script)
    assert [a.unit_price_fen for a in state.alerts] == [119900, 109900]
    assert state.alerts[1].extra_fen == (119900 - 109900) * 2
    assert set(shop.hosts) == {"item.jd.com"}


async def test_an_unreadable_page_never_alerts_and_is_told_once() -> None:
    shop, clock, state, watch = (
        Shop(),
        FixedClock(ORDERED + timedelta(hours=1)),
        WatchState(),
        k70_watch(),
    )
    first = await check_at(shop, clock, state, None, watch)
    second = await check_at(shop, clock, first.state, "999元起", watch)
    assert [first.kind, second.kind] == ["unreadable", "unreadable"]
    assert [first.reason, second.reason] == ["no_price", "from_price"]
    assert [first.tell_unreadable, second.tell_unreadable] == [True, False]
    assert first.alert is None and second.alert is None
    assert first.observation is not None  # the history records the gap too
    assert second.state.alerts == ()


async def test_no_fetch_after_the_window_closes() -> None:
    shop, watch = Shop(), k70_watch()
    clock = FixedClock(watch.ends_at)
    outcome = await check_at(shop, clock, WatchState(), "999.00", watch)
    assert (outcome.kind, outcome.reason) == ("skipped", "window_closed")
    assert outcome.state == WatchState()
    assert shop.calls == 0  # the transport was never called


async def test_no_fetch_before_the_window_opens_or_without_a_url() -> None:
    shop, watch = Shop(), k70_watch()
    early = await check_at(shop, FixedClock(ORDERED - timedelta(hours=1)), WatchState(), "9", watch)
    assert (early.kind, early.reason) == ("skipped", "not_started")
    manual_only = PriceWatch(129900, 1, ORDERED, ORDERED + timedelta(days=7))
    clock = FixedClock(ORDERED + timedelta(hours=1))
    none = await check_at(shop, clock, WatchState(), "9", manual_only)
    assert (none.kind, none.reason) == ("skipped", "no_url")
    assert shop.calls == 0


async def test_a_blocked_url_fails_the_check_and_is_told_once() -> None:
    shop, clock = Shop(), FixedClock(ORDERED + timedelta(hours=1))
    watch = k70_watch("http://internal.jd.example/admin")
    first = await check_at(shop, clock, WatchState(), "999.00", watch)
    assert (first.kind, first.reason, first.tell_unreadable) == (
        "fetch_failed",
        "blocked_address",
        True,
    )
    assert first.error is not None and first.error.permanent
    again = await check_at(shop, clock, first.state, "999.00", watch)
    assert not again.tell_unreadable
    assert shop.calls == 0


async def test_server_errors_are_told_only_after_several_in_a_row() -> None:
    shop, clock, state, watch = Shop(status=503), FixedClock(ORDERED), WatchState(), k70_watch()
    tells = []
    for _ in range(3):
        outcome = await check_at(shop, clock, state, "999.00", watch)
        assert (outcome.kind, outcome.reason) == ("fetch_failed", "http_status")
        tells.append(outcome.tell_unreadable)
        state = outcome.state
    assert tells == [False, False, True]
    shop.status = 200
    recovered = await check_at(shop, clock, state, "999.00", watch)
    assert recovered.kind == "alert"
    assert recovered.state.failures_in_row == 0
