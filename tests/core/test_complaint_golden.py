"""Golden drafts: the whole exported text of each case compared with a file.

The files live in ``tests/core/golden/complaints/<case>.txt``. After an intended change to
the wording, regenerate them and review the diff before committing:

    SHOPGUARD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/core/test_complaint_golden.py
    git diff tests/core/golden/complaints/

Every case uses a fixed clock (``NOW``) and Asia/Shanghai, so the files never change by
themselves; a golden file without a case fails ``test_no_stale_golden_files``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopguard.complaints import (
    Channel,
    Complainant,
    Complaint,
    ComplaintFacts,
    DemandOption,
    Event,
    EvidenceEntry,
    ShopPromise,
    TimelineEntry,
    export_text,
    propose_demands,
    render_draft,
)
from shopguard.taxonomy import Category, Language, Platform, ProblemType

GOLDEN = Path(__file__).parent / "golden" / "complaints"
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


def at(text: str) -> datetime:
    """'2026-11-01 09:30' local (Asia/Shanghai) → aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(UTC)


def demand(facts: ComplaintFacts, rule_id: str) -> DemandOption:
    (found,) = [o for o in propose_demands(facts) if o.rule_id == rule_id]
    return found


def milk_powder() -> Complaint:
    """Counterfeit infant milk powder bought in a Douyin live room, three pieces of evidence.

    Which rule: milk powder is *food*, and a counterfeit can is food that does not meet the
    food-safety standards, so 食品安全法 Art. 148 applies — refund plus ten times the price,
    at least 1000 yuan: 398.00 + 3980.00 = 4378.00 yuan. The fraud rule (消保法 Art. 55,
    3x with a 500 yuan minimum = 398.00 + 1194.00) is the alternative the shopper could pick
    instead; propose_demands offers both, the 10x first. The inspection report, required for
    a counterfeit, is still missing and is flagged.
    """
    facts = ComplaintFacts(
        platform=Platform.DOUYIN,
        problem_type=ProblemType.COUNTERFEIT,
        category=Category.FOOD,
        shop_name="贝贝母婴旗舰店",
        seller_business_name="杭州贝贝母婴用品有限公司",
        seller_address="浙江省杭州市余杭区文一西路998号",
        item="某品牌婴幼儿配方奶粉 3段 800g",
        sku="3段 800g×1罐",
        order_no="6923456789012345678",
        amount_paid_fen=39800,
        ordered_at=at("2026-10-28 20:15"),
        signed_at=at("2026-10-31 14:02"),
        live_room_id="7123456789",
    )
    options = propose_demands(facts)
    assert [o.rule_id for o in options][:2] == ["food_tenfold", "fraud_triple"]
    return Complaint(
        facts=facts,
        demand=options[0],
        timeline=(
            TimelineEntry(
                at("2026-11-01 09:30"),
                Event.DISCOVERED,
                "罐底批号在品牌官网防伪查询显示“不存在”，奶粉颜色、气味与之前购买的正品不同",
            ),
            TimelineEntry(
                at("2026-11-01 10:05"),
                Event.CONTACTED_SELLER,
                "要求退货退款并说明防伪查询结果",
                "商家称是正品，拒绝退款",
                "飞鸽",
            ),
        ),
        evidence=(
            EvidenceEntry(
                1, "order_page", "交易快照，商品页写明“官方正品”", at("2026-11-01 09:40")
            ),
            EvidenceEntry(2, "label_photo", "罐底批号及防伪码照片", at("2026-11-01 09:35")),
            EvidenceEntry(3, "chat_record", "飞鸽聊天记录：商家拒绝退款", at("2026-11-01 10:20")),
        ),
        missing_evidence=("inspection_report",),
        complainant=Complainant(
            name="王小明",
            phone="13812345678",
            address="北京市朝阳区建国路88号3单元502",
            id_number="11010519491231002X",
        ),
        reply_by=date(2026, 11, 27),
    )


def price_drop() -> Complaint:
    """JD 价保: two headphones at 299.00, the same SKU now 259.00 → (299 − 259) × 2 = 80.00."""
    facts = ComplaintFacts(
        platform=Platform.JD,
        problem_type=ProblemType.PRICE_DROP,
        category=Category.ELECTRONICS,
        shop_name="某某数码专营店",
        item="无线降噪耳机 X5",
        sku="黑色",
        order_no="287654321012",
        amount_paid_fen=59800,
        quantity=2,
        ordered_at=at("2026-11-11 00:30"),
        signed_at=at("2026-11-13 16:00"),
        current_unit_price_fen=25900,
        current_price_seen_at=at("2026-11-18 09:12"),
        price_protect_days=15,
    )
    return Complaint(
        facts=facts,
        demand=demand(facts, "price_protect_difference"),
        timeline=(
            TimelineEntry(
                at("2026-11-18 09:12"), Event.PRICE_DROPPED, "同款同规格商品页价格降至259.00元"
            ),
        ),
        evidence=(
            EvidenceEntry(
                1, "order_page", "订单页：实付单价299.00元，数量2", at("2026-11-18 09:10")
            ),
            EvidenceEntry(
                2,
                "price_screenshot",
                "同款同规格当前价格259.00元（截图带时间）",
                at("2026-11-18 09:12"),
            ),
        ),
        reply_by=at("2026-11-23 12:00"),
    )


