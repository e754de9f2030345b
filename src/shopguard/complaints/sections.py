"""The three elements every draft is built from (domain.md §7), in either language.

1. the problem: who, what, when — purchase facts and a dated timeline of plain facts;
2. the evidence: 证据1…N, what each shows and when the original was made, with the required
   items still missing flagged;
3. the demand: one quantified request and a reply deadline (:mod:`.demand_text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shopguard.complaints import labels as L
from shopguard.complaints.model import Complaint, Event, TimelineEntry
from shopguard.complaints.text import Filler, blank, evidence_placeholder, money
from shopguard.taxonomy import Language, ProblemType

_PURCHASE_EVENTS = frozenset({Event.ORDERED, Event.PAID, Event.SHIPPED, Event.SIGNED})
"""Steps of any purchase: a timeline of only these does not yet say what went wrong."""
NOT_DELIVERED = frozenset({ProblemType.OVERSOLD, ProblemType.LOGISTICS})
"""Problems where the goods never arrived: no 签收 time to ask for."""


@dataclass
class Context:
    """One draft being written: the complaint, the language, the clock and the filler."""

    complaint: Complaint
    fill: Filler
    now: datetime
    notes: list[str] = field(default_factory=list)

    @property
    def lang(self) -> Language:
        return self.fill.language

    @property
    def zh(self) -> bool:
        return self.fill.zh

    def t(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def kv(self, label_zh: str, label_en: str, value: str) -> str:
        """One "label: value" line: ``订单号：123`` / ``Order no.: 123``."""
        return f"{label_zh}：{value}" if self.zh else f"{label_en}: {value}"

    def fact(self, name: str) -> str:
        """A text fact of the case, or its placeholder."""
        value = getattr(self.complaint.facts, name)
        return self.fill.fact(name, value, L.label(L.FACTS, name, self.lang))

    def paid(self) -> str:
        fen = self.complaint.facts.amount_paid_fen
        return self.fill.amount(
            "amount_paid_fen", fen, L.label(L.FACTS, "amount_paid_fen", self.lang)
        )

    def moment(self, name: str) -> str:
        at = getattr(self.complaint.facts, name)
        return self.fill.moment(name, at, L.label(L.FACTS, name, self.lang))

    def platform(self) -> str:
        return L.label(L.PLATFORMS, self.complaint.facts.platform, self.lang)

    def problem(self) -> str:
        return L.label(L.PROBLEMS, self.complaint.facts.problem_type, self.lang)

    def statement(self) -> str:
        own = self.complaint.statement
        if own is not None and not blank(own):
            return own.strip().rstrip("。.！!")
        text = L.label(L.PROBLEM_STATEMENTS, self.complaint.facts.problem_type, self.lang)
        return text if self.zh else text[0].upper() + text[1:]

    def delivered(self) -> bool:
        return self.complaint.facts.problem_type not in NOT_DELIVERED


# --- 1. the problem --------------------------------------------------------------------------


def item_text(ctx: Context) -> str:
    facts = ctx.complaint.facts
    item = ctx.fact("item")
    if blank(facts.sku):
        return item
    assert facts.sku is not None
    sku = facts.sku.strip()
    return ctx.t(f"{item}（规格：{sku}）", f"{item} (SKU: {sku})")


def purchase_lines(ctx: Context) -> list[str]:
    """The order's facts as "label: value" lines (ticket, mediation)."""
    facts = ctx.complaint.facts
    lines = [
        ctx.kv("平台", "Platform", ctx.platform()),
        ctx.kv("店铺", "Shop", ctx.fact("shop_name")),
        ctx.kv("商品", "Item", item_text(ctx)),
        ctx.kv("订单号", "Order no.", ctx.fact("order_no")),
        ctx.kv("下单时间", "Ordered", ctx.moment("ordered_at")),
    ]
    if ctx.delivered():
        lines.append(ctx.kv("签收时间", "Signed for", ctx.moment("signed_at")))
    lines.append(ctx.kv("实付金额", "Amount paid", ctx.paid() + quantity_text(ctx)))
    if not blank(facts.live_room_id):
        assert facts.live_room_id is not None
        lines.append(ctx.kv("直播间ID", "Live room ID", facts.live_room_id.strip()))
    return lines


