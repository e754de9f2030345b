"""Free-text intake: one message → a draft case. The clock is fixed at 2026-11-22 18:00 Shanghai.

Each example lists what the draft must hold; the facts it does not list (platform, problem,
category, order number, amount, quantity, dates, silent days, refusals) must stay empty.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopguard.intake import IntakeDraft, IntakeRefusal, parse_intake
from shopguard.taxonomy import Category, Platform, ProblemType

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TZ = "Asia/Shanghai"
DOUYIN, TAOBAO, JD, PDD, KUAISHOU = (
    Platform.DOUYIN,
    Platform.TAOBAO,
    Platform.JD,
    Platform.PINDUODUO,
    Platform.KUAISHOU,
)
P = ProblemType
C = Category
ALWAYS_CHECKED = (
    "platform",
    "problem_type",
    "category",
    "order_no",
    "amount_fen",
    "quantity",
    "ordered_at",
    "signed_at",
    "seller_silent_days",
)


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, tz: str = TZ) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(tz)).astimezone(UTC)


SPEC_EXAMPLE = (
    "抖音买的奶粉怀疑是假货，订单号 4829301756218843，花了 398 元，11月3号签收的，商家三天没回"
)

EXAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "spec-example",
        SPEC_EXAMPLE,
        dict(
            platform=DOUYIN,
            problem_type=P.COUNTERFEIT,
            category=C.FOOD,
            item="奶粉",
            order_no="4829301756218843",
            amount_fen=39800,
            signed_at=local(2026, 11, 3),
            seller_silent_days=3,
        ),
    ),
    (
        "zh-order-and-receipt-dates",
        "淘宝买的口红色差严重，原价199元，实付159元，11月1号下单，11月5号收到",
        dict(
            platform=TAOBAO,
            problem_type=P.NOT_AS_DESCRIBED,
            category=C.COSMETICS,
            item="口红",
            amount_fen=15900,
            ordered_at=local(2026, 11, 1),
            signed_at=local(2026, 11, 5),
        ),
    ),
    (
        "zh-quantity-bought-not-missing",
        "拼多多上买了2件衣服，少发了1件",
        dict(
            platform=PDD,
            problem_type=P.MISSING_OR_WRONG_ITEM,
            category=C.CLOTHING,
            item="衣服",
            quantity=2,
        ),
    ),
    (
        "zh-phone-number-is-not-an-order-number",
        "拼多多买的鞋开线了，联系电话13812345678",
        dict(platform=PDD, problem_type=P.QUALITY_DEFECT, category=C.CLOTHING, item="鞋"),
    ),
    (
        "zh-phone-number-labelled-as-order-is-taken",
        "订单号13812345678，京东",
        dict(platform=JD, order_no="13812345678"),
    ),
    (
        "zh-price-drop-paid-amount-not-current-price",
        "京东买的冰箱，3999元买的，现在降到3499元了，申请价保",
        dict(
            platform=JD,
            problem_type=P.PRICE_DROP,
            category=C.ELECTRONICS,
            item="冰箱",
            amount_fen=399900,
        ),
    ),
    (
        "zh-live-room-food-safety",
        "快手直播间ID 88812345 买的零食，吃了拉肚子，昨天晚上8点收到的",
        dict(
            platform=KUAISHOU,
            problem_type=P.FOOD_SAFETY,
            category=C.FOOD,
            item="零食",
            live_room_id="88812345",
            signed_at=local(2026, 11, 21, 20),
        ),
    ),
    (
        "zh-future-date-refused",
        "抖音买的耳机，明天到货，订单号 5829301756218843",
        dict(
            platform=DOUYIN,
            category=C.ELECTRONICS,
            item="耳机",
            order_no="5829301756218843",
            refused=[("signed_at", "future")],
        ),
    ),
    (
        "zh-truncated-order-number-refused",
        "订单号 4829…，质量有问题",
        dict(problem_type=P.QUALITY_DEFECT, refused=[("order_no", "too_short")]),
    ),
    (
        "zh-bare-numbers-are-not-amounts",
        "买了 3 个月了，398，一直坏",
        dict(),
    ),
    (
        "zh-two-paid-amounts-refused",
        "花了398元，又花了120元，天猫",
        dict(platform=TAOBAO, refused=[("amount_fen", "conflict")]),
    ),
    (
        "zh-amount-too-large-refused",
        "花了 99999999999 元，手机坏了",
        dict(
            problem_type=P.QUALITY_DEFECT,
            category=C.ELECTRONICS,
            item="手机",
            refused=[("amount_fen", "too_large")],
        ),
    ),
    (
        "zh-two-order-numbers-refused",
        "订单号 123456789012，另一个订单号 987654321098",
        dict(refused=[("order_no", "conflict")]),
    ),
    (
        "zh-shop-name-and-letters-in-order-number",
        "在抖音XX旗舰店买的面霜，订单 DY20261122001，¥99，昨天下午3点签收",
        dict(
            platform=DOUYIN,
            category=C.COSMETICS,
            item="面霜",
            shop_name="XX旗舰店",
            order_no="DY20261122001",
            amount_fen=9900,
            signed_at=local(2026, 11, 21, 15),
        ),
    ),
    (
        "zh-damaged-beats-quality-and-fresh-category",
        "抖音买的榴莲坏了，快递压坏了，买了2盒，一共花了¥258.00",
        dict(
            platform=DOUYIN,
            problem_type=P.DAMAGED_IN_TRANSIT,
            category=C.FRESH,
            item="榴莲",
            amount_fen=25800,
            quantity=2,
        ),
    ),
    (
        "zh-double-eleven-and-relative-dates",
        "双十一在天猫买的洗衣机，11月11日下单，前天送达，收到就坏了",
        dict(
            platform=TAOBAO,
            problem_type=P.QUALITY_DEFECT,
            category=C.ELECTRONICS,
            item="洗衣机",
            ordered_at=local(2026, 11, 11),
            signed_at=local(2026, 11, 20),
        ),
    ),
    (
        "zh-waybill-number-is-not-an-order-number",
        "快递单号 773012345678901 一直不动，淘宝",
        dict(platform=TAOBAO, problem_type=P.LOGISTICS),
    ),
    (
        "zh-id-card-number-is-not-an-order-number",
        "淘宝买的，身份证 110101199003071006，没发货",
        dict(platform=TAOBAO, problem_type=P.LOGISTICS),
    ),
    (
        "zh-18-digits-failing-the-id-checksum-is-an-order-number",
        "淘宝买的，110101199003071007，没发货",
        dict(platform=TAOBAO, problem_type=P.LOGISTICS, order_no="110101199003071007"),
    ),
    (
        "zh-two-platforms-conflict",
        "之前天猫买过，这次在京东买的耳机，漏发了一个耳塞",
        dict(
            problem_type=P.MISSING_OR_WRONG_ITEM,
            category=C.ELECTRONICS,
            item="耳机",
            refused=[("platform", "conflict")],
        ),
    ),
    (
        "zh-platform-tied-to-the-purchase-wins",
        "淘宝上更便宜，我是在抖音买的，降价了",
        dict(platform=DOUYIN, problem_type=P.PRICE_DROP),
    ),
    (
        "zh-chinese-quantity-and-weekday",
        "两件衣服，拼多多，发错了尺码，上周一下单的",
        dict(
            platform=PDD,
            problem_type=P.MISSING_OR_WRONG_ITEM,
            category=C.CLOTHING,
            item="衣服",
            quantity=2,
            ordered_at=local(2026, 11, 9),
        ),
    ),
    (
        "zh-slash-date-is-month-day-in-chinese",
        "3/4签收的，质量问题，商家已读不回5天了",
        dict(problem_type=P.QUALITY_DEFECT, signed_at=local(2026, 3, 4), seller_silent_days=5),
    ),
    (
        "zh-days-after-receipt-is-not-a-future-date",
        "签收3天后就坏了，淘宝",
        dict(platform=TAOBAO, problem_type=P.QUALITY_DEFECT),
    ),
    (
        "zh-refund-and-silent-seller",
        "退款没到，淘宝，客服5天不回复",
        dict(platform=TAOBAO, problem_type=P.REFUND_NOT_RECEIVED, seller_silent_days=5),
    ),
    (
        "zh-oversold-with-pdd-order-number",
        "拼多多砍单了，订单号：231122-123456789012345，付了45.5元",
        dict(
            platform=PDD,
            problem_type=P.OVERSOLD,
            order_no="231122-123456789012345",
            amount_fen=4550,
        ),
    ),
    (
        "zh-full-width-digits",
        "京东买的手机，订单号：２９８３７４６５１０９２，实付￥２，９９９元，直播间ＩＤ：ＬＲ８８",
        dict(
            platform=JD,
            category=C.ELECTRONICS,
            item="手机",
            order_no="298374651092",
            amount_fen=299900,
            live_room_id="LR88",
        ),
    ),
    (
        "zh-made-to-order-wins-category",
        "淘宝定制的衣服与描述不符",
        dict(
            platform=TAOBAO,
            problem_type=P.NOT_AS_DESCRIBED,
            category=C.MADE_TO_ORDER,
            item="衣服",
        ),
    ),
    (
        "zh-food-safety-implies-food",
        "拼多多买的东西过期了，11月3号收到",
        dict(
            platform=PDD,
            problem_type=P.FOOD_SAFETY,
            category=C.FOOD,
            signed_at=local(2026, 11, 3),
        ),
    ),
    (
        "zh-labelled-shop-name",
        "店铺：小王家的零食铺，抖音",
        dict(platform=DOUYIN, category=C.FOOD, item="零食", shop_name="小王家的零食铺"),
    ),
    (
        "zh-generic-flagship-store-is-no-shop-name",
        "在官方旗舰店买的口红是假货",
        dict(problem_type=P.COUNTERFEIT, category=C.COSMETICS, item="口红", shop_name=None),
    ),
    (
        "en-shop-name",
        "bought from the store named Happy Mall, JD",
        dict(platform=JD, shop_name="Happy Mall"),
    ),
    (
        "en-defect-jd",
        "I bought a phone on JD, order no. 298374651092, paid ¥2,999.00, received Nov 3, "
        "it stopped working and the seller hasn't replied for 5 days",
        dict(
            platform=JD,
            problem_type=P.QUALITY_DEFECT,
            category=C.ELECTRONICS,
            item="phone",
            order_no="298374651092",
            amount_fen=299900,
            signed_at=local(2026, 11, 3),
            seller_silent_days=5,
        ),
    ),
    (
        "en-counterfeit-taobao",
        "Bought fake sneakers on Taobao for 599 yuan, delivered yesterday. Order #3021458876123",
        dict(
            platform=TAOBAO,
            problem_type=P.COUNTERFEIT,
            category=C.CLOTHING,
            item="sneakers",
            order_no="3021458876123",
            amount_fen=59900,
            signed_at=local(2026, 11, 21),
        ),
    ),
    (
        "en-logistics-pdd-relative-date",
        "Pinduoduo order 231122-123456789012345 not shipped yet, paid 45.50 RMB 3 days ago",
        dict(
            platform=PDD,
            problem_type=P.LOGISTICS,
            order_no="231122-123456789012345",
            amount_fen=4550,
            ordered_at=local(2026, 11, 19),
        ),
    ),
    (
        "en-wrong-item-quantity-today",
        "the seller on douyin sent the wrong color, 2 pcs, I paid 120 yuan, received it today",
        dict(
            platform=DOUYIN,
            problem_type=P.MISSING_OR_WRONG_ITEM,
            amount_fen=12000,
            quantity=2,
            signed_at=local(2026, 11, 22),
        ),
    ),
    (
        "en-price-drop-current-price-ignored",
        "JD price protection: bought a TV for 3999 yuan on Nov 11, now it is 3499 yuan",
        dict(
            platform=JD,
            problem_type=P.PRICE_DROP,
            category=C.ELECTRONICS,
            item="TV",
            amount_fen=399900,
            ordered_at=local(2026, 11, 11),
        ),
    ),
    (
        "en-live-room-food-safety-weekday",
        "Kuaishou live room 777888 sold me expired snacks, got sick, ordered last Monday",
        dict(
            platform=KUAISHOU,
            problem_type=P.FOOD_SAFETY,
            category=C.FOOD,
            item="snacks",
            live_room_id="777888",
            ordered_at=local(2026, 11, 16),
        ),
    ),
    (
        "en-tracking-number-is-not-an-order-number",
        "my tracking number is 773012345678901, parcel never arrived, taobao",
        dict(platform=TAOBAO, problem_type=P.LOGISTICS),
    ),
    (
        "en-phone-number-is-not-an-order-number",
        "call me at 13912345678, I ordered milk powder on Nov 5",
        dict(category=C.FOOD, item="milk powder", ordered_at=local(2026, 11, 5)),
    ),
    (
        "en-future-date-refused",
        "I ordered it tomorrow, on Taobao",
        dict(platform=TAOBAO, refused=[("ordered_at", "future")]),
    ),
    (
        "en-ambiguous-date-refused",
        "ordered on 03/04/2026, paid 100 yuan",
        dict(amount_fen=10000, refused=[("ordered_at", "ambiguous")]),
    ),
    (
        "en-ambiguous-short-date-refused",
        "received 3/4, item defective",
        dict(problem_type=P.QUALITY_DEFECT, refused=[("signed_at", "ambiguous")]),
    ),
    (
        "en-bare-numbers-are-not-amounts",
        "item cost 300, order 12345, 2 weeks of waiting",
        dict(),
    ),
    (
        "en-refused-date-without-keyword",
        "the box says 2027-05-01, pdd",
        dict(platform=PDD, refused=[("date", "future")]),
    ),
    (
        "en-live-room-letters-and-silent-seller",
        "live room id ABC123 on Douyin, no reply for 3 days",
        dict(
            platform=DOUYIN,
            problem_type=P.SELLER_UNRESPONSIVE,
            live_room_id="ABC123",
            seller_silent_days=3,
        ),
    ),
]


def _facts(draft: IntakeDraft, expected: dict[str, Any]) -> dict[str, Any]:
    names = [*ALWAYS_CHECKED, *(k for k in expected if k not in ALWAYS_CHECKED)]
    facts = {name: getattr(draft, name) for name in names if name != "refused"}
    facts["refused"] = [(r.field, r.code) for r in draft.refused]
    return facts


@pytest.mark.parametrize(
    ("text", "expected"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES]
)
def test_parse_intake(text: str, expected: dict[str, Any]) -> None:
    draft = parse_intake(text, NOW, TZ)
    want = {name: None for name in ALWAYS_CHECKED} | {"refused": []} | expected
    assert _facts(draft, expected) == want
    assert draft.notes == text


def test_spec_example_details() -> None:
    draft = parse_intake(SPEC_EXAMPLE, NOW, TZ)
    assert draft.signed_at == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)  # 11-03 00:00 Shanghai
    assert draft.missing() == []


def test_refusal_keeps_the_fragment() -> None:
    draft = parse_intake("花了398元，又花了120元；订单号 4829…；明天到货", NOW, TZ)
    assert draft.refused == [
        IntakeRefusal("order_no", "too_short", "订单号 4829"),
        IntakeRefusal("amount_fen", "conflict", "398元 / 120元"),
        IntakeRefusal("signed_at", "future", "明天"),
    ]


def test_dates_follow_the_shoppers_zone() -> None:
    draft = parse_intake("received Nov 3, ordered Nov 1 on Taobao", NOW, "America/New_York")
    assert draft.signed_at == local(2026, 11, 3, tz="America/New_York")
    assert draft.ordered_at == local(2026, 11, 1, tz="America/New_York")


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("", ["platform", "problem_type"]),
        ("抖音买的", ["problem_type"]),
        ("it is fake", ["platform"]),
        ("淘宝 假货", []),
    ],
)
def test_missing(text: str, missing: list[str]) -> None:
    assert parse_intake(text, NOW, TZ).missing() == missing


EMPTY_DRAFTS = [
    ("empty", "", ""),
    ("spaces", "   \n\t ", ""),
    ("emoji-only", "🙂😡📦🙏", "🙂😡📦🙏"),
    ("control-characters", "\x00\x01\x02\x7f\u200b\u202e", ""),
    ("punctuation", "？？？！！！……", "？？？！！！……"),
]


@pytest.mark.parametrize(
    ("text", "notes"), [e[1:] for e in EMPTY_DRAFTS], ids=[e[0] for e in EMPTY_DRAFTS]
)
def test_robust_to_inputs_with_nothing_in_them(text: str, notes: str) -> None:
    draft = parse_intake(text, NOW, TZ)
    assert draft == IntakeDraft(notes=notes)
    assert draft.missing() == ["platform", "problem_type"]


def test_control_characters_are_dropped_from_notes_and_ignored_in_matching() -> None:
    draft = parse_intake("\x00抖音\x07买的\u200b假货\x1b", NOW, TZ)
    assert (draft.platform, draft.problem_type) == (DOUYIN, P.COUNTERFEIT)
    assert draft.notes == "抖音买的假货"


LONG_INPUTS = [
    ("repeated-spec", (SPEC_EXAMPLE + "。") * 100),
    ("digits", "1" * 5000),
    ("slashes", "11/" * 1700),
    ("dom-markers", "3号" * 2500),
    ("labels", "订单号" * 1700),
    ("currency", "¥" * 4999 + "1"),
    ("spaced-x", "x2 " * 1700),
    ("emoji", "🙂" * 5000),
]


@pytest.mark.parametrize(
    "text", [t[:5000] for _, t in LONG_INPUTS], ids=[i for i, _ in LONG_INPUTS]
)
def test_5000_characters_parse_quickly(text: str) -> None:
    started = time.perf_counter()
    draft = parse_intake(text, NOW, TZ)
    assert time.perf_counter() - started < 2.0  # generous: a guard against runaway regexes
    assert draft.notes == text


def test_long_repeated_message_still_finds_the_facts() -> None:
    draft = parse_intake((SPEC_EXAMPLE + "。") * 100, NOW, TZ)
    assert (draft.platform, draft.order_no, draft.amount_fen) == (
        DOUYIN,
        "4829301756218843",
        39800,
    )
    assert draft.signed_at == local(2026, 11, 3)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789/-.:年月日号点元块¥,， 抖音订单号花了签收xX\n\x00🙂")
        )
        | st.characters(),
        max_size=120,
    )
)
def test_never_raises(text: str) -> None:
    draft = parse_intake(text, NOW, TZ)
    assert isinstance(draft.refused, list)
    for moment in (draft.ordered_at, draft.signed_at):
        assert moment is None or moment.tzinfo is UTC
