"""One function per channel: the draft's title, text and form fields (domain.md §7).

Each draws on the same three elements (:mod:`shopguard.complaints.sections`); they differ in
length and form: a short polite chat message, a structured ticket, a mediation statement that
spells out the rule relied on, the 12315 complaint with both parties' identities, and the
黑猫 form. Only the 12315 draft reads the complainant; no other channel ever sees them.
"""

from __future__ import annotations

from collections.abc import Callable

from shopguard.complaints import labels as L
from shopguard.complaints.demand_text import ask_text, basis_text, deadline_text
from shopguard.complaints.demands import describe_calculation
from shopguard.complaints.draft import Field
from shopguard.complaints.model import Channel
from shopguard.complaints.sections import (
    Context,
    evidence_lines,
    item_text,
    problem_facts,
    purchase_lines,
    quantity_text,
    timeline_lines,
)
from shopguard.complaints.text import blank

Body = tuple[str, list[Field]]  # (text, form fields)


def _join(*blocks: list[str]) -> str:
    """Blocks of lines, a blank line between blocks, empty blocks dropped."""
    return "\n\n".join("\n".join(block) for block in blocks if block)


def _legal_basis(ctx: Context) -> list[str]:
    """The basis line when the rule is law or a firm platform rule (never a low one)."""
    demand = ctx.complaint.demand
    return [] if demand.confidence == "low" else [basis_text(ctx, demand)]


def _facts_block(ctx: Context) -> list[str]:
    """The problem in one sentence, then the dated timeline and the problem's own facts."""
    opener = ctx.statement() + ctx.t("，经过如下：", ":")
    return [opener, *timeline_lines(ctx), *problem_facts(ctx)]


def seller_chat(ctx: Context) -> Body:
    """Short and polite: who I am, what happened, what I hold, what I ask and by when."""
    order, item = ctx.fact("order_no"), item_text(ctx)
    paid = ctx.paid() + quantity_text(ctx)
    opening = ctx.t(
        f"您好！我是订单{order}的买家，购买了“{item}”，实付{paid}。",
        f"Hello, I am the buyer of order {order}: “{item}”, paid {paid}.",
    )
    facts = _facts_block(ctx)
    evidence = [
        ctx.t("我保存了以下证据，需要时可以提供：", "I have kept this evidence and can send it:"),
        *evidence_lines(ctx),
    ]
    ask = ask_text(ctx)
    deadline = deadline_text(ctx)
    closing = [
        ctx.t(f"希望店铺{ask}。", f"I ask the shop to {ask}."),
        ctx.t(f"请于{deadline}前答复，谢谢！", f"Please reply by {deadline}. Thank you!"),
    ]
    return _join([opening], facts, evidence, closing), []


def platform_ticket(ctx: Context) -> Body:
    """Structured: the order's facts, then the three elements under numbered headings."""
    head = [ctx.t(f"售后工单：{ctx.problem()}", f"After-sales ticket: {ctx.problem()}")]
    head += purchase_lines(ctx)
    facts = [ctx.t("一、问题描述", "What happened"), *_facts_block(ctx)]
    evidence = [ctx.t("二、证据", "Evidence"), *evidence_lines(ctx)]
    ask = ask_text(ctx)
    request = [ctx.t("三、诉求", "Request"), ctx.t(f"{ask}。", f"Please {ask}.")]
    request += _legal_basis(ctx)
    deadline = deadline_text(ctx)
    request.append(
        ctx.t(f"请于{deadline}前处理并答复。", f"Please handle and reply by {deadline}.")
    )
    return _join(head, facts, evidence, request), []


def mediation(ctx: Context) -> Body:
    """For the platform's arbitrator: facts, the evidence chain, the rule with its source."""
    demand = ctx.complaint.demand
    head = [
        ctx.t(
            f"平台介入申请：{ctx.problem()}", f"Request for platform intervention: {ctx.problem()}"
        )
    ]
    head += purchase_lines(ctx)
    facts = [ctx.t("一、事实经过", "The facts"), *_facts_block(ctx)]
    evidence = [ctx.t("二、证据链", "The evidence"), *evidence_lines(ctx)]
    confidence = L.label(L.CONFIDENCE, demand.confidence, ctx.lang)
    rule = [
        ctx.t("三、所依据的规则", "The rule relied on"),
        ctx.t(f"{demand.basis_zh}。", f"{demand.basis_en}."),
        ctx.t(
            f"来源：{demand.source}（可信度：{confidence}）",
            f"Source: {demand.source_en} (confidence: {confidence})",
        ),
    ]
    calc = describe_calculation(demand, ctx.lang)
    if calc:
        rule.append(ctx.kv("计算", "Computation", calc))
    if demand.confidence == "low":
        rule.append(
            ctx.t(
                "说明：此为常见做法，并非法律条文，以平台规则为准。",
                "Note: this is common practice, not a statute; the platform's rules decide.",
            )
        )
    ask = ask_text(ctx)
    deadline = deadline_text(ctx)
    request = [
        ctx.t("四、请求", "Request"),
        ctx.t(
            f"恳请平台介入处理，支持以下请求：{ask}。",
            f"I ask the platform to step in and support this request: {ask}.",
        ),
        ctx.t(f"请于{deadline}前作出处理。", f"Please decide by {deadline}."),
    ]
    return _join(head, facts, evidence, rule, request), []


