"""The scheduled watch through the real job code: the database holds the watch, the job claims
it when due, fetches the shop's page through SafeFetcher (httpx.MockTransport on a loopback
address, PRICE_FETCH_ALLOW_LOOPBACK on) and alerts through the one ProactiveSender.

The case: 2 × 99.00 ordered on Douyin 2026-11-20 10:00 local; the window ends 2026-11-27 10:00
local (02:00 UTC). The clock starts at 2026-11-22 18:00 local.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.local_chat import LocalChat
from bot.local_session import Outgoing
from bot.price_alerts import price_watch_job
from bot.sender import ProactiveSender
from shopguard.clock import FixedClock
from shopguard.db.models import PriceObservation, PriceWatchRow
from shopguard.price_protection import start_watch
from shopguard.price_watch_job import PriceWatchJob
from shopguard.prices import HostRateLimiter
from shopguard.ratelimit import SendScheduler
from shopguard.settings import Settings
from tests.bot.conftest import StoredData
from tests.bot.test_price_dialogs import price_case

URL = "http://127.0.0.1/item/42.html"
CHECK = timedelta(minutes=180)
WINDOW_END = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        throttle_burst=1000,
        price_fetch_allow_loopback=True,
    )


def page(price: str | None) -> bytes:
    if price is None:
        return b"<html><head><title>sold out</title></head><body></body></html>"
    return (
        '<html><head><script type="application/ld+json">'
        '{"@context":"https://schema.org","@type":"Product","name":"earphones",'
        f'"offers":{{"@type":"Offer","price":"{price}","priceCurrency":"CNY"}}}}'
        "</script></head><body></body></html>"
    ).encode()


@dataclass
class Shop:
    price: str | None = "99.00"
    calls: int = 0
    hosts: list[str] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.hosts.append(request.headers["host"])
        return httpx.Response(
            200, content=page(self.price), headers={"content-type": "text/html; charset=utf-8"}
        )


@dataclass
class World:
    chat: LocalChat
    clock: FixedClock
    shop: Shop
    job: PriceWatchJob
    sender: ProactiveSender
    case_id: int
    seen: int = 0

    async def check_at(self, price: str | None, after: timedelta = CHECK) -> list[Outgoing]:
        """Move time on, set the shop's price, let the job run; what the shopper got."""
        self.clock.advance(after)
        self.shop.price = price
        await self.job.run_due()
        new = self.chat.session.sent[self.seen :]
        self.seen = len(self.chat.session.sent)
        return [out for out in new if out.chat_id == self.chat.user.id]


@pytest.fixture
async def world(
    chat: LocalChat,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FixedClock,
) -> World:
    case_id = await price_case(chat, sessions)
    async with sessions() as session:
        await start_watch(session, chat.user.id, case_id, URL, clock())
        await session.commit()
    shop = Shop()
    sender = ProactiveSender(chat.bot, SendScheduler(1000.0, 0.0))
    job = price_watch_job(
        settings,
        sessions,
        sender,
        clock,
        "test-process",
        transport=httpx.MockTransport(shop.handle),
        limiter=HostRateLimiter(0.0, 0.0),
    )
    return World(chat, clock, shop, job, sender, case_id, seen=len(chat.session.sent))


