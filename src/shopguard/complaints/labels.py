"""The words of the drafts, (zh, en): vocabularies, problem statements and fact names.

A complaint draft is a document the core produces in both languages (the bot's locale
catalogs hold the chat UI, not these documents); the names match the catalogs' wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shopguard.complaints.model import Channel, Event
from shopguard.taxonomy import Category, Language, Platform, ProblemType

Pair = tuple[str, str]

PLATFORMS: Final[Mapping[str, Pair]] = {
    Platform.DOUYIN: ("抖音", "Douyin"),
    Platform.TAOBAO: ("淘宝/天猫", "Taobao/Tmall"),
    Platform.JD: ("京东", "JD"),
    Platform.PINDUODUO: ("拼多多", "Pinduoduo"),
    Platform.KUAISHOU: ("快手", "Kuaishou"),
    Platform.OTHER: ("电商平台", "the platform"),
}

CATEGORIES: Final[Mapping[str, Pair]] = {
    Category.GENERAL: ("普通商品", "general goods"),
    Category.FOOD: ("食品", "food"),
    Category.COSMETICS: ("化妆品", "cosmetics"),
    Category.ELECTRONICS: ("数码/大家电", "electronics/durables"),
    Category.CLOTHING: ("服装鞋包", "clothing and shoes"),
    Category.MADE_TO_ORDER: ("定制商品", "made to order"),
    Category.FRESH: ("生鲜", "fresh food"),
    Category.DIGITAL: ("数字/虚拟商品", "digital goods"),
    Category.OTHER: ("其他", "other"),
}

PROBLEMS: Final[Mapping[str, Pair]] = {
    ProblemType.OVERSOLD: ("缺货/砍单", "Out of stock / cancelled"),
    ProblemType.PRICE_DISPUTE: ("价格争议", "Price dispute"),
    ProblemType.LOGISTICS: ("物流异常", "Shipping problem"),
    ProblemType.NOT_AS_DESCRIBED: ("与描述不符", "Not as described"),
    ProblemType.QUALITY_DEFECT: ("质量问题", "Quality defect"),
    ProblemType.COUNTERFEIT: ("疑似假货", "Suspected counterfeit"),
    ProblemType.DAMAGED_IN_TRANSIT: ("运输破损", "Damaged in transit"),
    ProblemType.MISSING_OR_WRONG_ITEM: ("少发/错发", "Missing / wrong item"),
    ProblemType.PRICE_DROP: ("降价（价保）", "Price drop (price protection)"),
    ProblemType.REFUND_NOT_RECEIVED: ("退款未到账", "Refund not received"),
    ProblemType.SELLER_UNRESPONSIVE: ("商家不处理", "Seller not responding"),
    ProblemType.FOOD_SAFETY: ("食品安全问题", "Food safety"),
    ProblemType.OTHER: ("其他问题", "Other problem"),
}

PROBLEM_STATEMENTS: Final[Mapping[str, Pair]] = {
    ProblemType.OVERSOLD: (
        "商家以缺货为由取消订单或迟迟不发货",
        "the seller cancelled the order or has not shipped it, saying it is out of stock",
    ),
    ProblemType.PRICE_DISPUTE: (
        "实际支付的价格与页面或直播间承诺的价格不一致",
        "the price charged differs from the price promised on the page or in the live room",
    ),
    ProblemType.LOGISTICS: (
        "物流信息长时间未更新，商品迟迟未送达",
        "tracking has not moved for a long time and the goods have not arrived",
    ),
    ProblemType.NOT_AS_DESCRIBED: (
        "收到的商品与商品页面的描述不符",
        "the goods received do not match the listing",
    ),
    ProblemType.QUALITY_DEFECT: (
        "收到的商品存在质量问题",
        "the goods received have a quality defect",
    ),
    ProblemType.COUNTERFEIT: (
        "收到的商品疑似假冒，并非页面承诺的正品",
        "the goods received appear to be counterfeit, not the genuine product the listing promised",
    ),
    ProblemType.DAMAGED_IN_TRANSIT: (
        "商品在运输途中破损",
        "the goods were damaged in transit",
    ),
    ProblemType.MISSING_OR_WRONG_ITEM: (
        "收到的商品少发或错发",
        "items were missing or the wrong item was sent",
    ),
    ProblemType.PRICE_DROP: (
        "下单后同款商品在价保期内降价",
        "the same item became cheaper inside the price-protection period after my order",
    ),
    ProblemType.REFUND_NOT_RECEIVED: (
        "退货后一直未收到退款",
        "I returned the goods but have not received the refund",
    ),
    ProblemType.SELLER_UNRESPONSIVE: (
        "售后申请提出后商家一直未处理、未回复",
        "the seller has not answered or handled my after-sales request",
    ),
    ProblemType.FOOD_SAFETY: (
        "收到的食品存在食品安全问题",
        "the food received has a food-safety problem",
    ),
    ProblemType.OTHER: ("此次购物出现问题", "there is a problem with this purchase"),
}

EVENTS: Final[Mapping[str, Pair]] = {
    Event.ORDERED: ("下单", "Ordered"),
    Event.PAID: ("付款", "Paid"),
    Event.SHIPPED: ("商家发货", "Shipped"),
    Event.LAST_TRACKING: ("最后一条物流信息", "Last tracking update"),
    Event.SIGNED: ("签收", "Signed for the parcel (签收)"),
    Event.DISCOVERED: ("发现问题", "Found the problem"),
    Event.PRICE_DROPPED: ("发现同款降价", "Found the price drop"),
    Event.SELLER_CANCELLED: ("商家取消订单", "The seller cancelled the order"),
    Event.CONTACTED_SELLER: ("联系商家", "Contacted the seller"),
    Event.SELLER_REPLIED: ("商家回复", "The seller replied"),
    Event.AFTER_SALES_REQUESTED: ("提交售后申请", "Filed an after-sales request"),
    Event.RETURN_SHIPPED: ("寄回商品", "Shipped the return"),
    Event.RETURN_RECEIVED: ("商家签收退货", "The seller received the return"),
    Event.CONTACTED_PLATFORM: ("联系平台客服", "Contacted platform customer service"),
    Event.TICKET_FILED: ("提交工单", "Filed a ticket"),
    Event.PLATFORM_REPLIED: ("平台回复", "The platform replied"),
    Event.OTHER: ("其他", "Other"),
}

EVIDENCE: Final[Mapping[str, Pair]] = {
    # evidence kinds (shopguard.evidence.kinds)
    "order_page": ("订单页/交易快照", "Order page / snapshot"),
    "payment_proof": ("付款凭证", "Payment proof"),
    "price_screenshot": ("价格截图", "Price screenshot"),
    "tracking_page": ("物流页面", "Tracking page"),
    "package_photo": ("签收时外包装照片", "Parcel at delivery"),
    "unboxing_video": ("开箱视频", "Unboxing video"),
    "product_photo": ("商品照片", "Product photo"),
    "label_photo": ("标签/序列号照片", "Label / serial no. photo"),
    "chat_record": ("聊天记录", "Chat record"),
    "inspection_report": ("质检报告", "Inspection report"),
    "medical_record": ("就医记录", "Medical record"),
    "other": ("其他材料", "Other material"),
    # checklist items (rules/evidence_checklists.toml) that are not kinds
    "cancellation_notice": ("商家取消订单的通知", "Seller's cancellation notice"),
    "price_promised": ("承诺价格截图", "Promised price screenshot"),
    "price_charged": ("实际价格截图", "Charged price screenshot"),
    "promotion_rules": ("活动规则截图", "Promotion rules screenshot"),
    "difference_photos": ("与描述不符之处的照片", "Photos of the difference"),
    "listing_snapshot": ("交易快照/商品详情页", "Order snapshot / listing"),
    "size_reference": ("带尺寸参照物的照片", "Photo with a size reference"),
    "defect_media": ("问题部位的照片或视频", "Photos or video of the defect"),
    "usage_notes": ("使用情况说明", "Notes on how it was used"),
    "product_photos": ("商品照片", "Product photos"),
    "label_serial": ("标签/序列号/防伪码照片", "Label / serial / anti-fake code photos"),
    "package_at_delivery": ("签收时外包装照片", "Outer package at delivery"),
    "refusal_record": ("拒收记录", "Refusal record"),
    "waybill_weight": ("面单重量", "Waybill weight"),
    "packing_photos": ("包装内物照片", "Photos of the packing"),
    "order_price": ("下单价格截图", "Order price screenshot"),
    "current_price": ("同款当前价格截图", "Current price of the same item"),
    "return_tracking": ("退货物流", "Return tracking"),
    "return_received": ("商家已签收退货的记录", "Seller received the return"),
    "refund_request": ("退款申请记录", "Refund request record"),
    "chat_timed": ("带时间的聊天截图", "Chat screenshots with times"),
    "food_product": ("食品实物照片", "Photos of the food"),
    "batch_dates": ("批次、生产日期、保质期照片", "Batch, production and expiry dates"),
    "purchase_proof": ("购买凭证", "Proof of purchase"),
}

CHANNELS: Final[Mapping[str, Pair]] = {
    Channel.SELLER_CHAT: ("给商家的消息", "Message to the seller"),
    Channel.PLATFORM_TICKET: ("平台售后工单", "Platform ticket"),
    Channel.MEDIATION: ("平台介入申请", "Request for platform intervention"),
    Channel.REGULATOR_12315: ("12315消费投诉", "12315 consumer complaint"),
    Channel.HEIMAO: ("黑猫投诉", "Heimao (黑猫) complaint"),
}

CONFIDENCE: Final[Mapping[str, Pair]] = {
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}

FACTS: Final[Mapping[str, Pair]] = {
    "shop_name": ("店铺名称", "shop name"),
    "seller_business_name": (
        "商家名称（见店铺资质页）",
        "seller's business name (shop's 资质 page)",
    ),
    "seller_address": ("商家地址（见店铺资质页）", "seller's address (shop's 资质 page)"),
    "item": ("商品名称", "item"),
    "order_no": ("订单号", "order number"),
    "amount_paid_fen": ("实付金额", "amount paid"),
    "ordered_at": ("下单时间", "order time"),
    "signed_at": ("签收时间", "time signed for"),
    "last_tracking_at": ("最后一次物流更新时间", "time of the last tracking update"),
    "unit_price_fen": ("实付单价", "unit price paid"),
    "current_unit_price_fen": ("同款当前价格", "current price of the same item"),
    "complainant.name": ("投诉人姓名", "your name"),
    "complainant.phone": ("联系电话", "your phone number"),
    "complainant.address": ("联系地址", "your address"),
    "reply_by": ("答复期限", "reply deadline"),
    "demand.amount": ("诉求金额", "amount demanded"),
    "timeline": ("发现问题的时间和经过", "when and how you found the problem"),
}


def pick(pair: Pair, language: Language) -> str:
    return pair[0] if language == Language.ZH else pair[1]


def label(table: Mapping[str, Pair], key: str, language: Language) -> str:
    """The label of ``key``, or ``key`` itself when the table does not know it."""
    pair = table.get(key)
    return key if pair is None else pick(pair, language)