def oversold() -> Complaint:
    """A live-room order cancelled as out of stock: ask for a substitute or a 30 yuan coupon."""
    facts = ComplaintFacts(
        platform=Platform.DOUYIN,
        problem_type=ProblemType.OVERSOLD,
        category=Category.CLOTHING,
        shop_name="潮流鞋服旗舰店",
        item="连帽羽绒服",
        sku="黑色 L",
        order_no="6934567890123456789",
        amount_paid_fen=29900,
        ordered_at=at("2026-11-11 20:05"),
        live_room_id="7300000000",
    )
    return Complaint(
        facts=facts,
        demand=demand(facts, "oversold_substitute").with_amount(3000),
        timeline=(
            TimelineEntry(
                at("2026-11-13 11:00"), Event.SELLER_CANCELLED, "商家以“缺货”为由申请取消订单"
            ),
        ),
        evidence=(
            EvidenceEntry(1, "order_page", "订单页：已付款，待发货", at("2026-11-13 11:05")),
            EvidenceEntry(2, "chat_record", "商家发来的缺货取消通知", at("2026-11-13 11:02")),
        ),
        reply_by=at("2026-11-22 18:00"),
    )


def logistics_stall() -> Complaint:
    """Tracking stuck since 14 Nov 18:20; drafted on 20 Nov: six days without movement."""
    facts = ComplaintFacts(
        platform=Platform.PINDUODUO,
        problem_type=ProblemType.LOGISTICS,
        category=Category.GENERAL,
        shop_name="家居好物店",
        item="收纳箱 3个装",
        order_no="261110-123456789012345",
        amount_paid_fen=4990,
        ordered_at=at("2026-11-10 21:00"),
        waybill_no="YT1234567890123",
        last_tracking_at=at("2026-11-14 18:20"),
    )
    return Complaint(
        facts=facts,
        demand=demand(facts, "refund_undelivered"),
        timeline=(
            TimelineEntry(
                at("2026-11-17 10:00"),
                Event.CONTACTED_SELLER,
                "询问物流停滞原因",
                "商家称已催快递，之后不再回复",
                "商家客服",
            ),
        ),
        evidence=(
            EvidenceEntry(
                1,
                "tracking_page",
                "物流页面：最后一条记录为11月14日到达转运中心",
                at("2026-11-19 08:00"),
            ),
            EvidenceEntry(2, "chat_record", "与商家客服的聊天记录", at("2026-11-19 08:05")),
        ),
        reply_by=date(2026, 11, 23),
    )


def sneakers_promise() -> Complaint:
    """Counterfeit sneakers from a shop promising 假一赔四, seller refused: ask the platform to
    step in for four times the price (refund included): 899.00 × 4 = 3596.00."""
    facts = ComplaintFacts(
        platform=Platform.TAOBAO,
        problem_type=ProblemType.COUNTERFEIT,
        category=Category.CLOTHING,
        shop_name="运动潮鞋馆",
        item="经典款跑步鞋",
        sku="42码",
        order_no="3912345678901234567",
        amount_paid_fen=89900,
        ordered_at=at("2026-11-02 13:45"),
        signed_at=at("2026-11-05 18:30"),
        shop_promise=ShopPromise("假一赔四", 4),
    )
    return Complaint(
        facts=facts,
        demand=demand(facts, "shop_promise"),
        timeline=(
            TimelineEntry(
                at("2026-11-06 20:00"),
                Event.DISCOVERED,
                "鞋盒标签货号与品牌官网不符，鞋舌防伪码扫码无结果",
            ),
            TimelineEntry(
                at("2026-11-07 09:15"),
                Event.AFTER_SALES_REQUESTED,
                "申请退货退款并按“假一赔四”赔付",
                channel="订单页售后",
            ),
            TimelineEntry(
                at("2026-11-08 17:40"),
                Event.SELLER_REPLIED,
                outcome="商家拒绝，称“以实物为准，不支持鉴定”",
            ),
        ),
        evidence=(
            EvidenceEntry(
                1, "order_page", "交易快照：商品页标注“正品保障 假一赔四”", at("2026-11-06 20:10")
            ),
            EvidenceEntry(2, "unboxing_video", "完整开箱视频，面单清晰", at("2026-11-05 18:45")),
            EvidenceEntry(3, "label_photo", "鞋盒标签与鞋舌防伪码照片", at("2026-11-06 20:05")),
            EvidenceEntry(
                4, "inspection_report", "品牌售后出具的鉴定结论：非品牌正品", at("2026-11-12 15:00")
            ),
            EvidenceEntry(5, "chat_record", "商家拒绝的聊天记录", at("2026-11-08 17:45")),
        ),
        reply_by=date(2026, 11, 25),
    )


