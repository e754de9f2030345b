"""Turns core objects into the text the shopper reads (HTML), in their language and time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from html import escape

from bot.evidence_render import card_line as evidence_card_line
from bot.i18n import Texts
from bot.price_card import card_line as price_card_line
from bot.timeline_view import card_line as timeline_card_line
from shopguard.case_fields import FIELDS
from shopguard.cases import CasePage
from shopguard.db.models import Case
from shopguard.intake import IntakeDraft
from shopguard.money import format_fen
from shopguard.taxonomy import CaseStatus
from shopguard.timezones import to_local

CARD_FIELDS = (
    "platform",
    "problem_type",
    "category",
    "shop_name",
    "item",
    "order_no",
    "amount_fen",
    "ordered_at",
    "signed_at",
    "live_room_id",
)


def moment(value: datetime | None, tz: str, t: Texts) -> str:
    """Local date, with the time only when one was given (a bare date is stored as 00:00)."""
    if value is None:
        return t("card.unset")
    local = to_local(value, tz)
    if local.time() == time(0, 0):
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M")


def deadline_moment(value: datetime, tz: str) -> str:
    """A deadline in local time; one at midnight is the end of the day before ("11-29 24:00"),
    which is how the law counts it — "11-30" would read as a day more than there is."""
    local = to_local(value, tz)
    if local.time() == time(0, 0):
        return (local.date() - timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def field_value(case: Case, name: str, t: Texts, tz: str) -> str:
    value = getattr(case, name)
    kind = FIELDS[name].kind if name in FIELDS else "text"
    if kind == "choice":
        return escape(t.label(name, value))
    if kind == "flag":
        return escape(t.label(name, None if value is None else "yes" if value else "no"))
    if kind == "days":
        return t("deadlines.days", n=value) if value is not None else t("card.unset")
    if name == "amount_fen":
        if value is None:
            return t("card.unset")
        return escape(t("card.amount", amount=format_fen(value), quantity=case.quantity))
    if kind == "amount":
        return format_fen(value) if value is not None else t("card.unset")
    if kind == "moment":
        return moment(value, tz, t)
    if kind == "quantity":
        return str(value)
    return escape(value) if value else t("card.unset")


def case_title(case: Case, t: Texts) -> str:
    status = t(f"status.{case.status}")
    return t("card.title", number=case.number, status=status)


def case_card(case: Case, t: Texts, tz: str) -> str:
    lines = [f"<b>{escape(case_title(case, t))}</b>"]
    for name in CARD_FIELDS:
        lines.append(f"{t('field.' + name)}：{field_value(case, name, t, tz)}")
    for name, field in FIELDS.items():  # the rarer facts only once known
        if field.more and getattr(case, name) is not None:
            lines.append(f"{t('field.' + name)}：{field_value(case, name, t, tz)}")
    if case.notes:
        lines.append(f"{t('field.notes')}：{escape(case.notes)}")
    lines.append(evidence_card_line(case, t))
    price_line = price_card_line(case, t)
    if price_line is not None:
        lines.append(price_line)
    lines.append(timeline_card_line(case, t, tz))
    lines.append(t("card.created", at=moment(case.created_at, tz, t)))
    if case.status == CaseStatus.CLOSED and case.closed_at:
        lines.append(t("card.closed_at", at=moment(case.closed_at, tz, t)))
    return "\n".join(lines)


def case_line(case: Case, t: Texts) -> str:
    bits = [t.label("problem_type", case.problem_type)]
    if case.item:
        bits.append(case.item)
    elif case.shop_name:
        bits.append(case.shop_name)
    if case.amount_fen is not None:
        bits.append(format_fen(case.amount_fen))
    marker = "🟢" if case.status == CaseStatus.OPEN else "⚪"
    return f"{marker} #{case.number} {t.label('platform', case.platform)} · {' · '.join(bits)}"


def case_list(page: CasePage, t: Texts) -> str:
    if page.total == 0:
        return t("cases.empty")
    return t("cases.header", total=page.total, page=page.page + 1, pages=page.pages)


# a long description can miss the same thing many times over: a few lines, each short, say it
# and keep the summary within a Telegram message
NOT_GUESSED_SHOWN = 5
FRAGMENT_SHOWN = 60


def _fragment(text: str) -> str:
    return text if len(text) <= FRAGMENT_SHOWN else text[: FRAGMENT_SHOWN - 1] + "…"


def intake_summary(draft: IntakeDraft, t: Texts, tz: str) -> str:
    lines = [t("intake.found")]
    platform = draft.platform.value if draft.platform else None
    rows: list[tuple[str, str | None]] = [
        ("platform", t.label("platform", platform) if platform else t("intake.default_platform")),
        (
            "problem_type",
            t.label("problem_type", draft.problem_type.value) if draft.problem_type else None,
        ),
        ("category", t.label("category", draft.category.value) if draft.category else None),
        ("item", draft.item),
        ("shop_name", draft.shop_name),
        ("order_no", draft.order_no),
        (
            "amount_fen",
            t("card.amount", amount=format_fen(draft.amount_fen), quantity=draft.quantity or 1)
            if draft.amount_fen is not None
            else None,
        ),
        ("ordered_at", moment(draft.ordered_at, tz, t) if draft.ordered_at else None),
        ("signed_at", moment(draft.signed_at, tz, t) if draft.signed_at else None),
        ("live_room_id", draft.live_room_id),
    ]
    for name, shown in rows:
        if shown:
            lines.append(f"• {t('field.' + name)}：{escape(shown)}")
    if draft.seller_silent_days:
        lines.append(t("intake.seller_silent", days=draft.seller_silent_days))
    for refusal in list(dict.fromkeys(draft.refused))[:NOT_GUESSED_SHOWN]:
        reason = (
            t(f"intake.refused.{refusal.code}") if t.has(f"intake.refused.{refusal.code}") else ""
        )
        lines.append(
            t(
                "intake.not_guessed",
                field=t("field." + refusal.field) if t.has("field." + refusal.field) else "",
                fragment=escape(_fragment(refusal.fragment)),
                reason=reason,
            )
        )
    return "\n".join(lines)
