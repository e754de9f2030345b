"""What the shopper reads about price protection (价保): the price screen, the answer to a
reported price, the watch's alerts, and their keyboards."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CaseCb
from bot.complaint_callbacks import CpCaseCb
from bot.deadline_view import case_label
from bot.i18n import Texts
from bot.keyboard import Keyboard
from bot.keyboards import cancel_button
from bot.price_callbacks import PriceCb
from bot.reminder_notifier import duration
from bot.render import deadline_moment, moment
from shopguard.case_deadlines import case_deadlines
from shopguard.db.models import Case, PriceObservation, PriceWatchRow
from shopguard.money import format_fen
from shopguard.price_protection import (
    WINDOW_RULE,
    PriceReport,
    paid_unit_fen,
    protection_window,
)
from shopguard.prices import Alert, PriceWatch

HISTORY_SHOWN = 5
FETCH_FAILURES = frozenset(
    {
        "bad_url",
        "blocked_port",
        "blocked_address",
        "dns_failure",
        "connect_failed",
        "timeout",
        "too_large",
        "http_status",
        "not_html",
        "too_many_redirects",
        "network",
    }
)


def refund_lines(paid: int, now_fen: int, quantity: int, refund: int, t: Texts) -> list[str]:
    return [
        t("price.lower", paid=format_fen(paid)),
        t(
            "price.refund",
            paid=format_fen(paid),
            now=format_fen(now_fen),
            quantity=quantity,
            refund=format_fen(refund),
        ),
    ]


def screenshots(t: Texts) -> str:
    return t("price.screenshots")


def report_text(report: PriceReport, t: Texts, tz: str, now: datetime) -> str:
    price, case = report.price, report.case
    lines = [t("price.recorded", price=format_fen(price.amount_fen), at=moment(now, tz, t))]
    window = report.window
    if report.kind == "refund":
        assert report.paid_unit_fen is not None and report.refund_fen is not None
        assert window is not None
        lines += refund_lines(
            report.paid_unit_fen, price.amount_fen, case.quantity, report.refund_fen, t
        )
        lines.append(window_line(case, t, tz, now))
        lines.append(screenshots(t))
    elif report.kind == "window_closed":
        assert window is not None
        lines.append(t("price.window_closed", end=deadline_moment(window.due_at, tz)))
    elif report.kind == "not_started":
        assert window is not None
        lines.append(t("price.not_started", start=moment(window.starts_at, tz, t)))
    elif report.kind == "not_lower":
        assert report.paid_unit_fen is not None
        lines.append(t("price.not_lower", paid=format_fen(report.paid_unit_fen)))
    elif report.kind == "no_paid_price":
        lines.append(t("price.need_paid"))
    else:
        lines.append(no_window_text(case, t, tz))
    return "\n".join(lines)


def no_window_text(case: Case, t: Texts, tz: str) -> str:
    missing = next((m for m in case_deadlines(case, tz).missing if m.rule_id == WINDOW_RULE), None)
    if missing is None:
        return t("price.no_window_rule")
    return t("price.need_fact", field=t(f"field.{missing.fact}"))


def window_line(case: Case, t: Texts, tz: str, now: datetime) -> str:
    window = protection_window(case, tz)
    if window is None:
        return no_window_text(case, t, tz)
    end = deadline_moment(window.due_at, tz)
    if now >= window.due_at:
        return t("price.window_ended", end=end)
    return t("price.window_until", end=end, left=duration(window.due_at - now, t))


def screen_text(
    case: Case,
    history: list[PriceObservation],
    watch: PriceWatchRow | None,
    t: Texts,
    tz: str,
    now: datetime,
) -> str:
    lines = [f"<b>{escape(t('price.title', case=case_label(case, t)))}</b>"]
    paid = paid_unit_fen(case)
    lines.append(
        t("price.paid", paid=format_fen(paid), quantity=case.quantity)
        if paid is not None
        else t("price.need_paid")
    )
    lines.append(window_line(case, t, tz, now))
    if watch is not None and watch.status == "active":
        lines.append(t("price.watching", url=escape(watch.url)))
    elif watch is not None:
        lines.append(t("price.watch_stopped", url=escape(watch.url)))
    else:
        lines.append(t("price.not_watching"))
    if history:
        lines.append(t("price.history"))
        for row in history[-HISTORY_SHOWN:]:
            lines.append(history_line(row, t, tz))
    else:
        lines.append(t("price.no_history"))
    lines.append(t("price.how_to_report"))
    return "\n".join(lines)


def history_line(row: PriceObservation, t: Texts, tz: str) -> str:
    origin = t(f"price.origin.{row.origin}")
    if row.amount_fen is None:
        shown = t("price.unreadable_mark")
    elif row.currency in (None, "CNY"):
        shown = format_fen(row.amount_fen)
    else:
        shown = f"{escape(row.currency or '')} {row.amount_fen // 100}.{row.amount_fen % 100:02d}"
    return f"• {moment(row.at, tz, t)}  {shown}（{origin}）"


def alert_text(case: Case, alert: Alert, watch: PriceWatch, t: Texts, tz: str) -> str:
    lines = [f"<b>{t('price.alert_title')}</b> · {escape(case_label(case, t))}"]
    lines.append(
        t("price.page_price", price=format_fen(alert.unit_price_fen), at=moment(alert.at, tz, t))
    )
    lines += refund_lines(
        watch.paid_unit_fen, alert.unit_price_fen, watch.quantity, alert.refund_fen, t
    )
    if alert.extra_fen != alert.refund_fen:
        lines.append(t("price.extra", extra=format_fen(alert.extra_fen)))
    lines.append(t("price.window_until_short", end=deadline_moment(watch.ends_at, tz)))
    lines.append(screenshots(t))
    return "\n".join(lines)


def unreadable_text(case: Case, reason: str, t: Texts) -> str:
    if reason == "other_currency":
        why = t("price.why.currency")
    elif reason in FETCH_FAILURES:
        why = t("price.why.fetch")
    else:
        why = t("price.why.page")
    return t("price.unreadable", case=escape(case_label(case, t)), why=why)


def ended_text(case: Case, t: Texts) -> str:
    return t("price.watch_ended", case=escape(case_label(case, t)))


# --- keyboards ---------------------------------------------------------------------------------


def _button(text: str, action: str, case_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=PriceCb(action=action, case_id=case_id).pack()
    )


def claim_keyboard(case_id: int, t: Texts) -> InlineKeyboardMarkup:
    """After a drop: the claim draft, the full complaint dialog, the chart, the price screen."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("price.button.claim"), "claim", case_id)],
            [complaint_button(case_id, t)],
            [
                _button(t("price.button.chart"), "chart", case_id),
                _button(t("price.button.screen"), "show", case_id),
            ],
        ]
    )