def refund_not_received() -> Complaint:
    """The seller signed for the return on 5 Nov and still has not refunded: 黑猫投诉."""
    facts = ComplaintFacts(
        platform=Platform.KUAISHOU,
        problem_type=ProblemType.REFUND_NOT_RECEIVED,
        category=Category.COSMETICS,
        shop_name="美妆优选小店",
        seller_business_name="广州美优化妆品有限公司",
        item="保湿精华液 50ml",
        order_no="2410281234567890",
        amount_paid_fen=25600,
        ordered_at=at("2026-10-28 19:20"),
        signed_at=at("2026-10-30 12:00"),
    )
    return Complaint(
        facts=facts,
        demand=demand(facts, "refund_return_overdue"),
        timeline=(
            TimelineEntry(
                at("2026-10-31 10:00"),
                Event.AFTER_SALES_REQUESTED,
                "七天无理由退货",
                "商家同意退货",
            ),
            TimelineEntry(
                at("2026-11-01 15:30"), Event.RETURN_SHIPPED, "寄回商品，退货运单号SF1234567890"
            ),
            TimelineEntry(at("2026-11-05 09:00"), Event.RETURN_RECEIVED, "物流显示商家已签收退货"),
            TimelineEntry(
                at("2026-11-15 11:00"),
                Event.CONTACTED_PLATFORM,
                "催促退款",
                "客服称已提醒商家，至今未退款",
                "平台客服",
            ),
        ),
        evidence=(
            EvidenceEntry(
                1, "order_page", "订单页：退款状态为“待商家处理”", at("2026-11-19 21:00")
            ),
            EvidenceEntry(
                2, "tracking_page", "退货物流：11月5日商家已签收", at("2026-11-19 21:02")
            ),
            EvidenceEntry(3, "chat_record", "与平台客服的对话记录"),
        ),
        reply_by=date(2026, 11, 27),
    )


def bare() -> Complaint:
    """Only the platform and the problem known: every gap stays a visible placeholder."""
    facts = ComplaintFacts(platform=Platform.TAOBAO, problem_type=ProblemType.NOT_AS_DESCRIBED)
    return Complaint(facts=facts, demand=demand(facts, "partial_refund"))


@dataclass(frozen=True)
class Golden:
    name: str
    build: Callable[[], Complaint]
    channel: Channel
    language: Language = Language.ZH
    masked: bool = False


CASES = [
    Golden("milk-powder-12315-zh", milk_powder, Channel.REGULATOR_12315),
    Golden("milk-powder-12315-en-masked", milk_powder, Channel.REGULATOR_12315, Language.EN, True),
    Golden("milk-powder-seller-zh", milk_powder, Channel.SELLER_CHAT),
    Golden("price-drop-ticket-zh", price_drop, Channel.PLATFORM_TICKET),
    Golden("price-drop-ticket-en", price_drop, Channel.PLATFORM_TICKET, Language.EN),
    Golden("oversold-seller-zh", oversold, Channel.SELLER_CHAT),
    Golden("logistics-ticket-zh", logistics_stall, Channel.PLATFORM_TICKET),
    Golden("sneakers-mediation-zh", sneakers_promise, Channel.MEDIATION),
    Golden("sneakers-mediation-en", sneakers_promise, Channel.MEDIATION, Language.EN),
    Golden("refund-heimao-zh", refund_not_received, Channel.HEIMAO),
    Golden("refund-heimao-en", refund_not_received, Channel.HEIMAO, Language.EN),
    Golden("bare-seller-zh", bare, Channel.SELLER_CHAT),
    Golden("bare-12315-zh", bare, Channel.REGULATOR_12315),
]


def rendered(case: Golden) -> str:
    draft = render_draft(
        case.build(), case.channel, now=NOW, language=case.language, masked=case.masked
    )
    return export_text(draft)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden(case: Golden) -> None:
    path = GOLDEN / f"{case.name}.txt"
    text = rendered(case)
    if os.environ.get("SHOPGUARD_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {path.name}: run with SHOPGUARD_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8")


def test_goldens_cover_every_channel() -> None:
    assert {case.channel for case in CASES} == set(Channel)


def test_no_stale_golden_files() -> None:
    names = {f"{case.name}.txt" for case in CASES}
    assert {path.name for path in GOLDEN.glob("*.txt")} == names
