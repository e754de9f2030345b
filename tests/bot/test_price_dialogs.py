"""价保 in the chat: "/price 79", "现在只要79了", a captioned screenshot, the price screen, the
chart, the claim draft, watching a page, and forged buttons — what the shopper sees and what is
stored.

The clock reads Sunday 2026-11-22 18:00 in Asia/Shanghai (10:00 UTC). The case was ordered on
Douyin at 2026-11-20 10:00 local, 2 × 99.00 paid: the 7-day window
ends at the conservative 2026-11-27 10:00 local (7 × 24 h).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import CaseCb
from bot.local_chat import LocalChat
from bot.price_callbacks import PriceCb
from shopguard.cases import open_case
from shopguard.db.models import Case, EvidenceItem, PriceObservation, PriceWatchRow
from tests.bot.conftest import StoredData

ORDERED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SCREENSHOTS = (
    "申请价保需要两张截图：\n"
    "1. 订单页：实付价格、订单号和店铺名清楚可见；\n"
    "2. 同款同规格的当前价格页，手机状态栏时间可见（不要裁剪、不要修改）。"
)


async def price_case(
    chat: LocalChat,
    sessions: async_sessionmaker[AsyncSession],
    *,
    ordered_at: datetime = ORDERED,
    problem: str = "price_drop",
    **facts: object,
) -> int:
    """The shopper says hello (their user row), then has a case: 2 × 99.00 on Douyin."""
    await chat.send("/start")
    async with sessions() as session:
        case = await open_case(
            session,
            chat.user.id,
            NOW,
            problem_type=problem,
            platform="douyin",
            item="蓝牙耳机",
            amount_fen=19800,
            quantity=2,
            ordered_at=ordered_at,
            **facts,
        )
        await session.commit()
        assert case.id is not None
        return case.id


async def observations(db: StoredData, case_id: int) -> list[tuple[int | None, str, str | None]]:
    rows = await db.exec(select(PriceObservation).where(col(PriceObservation.case_id) == case_id))
    return [(r.amount_fen, r.origin, r.currency) for r in rows.all()]


async def test_price_79_on_99_x_2_inside_the_window_shows_the_exact_refund(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions)
    (reply,) = await chat.send("/price 79")
    assert reply.text == (
        "已记录现价 ¥79.00（2026-11-22 18:00）。\n"
        "📉 在价保期内，比实付单价 ¥99.00 低。\n"
        "可退差价：（¥99.00 − ¥79.00）× 2 = <b>¥40.00</b>\n"
        "价保期至 2026-11-27 10:00（还剩 4天16小时）\n" + SCREENSHOTS
    )
    labels = [label for label, _ in reply.buttons()]
    assert labels == ["📝 价保申请草稿", "📨 完整投诉草稿（选择渠道）", "📈 走势图", "💹 价保详情"]
    assert await observations(db, case_id) == [(7900, "manual", "CNY")]


async def test_outside_the_window_says_it_closed_and_keeps_the_price(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions, ordered_at=datetime(2026, 11, 1, 2, 0, tzinfo=UTC))
    (reply,) = await chat.send("/price 79")
    assert reply.text == (
        "已记录现价 ¥79.00（2026-11-22 18:00）。\n"
        "价保期已于 2026-11-08 10:00 结束，这次降价已不能申请价保。"
    )
    assert "¥40.00" not in (reply.text or "")
    assert await observations(db, case_id) == [(7900, "manual", "CNY")]


async def test_free_text_with_a_lower_price_is_a_report_before_intake(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions)
    (reply,) = await chat.send("现在只要79了")
    assert "可退差价：（¥99.00 − ¥79.00）× 2 = <b>¥40.00</b>" in (reply.text or "")
    assert SCREENSHOTS in (reply.text or "")
    # text about money without a "now" word is not a price report: intake reads it
    replies = await chat.send("耳机坏了，花了299块")
    assert all("已记录现价" not in (r.text or "") for r in replies)
    assert await observations(db, case_id) == [(7900, "manual", "CNY")]


async def test_without_a_price_protection_case_the_text_goes_to_intake(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions, problem="quality_defect")
    replies = await chat.send("现在只要79了")
    assert all("已记录现价" not in (r.text or "") for r in replies)
    assert await observations(db, case_id) == []
    (reply,) = await chat.send("/price 79")
    assert reply.text == (
        "没有需要价保的进行中案件。新建一个问题类型为「降价/价保」的案件（/new），"
        "再发送 /price 现价。"
    )


async def test_a_price_that_cannot_be_read_is_explained_and_asked_again(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions)
    (reply,) = await chat.send("/price 79-99")
    assert reply.text == "这是一个价格区间，请发送你买的规格的单价。\n请重新发送，或点「取消」。"
    assert [label for label, _ in reply.buttons()] == ["« 返回", "✖ 取消"]
    (reply,) = await chat.send("US$10")
    assert reply.text == "只能和人民币价格比较。\n请重新发送，或点「取消」。"
    (reply,) = await chat.send("89")
    assert "（¥99.00 − ¥89.00）× 2 = <b>¥20.00</b>" in (reply.text or "")
    assert await observations(db, case_id) == [(8900, "manual", "CNY")]


async def test_a_price_not_lower_and_missing_facts(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    await price_case(chat, sessions)
    (reply,) = await chat.send("/price 109")
    assert reply.text == (
        "已记录现价 ¥109.00（2026-11-22 18:00）。\n不低于实付单价 ¥99.00，没有差价可退。"
    )


async def test_missing_order_time_or_unit_price_asks_for_it_and_the_unit_price_is_settable(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions, ordered_at=None)  # type: ignore[arg-type]
    (reply,) = await chat.send("/price 79")
    assert reply.text == (
        "已记录现价 ¥79.00（2026-11-22 18:00）。\n要算价保期，请先在「编辑信息」里填写下单时间。"
    )
    assert [label for label, _ in reply.buttons()] == ["✏️ 编辑信息", "💹 价保详情"]
    async with sessions() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        case.ordered_at, case.amount_fen, case.quantity = ORDERED, 20000, 3  # 200 / 3
        session.add(case)
        await session.commit()
    (reply,) = await chat.send("/price 79")
    assert reply.text == (
        "已记录现价 ¥79.00（2026-11-22 18:00）。\n"
        "还不知道实付单价：请在「编辑信息」里填写实付单价，或实付金额和数量。"
    )
    await chat.press("编辑信息")
    await chat.press("实付单价")
    await chat.send("99.50")
    stored = await db.get(Case, case_id)
    assert stored.unit_price_fen == 9950
    (reply,) = await chat.send("/price 79")
    assert "（¥99.50 − ¥79.00）× 3 = <b>¥61.50</b>" in (reply.text or "")


async def test_a_screenshot_captioned_with_the_price_is_a_report_and_evidence(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions)
    replies = await chat.send_photo(b"\x89PNG fake screenshot", caption="现在只要79了")
    assert "可退差价：（¥99.00 − ¥79.00）× 2 = <b>¥40.00</b>" in (replies[0].text or "")
    assert await observations(db, case_id) == [(7900, "manual", "CNY")]
    items = (await db.exec(select(EvidenceItem).where(col(EvidenceItem.case_id) == case_id))).all()
    assert len(items) == 1  # the screenshot itself went on to the evidence locker


async def test_the_price_screen_lists_the_history_and_the_case_card_links_it(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = await price_case(chat, sessions)
    await chat.send("/price 89")
    card = (await chat.press_data(CaseCb(action="open", case_id=case_id).pack()))[-1]
    assert "💹 价保：实付单价 ¥99.00 × 2，降价了发送 /price 现价" in (card.text or "")
    screen = (await chat.press("💹 价保"))[-1]
    assert screen.text == (
        "<b>💹 价保 · 案件 1（抖音） · 蓝牙耳机</b>\n"
        "实付单价：¥99.00 × 2\n"
        "价保期至 2026-11-27 10:00（还剩 4天16小时）\n"
        "盯价：未开启。可以发来商品网址，我定时帮你查看价格。\n"
        "价格记录：\n"
        "• 2026-11-22 18:00  ¥89.00（手动）\n"
        "降价了？发送 /price 现价，例如 /price 79，或直接说「现在只要79了」。"
    )


async def test_the_chart_is_a_png_sent_as_a_photo(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await price_case(chat, sessions)
    await chat.send("/price 89")
    await chat.send("/price 79")
    replies = await chat.press("📈 走势图")
    (photo,) = [r for r in replies if r.method == "sendPhoto"]
    assert photo.document is not None and len(photo.document) > 1000
    assert photo.document[:8] == b"\x89PNG\r\n\x1a\n"
    assert photo.filename == "shopguard-price-1-20261122.png"
    assert (photo.text or "").startswith("📈 价格走势")


async def test_the_claim_draft_states_the_exact_difference(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await price_case(chat, sessions)
    await chat.send("/price 79")
    replies = await chat.press("📝 价保申请草稿")
    texts = [r.text or "" for r in replies if r.method == "sendMessage"]
    assert texts[0] == "📝 价保申请（平台工单）草稿，复制后按需修改："
    assert "按价保承诺退还差价40.00元，即（99.00元 − 79.00元）× 2 = 40.00元。" in texts[1]
    assert texts[1].startswith("<code>售后工单：降价（价保）")


async def test_watching_a_page_asks_for_a_url_and_stores_the_watch(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions)
    await chat.send("/price")
    prompt = (await chat.press("🔔 盯价网址"))[-1]
    assert prompt.text is not None and prompt.text.startswith("请发送商品网址")
    (reply,) = await chat.send("item.jd.com/1.html")
    assert reply.text == (
        "这不是网址：请发送以 http:// 或 https:// 开头的商品链接。\n请重新发送，或点「取消」。"
    )
    (reply,) = await chat.send("https://item.jd.com/1.html")
    assert (reply.text or "").startswith("🔔 已开始盯价：https://item.jd.com/1.html\n")
    (watch,) = (await db.exec(select(PriceWatchRow))).all()
    assert (watch.case_id, watch.url, watch.status, watch.next_check_at) == (
        case_id,
        "https://item.jd.com/1.html",
        "active",
        NOW,
    )
    screen = (await chat.press("⏹ 停止盯价"))[-1]
    assert "盯价：已停止（https://item.jd.com/1.html）" in (screen.text or "")
    assert (await db.get(PriceWatchRow, watch.id)).status == "stopped"


async def test_forged_buttons_of_another_shoppers_case_are_not_found(
    chat: LocalChat, sessions: async_sessionmaker[AsyncSession], db: StoredData
) -> None:
    case_id = await price_case(chat, sessions)
    await chat.send("/price 79")
    intruder = chat.as_user(2002)
    await intruder.send("/start")
    for action in ("show", "report", "watch", "unwatch", "chart", "claim"):
        replies = await intruder.press_data(PriceCb(action=action, case_id=case_id).pack())
        assert [(r.method, r.text, r.show_alert) for r in replies] == [
            ("answerCallbackQuery", "找不到这个案件。", True)
        ], action
    assert await observations(db, case_id) == [(7900, "manual", "CNY")]
    assert (await db.exec(select(PriceWatchRow))).all() == []