def quantity_text(ctx: Context) -> str:
    facts = ctx.complaint.facts
    unit = facts.paid_unit_fen
    if facts.quantity == 1:
        return ""
    if unit is None:
        return ctx.t(f"（数量{facts.quantity}）", f" (quantity {facts.quantity})")
    price = money(unit, ctx.lang)
    return ctx.t(
        f"（数量{facts.quantity}，单价{price}）", f" (quantity {facts.quantity}, {price} each)"
    )


def timeline(ctx: Context) -> list[TimelineEntry]:
    """The shopper's entries plus the case's own dates (order, 签收, last tracking update)
    when the timeline does not already have them, oldest first."""
    facts = ctx.complaint.facts
    entries = list(ctx.complaint.timeline)
    present = {entry.event for entry in entries}
    for event, at in (
        (Event.ORDERED, facts.ordered_at),
        (Event.SIGNED, facts.signed_at if ctx.delivered() else None),
        (Event.LAST_TRACKING, facts.last_tracking_at),
    ):
        if at is not None and event not in present:
            entries.append(TimelineEntry(at, event))
    return sorted(entries, key=lambda entry: entry.at)


def timeline_lines(ctx: Context) -> list[str]:
    entries = timeline(ctx)
    lines = [f"{n}. {entry_text(ctx, entry)}" for n, entry in enumerate(entries, start=1)]
    if all(entry.event in _PURCHASE_EVENTS for entry in entries):
        hole = ctx.fill.hole("timeline", L.label(L.FACTS, "timeline", ctx.lang))
        lines.append(f"{len(lines) + 1}. {hole}")
    return lines


def entry_text(ctx: Context, entry: TimelineEntry) -> str:
    event = L.label(L.EVENTS, entry.event, ctx.lang)
    when = ctx.fill.when(entry.at)
    text = f"{when}　{event}" if ctx.zh else f"{when} — {event}"
    if entry.channel.strip():
        text += ctx.t(f"（{entry.channel.strip()}）", f" (via {entry.channel.strip()})")
    if entry.detail.strip():
        text += f"：{entry.detail.strip()}" if ctx.zh else f": {entry.detail.strip()}"
    if entry.outcome.strip():
        text += ctx.t(f"；结果：{entry.outcome.strip()}", f"; outcome: {entry.outcome.strip()}")
    return text


def problem_facts(ctx: Context) -> list[str]:
    """Facts only some problems have: the price drop, the stalled parcel."""
    problem = ctx.complaint.facts.problem_type
    if problem == ProblemType.PRICE_DROP:
        return [price_drop_line(ctx)]
    if problem == ProblemType.LOGISTICS:
        return [logistics_line(ctx)]
    return []


def price_drop_line(ctx: Context) -> str:
    facts = ctx.complaint.facts
    unit = facts.paid_unit_fen
    paid = ctx.fill.amount("unit_price_fen", unit, L.label(L.FACTS, "unit_price_fen", ctx.lang))
    label_now = L.label(L.FACTS, "current_unit_price_fen", ctx.lang)
    now = ctx.fill.amount("current_unit_price_fen", facts.current_unit_price_fen, label_now)
    seen = facts.current_price_seen_at
    if ctx.zh:
        text = f"价格：下单时实付单价{paid}，数量{facts.quantity}；"
        text += f"{ctx.fill.when(seen)}同款价格为{now}" if seen else f"同款当前价格为{now}"
        if facts.price_protect_days:
            text += f"（店铺承诺价保{facts.price_protect_days}天）"
        return text + "。"
    text = f"Price: I paid {paid} per unit for {facts.quantity}; "
    text += f"on {ctx.fill.when(seen)} the same item cost {now}" if seen else f"it now costs {now}"
    if facts.price_protect_days:
        text += f" (the shop promises {facts.price_protect_days} days of price protection)"
    return text + "."


