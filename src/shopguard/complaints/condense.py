"""The ticket condensed for a form field with a length limit.

The order number and the demand with its exact amount are always kept; everything else is
added by importance while it fits, a free-text part shortened with "…" as the last thing that
fits. Length is counted in characters (``len``), which is what the forms count; the result is
never longer than the limit — a limit too small for the order number and the demand raises
``ValueError`` instead (the configured limits are at least :data:`MIN_LIMIT`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from shopguard.complaints.demand_text import amount_text, deadline_text
from shopguard.complaints.demands import describe_calculation
from shopguard.complaints.model import Event
from shopguard.complaints.options import DemandKind
from shopguard.complaints.sections import (
    Context,
    entry_text,
    evidence_summary,
    problem_facts,
    timeline,
)
from shopguard.complaints.text import blank

MIN_LIMIT: Final = 140
"""Room for a 64-character order number and the longest demand with a ten-million amount."""

_MIN_SHRUNK: Final = 6  # a shortened part keeps at least this many characters of its body

SHORT_DEMANDS: Final[dict[str, tuple[str, str]]] = {
    DemandKind.FULL_REFUND: ("全额退款", "full refund"),
    DemandKind.PARTIAL_REFUND: ("部分退款", "partial refund"),
    DemandKind.EXCHANGE: ("换货", "exchange"),
    DemandKind.PRICE_DIFFERENCE: ("价保退差价", "price difference"),
    DemandKind.FRAUD_COMPENSATION: ("退一赔三", "refund + 3x compensation"),
    DemandKind.FOOD_COMPENSATION: ("退一赔十", "refund + 10x compensation"),
    DemandKind.SHOP_PROMISE: ("按店铺承诺赔付", "as the shop promised"),
    DemandKind.SUBSTITUTE_OR_COUPON: ("补发替代商品或补偿券", "substitute or coupon"),
}


@dataclass(frozen=True)
class _Part:
    position: int
    priority: int  # lower is added first; _KEPT: always kept
    prefix: str
    body: str = ""
    suffix: str = ""
    shrink: bool = False  # the body may be shortened to fit

    @property
    def text(self) -> str:
        return self.prefix + self.body + self.suffix

    def shortened(self, room: int, zh: bool) -> _Part | None:
        """This part in at most ``room`` characters, its body cut with "…"; None if too small."""
        keep = room - len(self.prefix) - len(self.suffix) - 1
        if not self.shrink or keep < _MIN_SHRUNK:
            return None
        body = self.body[:keep]
        if not zh and " " in body and self.body[keep : keep + 1] not in ("", " "):
            body = body.rsplit(" ", 1)[0]  # English: never cut a word
        return _Part(self.position, self.priority, self.prefix, body.rstrip() + "…", self.suffix)


_KEPT: Final = -1


def condense(ctx: Context, limit: int) -> str:
    """The ticket in at most ``limit`` characters, with the order number and the amount."""
    parts = _parts(ctx)
    chosen = [part for part in parts if part.priority == _KEPT]
    used = sum(len(part.text) for part in chosen)
    if used > limit:
        raise ValueError(f"limit {limit} is too small for the order number and the demand")
    for part in sorted((p for p in parts if p.priority != _KEPT), key=lambda p: p.priority):
        if used + len(part.text) <= limit:
            chosen.append(part)
            used += len(part.text)
            continue
        short = part.shortened(limit - used, ctx.zh)
        if short is not None:
            chosen.append(short)
            used += len(short.text)
    text = "".join(part.text for part in sorted(chosen, key=lambda p: p.position)).strip()
    assert len(text) <= limit
    return text


def _parts(ctx: Context) -> list[_Part]:
    facts, demand, zh = ctx.complaint.facts, ctx.complaint.demand, ctx.zh
    short = SHORT_DEMANDS[demand.kind][0 if zh else 1]
    amount = _amount(ctx)
    sep = "" if zh else " "
    parts = [
        _Part(0, 4, f"【{ctx.problem()}】" if zh else f"[{ctx.problem()}] "),
        _Part(
            1,
            7,
            ctx.t(f"{ctx.platform()}店铺“", f"{ctx.platform()} shop “"),
            ctx.fact("shop_name"),
            ctx.t("”，", "”, "),
            shrink=True,
        ),
        _Part(2, 5, ctx.t("商品“", "item “"), ctx.fact("item"), ctx.t("”，", "”, "), shrink=True),
        _Part(3, _KEPT, ctx.t("订单号", "order no. "), ctx.fact("order_no"), ctx.t("。", ". ")),
        _Part(4, 6, _dates(ctx)),
        _Part(5, 3, ctx.statement() + ctx.t("。", ". ")),
        _Part(7, 10, ctx.t("经过：", "Timeline: "), _steps(ctx), ctx.t("。", ". "), shrink=True),
        _Part(
            8,
            9,
            ctx.t("证据：", "Evidence: "),
            evidence_summary(ctx),
            ctx.t("。", ". "),
            shrink=True,
        ),
        _Part(
            9,
            _KEPT,
            ctx.t("诉求：", "Request: ") + short + (sep if amount else ""),
            amount,
            ctx.t("。", ". "),
        ),
        _Part(
            11,
            0,
            ctx.t(f"请于{deadline_text(ctx)}前处理。", f"Please reply by {deadline_text(ctx)}."),
        ),
    ]
    extra = " ".join(problem_facts(ctx))
    if extra:
        parts.append(_Part(6, 2, extra + sep, shrink=False))
    calc = describe_calculation(demand, ctx.lang)
    if calc and demand.amount_fen is not None:
        parts.append(_Part(10, 1, ctx.t(f"计算：{calc}。", f"Computation: {calc}. ")))
    if blank(facts.shop_name):
        parts = [p for p in parts if p.position != 1]  # the platform knows the order's shop
    return [p for p in parts if p.text.strip()]


def _amount(ctx: Context) -> str:
    """The exact amount; an asked amount's placeholder; a short mark while it cannot be
    computed (the full ticket says what it needs)."""
    demand = ctx.complaint.demand
    if not demand.has_money:
        return ""
    if demand.amount_fen is not None or demand.formula == "asked":
        return amount_text(ctx)
    return ctx.t("【待计算】", "[to compute]")


def _dates(ctx: Context) -> str:
    ordered = ctx.moment("ordered_at")
    if not ctx.delivered():
        return ctx.t(f"下单{ordered}。", f"Ordered {ordered}. ")
    signed = ctx.moment("signed_at")
    return ctx.t(f"下单{ordered}，签收{signed}。", f"Ordered {ordered}, signed for {signed}. ")


def _steps(ctx: Context) -> str:
    entries = [e for e in timeline(ctx) if e.event not in (Event.ORDERED, Event.SIGNED)]
    return ctx.t("；", "; ").join(entry_text(ctx, entry) for entry in entries)
