"""The fixed vocabularies of a case: platforms, product categories, problem types, statuses.

Values are stable identifiers stored in the database and used in callback data; what the
shopper reads for each lives in the bot's locale catalogs.
"""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    DOUYIN = "douyin"
    TAOBAO = "taobao"  # Taobao and Tmall share one after-sales system
    JD = "jd"
    PINDUODUO = "pinduoduo"
    KUAISHOU = "kuaishou"
    OTHER = "other"


DEFAULT_PLATFORM = Platform.DOUYIN


class Category(StrEnum):
    GENERAL = "general"
    FOOD = "food"
    COSMETICS = "cosmetics"
    ELECTRONICS = "electronics"  # electronics and durable goods (domain.md §3 durable_burden)
    CLOTHING = "clothing"
    MADE_TO_ORDER = "made_to_order"
    FRESH = "fresh"
    DIGITAL = "digital"
    OTHER = "other"


class ProblemType(StrEnum):
    """The rows of domain.md §6: each problem has its own evidence checklist."""

    OVERSOLD = "oversold"
    PRICE_DISPUTE = "price_dispute"
    LOGISTICS = "logistics"
    NOT_AS_DESCRIBED = "not_as_described"
    QUALITY_DEFECT = "quality_defect"
    COUNTERFEIT = "counterfeit"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    MISSING_OR_WRONG_ITEM = "missing_or_wrong_item"
    PRICE_DROP = "price_drop"
    REFUND_NOT_RECEIVED = "refund_not_received"
    SELLER_UNRESPONSIVE = "seller_unresponsive"
    FOOD_SAFETY = "food_safety"
    OTHER = "other"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


DEFAULT_TIMEZONE = "Asia/Shanghai"