async def test_drops_alert_once_per_new_low_with_the_exact_refund(
    world: World, db: StoredData
) -> None:
    assert await world.check_at("99.00", timedelta(0)) == []  # the price paid: nothing
    (alert,) = await world.check_at("79.00")
    assert alert.text == (
        "<b>📉 降价提醒</b> · 案件 1（抖音） · 蓝牙耳机\n"
        "网页现价 ¥79.00（2026-11-22 21:00）。\n"
        "📉 在价保期内，比实付单价 ¥99.00 低。\n"
        "可退差价：（¥99.00 − ¥79.00）× 2 = <b>¥40.00</b>\n"
        "价保期至 2026-11-27 10:00。\n"
        "申请价保需要两张截图：\n"
        "1. 订单页：实付价格、订单号和店铺名清楚可见；\n"
        "2. 同款同规格的当前价格页，手机状态栏时间可见（不要裁剪、不要修改）。"
    )
    assert alert.buttons()[0][0] == "📝 价保申请草稿"
    (second,) = await world.check_at("69.00")  # a new low: a second alert
    assert "可退差价：（¥99.00 − ¥69.00）× 2 = <b>¥60.00</b>" in (second.text or "")
    assert "比上次提醒的价格又低了，比上次多退 ¥20.00。" in (second.text or "")
    assert await world.check_at("99.00") == []  # back up …
    assert await world.check_at("69.00") == []  # … and down to the same low: no repeat
    assert await world.check_at("68.50") == []  # 0.50 lower: under the 1-yuan threshold
    assert world.sender.counts["sent"] == 2  # both alerts went through the one sender
    assert world.shop.calls == 6 and set(world.shop.hosts) == {"127.0.0.1"}
    rows = (await db.exec(select(PriceObservation).order_by(col(PriceObservation.at)))).all()
    assert [(r.amount_fen, r.origin) for r in rows] == [
        (9900, "page"),
        (7900, "page"),
        (6900, "page"),
        (9900, "page"),
        (6900, "page"),
        (6850, "page"),
    ]


async def test_a_watch_is_checked_only_when_due(world: World) -> None:
    await world.check_at("99.00", timedelta(0))
    assert await world.check_at("79.00", CHECK - timedelta(minutes=1)) == []
    assert world.shop.calls == 1  # not due yet: no fetch
    (alert,) = await world.check_at("79.00", timedelta(minutes=1))
    assert "¥40.00" in (alert.text or "")


async def test_no_fetch_once_the_window_closed_and_the_watch_stops(
    world: World, db: StoredData
) -> None:
    await world.check_at("99.00", timedelta(0))
    world.clock.at = WINDOW_END - CHECK  # the last check inside the window …
    await world.check_at("99.00", timedelta(0))
    calls = world.shop.calls
    (ended,) = await world.check_at("50.00")  # … the next one is due at the window's end
    assert ended.text == "⏹ 案件 1（抖音） · 蓝牙耳机：价保期已结束，已停止盯价。"
    assert world.shop.calls == calls  # the page was not fetched
    (watch,) = (await db.exec(select(PriceWatchRow))).all()
    assert (watch.status, watch.stop_reason) == ("stopped", "window_closed")
    assert await world.check_at("50.00") == [] and world.shop.calls == calls


async def test_an_unreadable_page_is_told_once_and_never_alerts(
    world: World, db: StoredData
) -> None:
    (told,) = await world.check_at(None, timedelta(0))
    assert told.text == (
        "⚠️ 案件 1（抖音） · 蓝牙耳机：商品网页上读不出确定的价格（可能有多个规格或「起」价）。"
        "我不会根据这个网页提醒降价。降价时请直接发送 /price 现价，例如 /price 79。"
    )
    assert await world.check_at("59元起") == []  # a "from" price: never an alert
    assert await world.check_at(None) == []  # told once only
    rows = (await db.exec(select(PriceObservation))).all()
    assert [(r.amount_fen, r.unreadable) for r in rows] == [
        (None, "no_price"),
        (None, "from_price"),
        (None, "no_price"),
    ]


async def test_a_blocked_address_stops_the_watch_without_a_fetch(
    world: World, chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    async with sessions() as session:
        await start_watch(
            session, chat.user.id, world.case_id, "http://10.0.0.5/admin", world.clock()
        )
        await session.commit()
    (told,) = await world.check_at("10.00", timedelta(0))
    assert "商品网页打不开。" in (told.text or "")
    assert world.shop.calls == 0
    (watch,) = (await db.exec(select(PriceWatchRow))).all()
    assert (watch.status, watch.stop_reason) == ("stopped", "unreadable")


async def test_the_running_bot_ticks_the_watches_on_the_reminder_scheduler(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    chat: LocalChat,
    clock: FixedClock,
) -> None:
    from bot.runtime import start_reminders

    ticker = start_reminders(settings, sessions, chat.bot, clock, chat.dispatcher)
    try:
        job = ticker.scheduler.get_job("price-watches")
        assert job is not None and job.trigger.interval == timedelta(seconds=60)
    finally:
        ticker.stop()