def complaint_button(case_id: int, t: Texts) -> InlineKeyboardButton:
    """The complaint drafts' own entry (every channel, evidence list, reply deadline)."""
    entry = CpCaseCb(action="channels", case_id=case_id).pack()
    return InlineKeyboardButton(text=t("price.button.complaint"), callback_data=entry)


def screen_keyboard(case: Case, watch: PriceWatchRow | None, t: Texts) -> InlineKeyboardMarkup:
    assert case.id is not None
    kb = Keyboard()
    kb.row(_button(t("price.button.report"), "report", case.id))
    if watch is not None and watch.status == "active":
        kb.row(_button(t("price.button.unwatch"), "unwatch", case.id))
    else:
        kb.row(_button(t("price.button.watch"), "watch", case.id))
    kb.row(
        _button(t("price.button.chart"), "chart", case.id),
        _button(t("price.button.claim"), "claim", case.id),
    )
    back = CaseCb(action="open", case_id=case.id).pack()
    kb.row(InlineKeyboardButton(text=t("button.back"), callback_data=back))
    return kb.as_markup()


def edit_keyboard(case_id: int, t: Texts) -> InlineKeyboardMarkup:
    """A fact is missing: edit the case, or go back to the price screen."""
    fields = CaseCb(action="fields", case_id=case_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t("button.edit"), callback_data=fields)],
            [_button(t("price.button.screen"), "show", case_id)],
        ]
    )


def prompt_keyboard(case_id: int, t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("button.back"), "show", case_id), cancel_button(t)]]
    )
