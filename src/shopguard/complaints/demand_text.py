"""The third element: one specific, quantified demand and a reply deadline (domain.md §7).

The sentence comes from the rule's template (``rules/compensation.toml``) with every slot
filled: the exact amount, or a placeholder that says what it still needs. The legal basis is
cited only for rules of medium or high confidence; a low one is common practice and goes to
the shopper's notes, never into the draft as law.
"""

from __future__ import annotations

from shopguard.complaints import labels as L
from shopguard.complaints.demands import describe_calculation
from shopguard.complaints.options import DemandOption
from shopguard.complaints.sections import Context
from shopguard.complaints.text import money


def amount_text(ctx: Context) -> str:
    """The total demanded, or a placeholder saying what it still needs."""
    demand = ctx.complaint.demand
    if demand.amount_fen is not None:
        return money(demand.amount_fen, ctx.lang)
    if demand.formula == "asked":
        asked = demand.asked_label_zh if ctx.zh else demand.asked_label_en
        return ctx.fill.hole("demand.amount", asked or L.label(L.FACTS, "demand.amount", ctx.lang))
    for need in demand.needs:
        ctx.fill.note_missing(need, L.label(L.FACTS, need, ctx.lang))
    first = demand.needs[0] if demand.needs else "demand.amount"
    need_label = L.label(L.FACTS, first, ctx.lang)
    return ctx.t(
        f"【待计算：请先填写{need_label}】", f"[to compute: fill in the {need_label} first]"
    )


def ask_text(ctx: Context) -> str:
    """The demand sentence from the rule's template, every slot filled or a placeholder."""
    demand = ctx.complaint.demand
    amount = amount_text(ctx) if demand.has_money else ""
    calc = demand.calculation
    values = {
        "amount": amount,
        "refund": money(demand.refund_fen, ctx.lang) if demand.refund_fen is not None else amount,
        "compensation": (
            money(demand.compensation_fen, ctx.lang)
            if demand.compensation_fen is not None
            else amount
        ),
        "calc": describe_calculation(demand, ctx.lang),
        "promise": demand.promise_text or "",
        "multiplier": str(calc.multiplier) if calc and calc.multiplier else "",
    }
    template = demand.ask_zh if ctx.zh else demand.ask_en
    return template.format(**values)


def deadline_text(ctx: Context) -> str:
    return ctx.fill.deadline(
        "reply_by", ctx.complaint.reply_by, L.label(L.FACTS, "reply_by", ctx.lang)
    )


def basis_text(ctx: Context, demand: DemandOption) -> str:
    """The rule relied on and its source; only for rules of medium or high confidence."""
    basis = demand.basis_zh if ctx.zh else demand.basis_en
    return ctx.t(f"依据：{basis}（{demand.source}）。", f"Basis: {basis} ({demand.source_en}).")


def demand_notes(ctx: Context) -> None:
    """Advice for the shopper about the chosen demand (never copied into the draft)."""
    demand = ctx.complaint.demand
    note = demand.note_zh if ctx.zh else demand.note_en
    if note:
        ctx.notes.append(note)
    if demand.confidence == "low":
        ctx.notes.append(
            ctx.t(
                f"“{demand.title_zh}”的依据是常见做法（可信度：低），不是法律条文：请以订单页和平台规则为准。",
                f"“{demand.title_en}” rests on common practice (confidence: low), "
                "not on a statute: check your order page and the platform's rules.",
            )
        )
