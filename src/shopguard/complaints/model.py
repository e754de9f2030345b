"""What a complaint is made of: plain frozen dataclasses the caller fills from its own storage.

Nothing here reads a database. Instants are aware datetimes (stored UTC, shown in the
shopper's zone); a moment at local midnight is a date typed without a time and is shown as a
date (the convention of :mod:`shopguard.dates`). Money is integer fen. Every ``str | None``
fact that is ``None`` (or blank) is unknown: the drafts show a placeholder for it, never a
guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shopguard.complaints.options import DemandOption
from shopguard.money import MAX_AMOUNT_FEN
from shopguard.taxonomy import Category, Platform, ProblemType


class Channel(StrEnum):
    """Where a draft goes; the value is also the channel part of an export file name."""

    SELLER_CHAT = "seller"
    PLATFORM_TICKET = "ticket"
    MEDIATION = "mediation"
    REGULATOR_12315 = "12315"
    HEIMAO = "heimao"


class Event(StrEnum):
    """What happened at a timeline entry."""

    ORDERED = "ordered"
    PAID = "paid"
    SHIPPED = "shipped"
    LAST_TRACKING = "last_tracking"
    SIGNED = "signed"
    DISCOVERED = "discovered"
    PRICE_DROPPED = "price_dropped"
    SELLER_CANCELLED = "seller_cancelled"
    CONTACTED_SELLER = "contacted_seller"
    SELLER_REPLIED = "seller_replied"
    AFTER_SALES_REQUESTED = "after_sales_requested"
    RETURN_SHIPPED = "return_shipped"
    RETURN_RECEIVED = "return_received"
    CONTACTED_PLATFORM = "contacted_platform"
    TICKET_FILED = "ticket_filed"
    PLATFORM_REPLIED = "platform_replied"
    OTHER = "other"


def _check_moment(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _check_fen(name: str, value: int | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be integer fen, not {type(value).__name__}")
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_AMOUNT_FEN:
        raise ValueError(f"{name} out of range: {value}")


@dataclass(frozen=True)
class ShopPromise:
    """A promise the shop made above the law, as it reads on the listing: "假一赔四".

    ``multiplier`` times the price paid is paid out; ``plus_refund`` when the promise adds the
    refund on top ("退一赔三" = refund + 3x), not when the multiple includes it ("假一赔四").
    """

    text: str
    multiplier: int
    plus_refund: bool = False

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a shop promise needs its text")
        if isinstance(self.multiplier, bool) or not 1 <= self.multiplier <= 100:
            raise ValueError(f"promise multiplier out of range: {self.multiplier}")


@dataclass(frozen=True)
class ComplaintFacts:
    """The case facts a complaint states. Only ``platform`` and ``problem_type`` are required."""

    platform: Platform
    problem_type: ProblemType
    category: Category | None = None
    shop_name: str | None = None
    seller_business_name: str | None = None  # 经营者名称 on the shop's 资质 page (licence)
    seller_address: str | None = None  # the licence's address, for 12315
    item: str | None = None
    sku: str | None = None
    order_no: str | None = None
    amount_paid_fen: int | None = None  # what was paid for the goods, all units
    quantity: int = 1
    unit_price_fen: int | None = None  # paid per unit; None: amount / quantity when exact
    ordered_at: datetime | None = None
    signed_at: datetime | None = None
    live_room_id: str | None = None
    waybill_no: str | None = None
    last_tracking_at: datetime | None = None
    current_unit_price_fen: int | None = None  # 价保: the same SKU's price now
    current_price_seen_at: datetime | None = None
    price_protect_days: int | None = None
    subsidy_price: bool = False  # bought at a subsidy price (百亿补贴, government subsidy)
    shop_promise: ShopPromise | None = None

    def __post_init__(self) -> None:
        Platform(self.platform)
        ProblemType(self.problem_type)
        if self.category is not None:
            Category(self.category)
        if isinstance(self.quantity, bool) or not 1 <= self.quantity <= 9999:
            raise ValueError(f"quantity out of range: {self.quantity}")
        _check_fen("amount_paid_fen", self.amount_paid_fen)
        _check_fen("unit_price_fen", self.unit_price_fen)
        _check_fen("current_unit_price_fen", self.current_unit_price_fen, allow_zero=True)
        for name in ("ordered_at", "signed_at", "last_tracking_at", "current_price_seen_at"):
            _check_moment(name, getattr(self, name))

    @property
    def paid_unit_fen(self) -> int | None:
        """The unit price paid: as given, else the amount paid / quantity when it divides."""
        if self.unit_price_fen is not None:
            return self.unit_price_fen
        if self.amount_paid_fen is not None and self.amount_paid_fen % self.quantity == 0:
            return self.amount_paid_fen // self.quantity
        return None


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step: what happened, in the shopper's words, and how it ended."""

    at: datetime
    event: Event
    detail: str = ""  # what exactly: "发现罐底批号在品牌官网查询不到"
    outcome: str = ""  # for a contact: the answer ("商家称是正品，拒绝退款")
    channel: str = ""  # how: "飞鸽", "电话", "工单 #123"

    def __post_init__(self) -> None:
        _check_moment("at", self.at)
        Event(self.event)


@dataclass(frozen=True)
class EvidenceEntry:
    """证据N: what it is, what it shows, and when the original was made (None: unknown)."""

    number: int
    kind: str | None  # an evidence kind (shopguard.evidence.kinds); None: not yet classified
    description: str = ""  # what it shows
    made_at: datetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or self.number < 1:
            raise ValueError(f"evidence numbers start at 1, not {self.number}")
        _check_moment("made_at", self.made_at)


@dataclass(frozen=True)
class Complainant:
    """The shopper's real identity: used by the 12315 draft only, never by another channel."""

    name: str | None = None
    phone: str | None = None
    address: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Complaint:
    """Everything one draft needs. ``demand`` is one of :func:`propose_demands`' options.

    ``missing_evidence`` names the *required* evidence still missing (evidence kinds or
    checklist item ids, e.g. ``"inspection_report"``); ``reply_by`` is the deadline asked of
    the other side: a datetime, or a date meaning the end of that day.
    """

    facts: ComplaintFacts
    demand: DemandOption
    timeline: tuple[TimelineEntry, ...] = ()
    evidence: tuple[EvidenceEntry, ...] = ()
    missing_evidence: tuple[str, ...] = ()
    complainant: Complainant = Complainant()
    reply_by: datetime | date | None = None
    statement: str | None = None  # the shopper's own one-line problem statement (replaces ours)

    def __post_init__(self) -> None:
        numbers = [entry.number for entry in self.evidence]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"evidence numbers repeat: {numbers}")
        if isinstance(self.reply_by, datetime):
            _check_moment("reply_by", self.reply_by)