def regulator_12315(ctx: Context) -> Body:
    """The 12315 complaint: both parties, the purchase, facts and reasons, request, evidence.

    The only draft that names the complainant (real identity is required by 12315)."""
    person = ctx.complaint.complainant

    def who(name: str, value: str | None) -> str:
        key = f"complainant.{name}"
        return ctx.fill.fact(key, value, L.label(L.FACTS, key, ctx.lang))

    complainant = [
        Field(ctx.t("投诉人姓名", "Complainant"), who("name", person.name)),
        Field(ctx.t("联系电话", "Phone"), who("phone", person.phone)),
        Field(ctx.t("联系地址", "Address"), who("address", person.address)),
    ]
    if not blank(person.id_number):
        assert person.id_number is not None
        complainant.append(Field(ctx.t("证件号码", "ID number"), person.id_number.strip()))
    respondent = [
        Field(ctx.t("被投诉人名称", "Respondent"), ctx.fact("seller_business_name")),
        Field(ctx.t("被投诉人地址", "Respondent's address"), ctx.fact("seller_address")),
        Field(ctx.t("网店", "Online shop"), _shop(ctx)),
    ]
    purchase = [
        Field(ctx.t("购买时间", "Purchase time"), ctx.moment("ordered_at")),
        Field(ctx.t("购买金额", "Amount"), ctx.paid() + quantity_text(ctx)),
        Field(ctx.t("订单号", "Order no."), ctx.fact("order_no")),
        Field(ctx.t("商品名称", "Item"), item_text(ctx)),
    ]
    live_room = ctx.complaint.facts.live_room_id
    if live_room is not None and not blank(live_room):
        purchase.append(Field(ctx.t("直播间ID", "Live room ID"), live_room.strip()))
    reasons = _facts_block(ctx) + _legal_basis(ctx)
    ask, deadline = ask_text(ctx), deadline_text(ctx)
    request = ctx.t(
        f"请求被投诉人{ask}，并于{deadline}前答复。恳请依法受理并组织调解。",
        f"I ask the respondent to {ask}, and to reply by {deadline}. "
        "I ask you to accept this complaint and mediate.",
    )
    statements = [
        Field(ctx.t("事实与理由", "Facts and reasons"), "\n".join(reasons)),
        Field(ctx.t("投诉请求", "Request"), request),
        Field(ctx.t("证据清单", "Evidence"), "\n".join(evidence_lines(ctx))),
    ]
    blocks = [
        [ctx.t("消费者投诉（12315）", "Consumer complaint (12315)")],
        [ctx.t("投诉人", "Complainant"), *(_line(ctx, f) for f in complainant)],
        [ctx.t("被投诉人", "Respondent"), *(_line(ctx, f) for f in respondent)],
        [ctx.t("购买信息", "Purchase"), *(_line(ctx, f) for f in purchase)],
        *([f.label, f.value] for f in statements),
    ]
    return _join(*blocks), [*complainant, *respondent, *purchase, *statements]


def _shop(ctx: Context) -> str:
    shop = ctx.fact("shop_name")
    return ctx.t(f"{ctx.platform()}店铺“{shop}”", f"{ctx.platform()} shop “{shop}”")


def _line(ctx: Context, field: Field) -> str:
    return f"{field.label}：{field.value}" if ctx.zh else f"{field.label}: {field.value}"


def heimao(ctx: Context) -> Body:
    """黑猫投诉: public, so nothing about the shopper; the form's fields, then the description."""
    facts = ctx.complaint.facts
    target = _shop(ctx)
    if facts.seller_business_name is not None and not blank(facts.seller_business_name):
        business = facts.seller_business_name.strip()
        target += ctx.t(f"（经营者：{business}）", f" (operated by {business})")
    problem = ctx.problem()
    ask = ask_text(ctx)
    paid = ctx.paid()
    ordered, item, order = ctx.moment("ordered_at"), item_text(ctx), ctx.fact("order_no")
    quantity = quantity_text(ctx)
    opening = ctx.t(
        f"我于{ordered}在{_shop(ctx)}购买了“{item}”，订单号{order}，实付{paid}{quantity}。",
        f"On {ordered} I bought “{item}” from the {_shop(ctx)}, order {order}, "
        f"paid {paid}{quantity}.",
    )
    story = _facts_block(ctx)
    evidence = [ctx.t("证据：", "Evidence:"), *evidence_lines(ctx)]
    deadline = deadline_text(ctx)
    reply = ctx.t(f"请商家于{deadline}前答复处理。", f"I ask the seller to respond by {deadline}.")
    description = _join([opening], story, evidence, [reply])
    fields = [
        Field(ctx.t("投诉对象", "Complaint about"), target),
        Field(ctx.t("投诉问题", "Problem"), problem),
        Field(ctx.t("投诉要求", "Demand"), ask if ctx.zh else ask[0].upper() + ask[1:]),
        Field(ctx.t("涉诉金额", "Amount involved"), paid),
        Field(ctx.t("问题描述", "Description"), description),
    ]
    head = [ctx.t("黑猫投诉", "Heimao (黑猫) complaint"), *(_line(ctx, f) for f in fields[:-1])]
    return _join(head, [fields[-1].label, description]), fields


RENDERERS: dict[Channel, Callable[[Context], Body]] = {
    Channel.SELLER_CHAT: seller_chat,
    Channel.PLATFORM_TICKET: platform_ticket,
    Channel.MEDIATION: mediation,
    Channel.REGULATOR_12315: regulator_12315,
    Channel.HEIMAO: heimao,
}