def logistics_line(ctx: Context) -> str:
    facts = ctx.complaint.facts
    waybill = "" if blank(facts.waybill_no) else (facts.waybill_no or "").strip()
    last = ctx.moment("last_tracking_at")
    today = ctx.fill.day(ctx.now.astimezone(ctx.fill.zone).date())
    stalled = ""
    if facts.last_tracking_at is not None:
        stalled = _stalled_for(ctx, facts.last_tracking_at)
    if ctx.zh:
        text = f"物流：运单号{waybill}，" if waybill else "物流："
        text += f"最后一次物流更新为{last}"
        return text + (f"，截至{today}已{stalled}没有更新。" if stalled else "。")
    text = f"Tracking: waybill {waybill}; " if waybill else "Tracking: "
    text += f"the last update was {last}"
    return text + (f"; as of {today} it has not moved for {stalled}." if stalled else ".")


def _stalled_for(ctx: Context, last: datetime) -> str:
    """Whole local days since the last tracking event (hours when under a day)."""
    zone = ctx.fill.zone
    days = (ctx.now.astimezone(zone).date() - last.astimezone(zone).date()).days
    if days >= 1:
        return ctx.t(f"{days}天", f"{days} day{'s' if days > 1 else ''}")
    hours = int((ctx.now - last).total_seconds() // 3600)
    if hours < 1:
        return ""
    return ctx.t(f"{hours}小时", f"{hours} hour{'s' if hours > 1 else ''}")


# --- 2. the evidence -------------------------------------------------------------------------


def evidence_lines(ctx: Context) -> list[str]:
    lines = []
    for entry in sorted(ctx.complaint.evidence, key=lambda e: e.number):
        kind = L.label(L.EVIDENCE, entry.kind or "other", ctx.lang)
        what = entry.description.strip() or ctx.fill.hole(
            f"evidence.description:{entry.number}",
            ctx.t(f"证据{entry.number}证明的内容", f"what evidence {entry.number} shows"),
        )
        made = (
            ctx.t(
                f"原始时间：{ctx.fill.when(entry.made_at)}",
                f"original made {ctx.fill.when(entry.made_at)}",
            )
            if entry.made_at
            else ctx.t("原始时间未知", "original time unknown")
        )
        if ctx.zh:
            lines.append(f"证据{entry.number}：{kind}——{what}（{made}）")
        else:
            lines.append(f"Evidence {entry.number}: {kind} — {what} ({made})")
    for key in ctx.complaint.missing_evidence:
        name = L.label(L.EVIDENCE, key, ctx.lang)
        ctx.fill.note_missing(f"evidence:{key}", ctx.t(f"证据：{name}", f"Evidence: {name}"))
        lines.append(
            evidence_placeholder(name, ctx.lang)
            + ctx.t("（必备，尚未取得）", " (required, not yet held)")
        )
    if not lines:
        name = ctx.t("证据", "evidence")
        ctx.fill.note_missing("evidence", ctx.t("证据（至少一项）", "Evidence (at least one item)"))
        lines.append(evidence_placeholder(name, ctx.lang))
    return lines


def evidence_summary(ctx: Context) -> str:
    """One line: "证据：证据1 开箱视频、证据2 …" (condensed forms)."""
    items = [
        ctx.t(f"证据{e.number}{kind}", f"E{e.number} {kind}")
        for e in sorted(ctx.complaint.evidence, key=lambda e: e.number)
        for kind in [L.label(L.EVIDENCE, e.kind or "other", ctx.lang)]
    ]
    return ctx.t("、", ", ").join(items)
