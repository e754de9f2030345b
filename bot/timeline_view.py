"""The case timeline and the advisor as the shopper reads them (HTML)."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.i18n import Texts
from shopguard.case_timeline import Digest, Logged
from shopguard.db.models import Case
from shopguard.escalation import Advice, Guide, Step, TimelineEntry
from shopguard.escalation.steps import Action
from shopguard.money import format_fen
from shopguard.timezones import to_local

CHOICE_FIELDS = ("channel", "response", "after_sales_type", "ruling", "body", "outcome")


def when(at: datetime, tz: str) -> str:
    return to_local(at, tz).strftime("%Y-%m-%d %H:%M")


def entry_text(entry: TimelineEntry, t: Texts) -> str:
    """What happened, without the time: "Seller replied: refused"."""
    details = []
    for name in CHOICE_FIELDS:
        value = getattr(entry, name)
        if value is not None:
            details.append(t(f"timeline.{name}.{value.value}"))
    if entry.offer_fen is not None:
        details.append(t("timeline.offer", amount=format_fen(entry.offer_fen)))
    if entry.amount_recovered_fen is not None:
        details.append(t("timeline.recovered", amount=format_fen(entry.amount_recovered_fen)))
    if entry.reference:
        details.append(t("timeline.reference", reference=escape(entry.reference)))
    head = t(f"timeline.kind.{entry.kind.value}")
    return f"{head}：{'，'.join(details)}" if details else head


def entry_line(entry: TimelineEntry, t: Texts, tz: str) -> str:
    return f"{when(entry.at, tz)} · {entry_text(entry, t)}"


def card_line(case: Case, t: Texts, tz: str) -> str:
    """The card's short timeline: the count and the latest steps."""
    digest = Digest.from_json(case.timeline_digest)
    if digest.count == 0:
        return t("timeline.card_empty")
    lines = [t("timeline.card", count=digest.count)]
    lines += [f"  {entry_line(e, t, tz)}" for e in digest.recent]
    return "\n".join(lines)


def full_timeline(case: Case, timeline: list[Logged], t: Texts, tz: str) -> str:
    head = f"<b>{t('timeline.full_title', number=case.number)}</b>"
    if not timeline:
        return head + "\n" + t("timeline.full_empty")
    rows = [f"{n}. {entry_line(item.entry, t, tz)}" for n, item in enumerate(timeline, 1)]
    return "\n".join([head, *rows])


def step_name(step: Step, t: Texts) -> str:
    return t(f"advice.step.{step.value}")


def _guide(guide: Guide, t: Texts) -> list[str]:
    joiner = " → " if guide.route_kind == "path" else t("advice.or")
    lines = [f"<i>{step_name(guide.step, t)}</i>：{escape(joiner.join(guide.route))}"]
    if guide.robot_phrases:
        phrases = "、".join(f"「{escape(p)}」" for p in guide.robot_phrases)
        lines.append("  " + t("advice.robot", phrases=phrases))
    if guide.robot_hint:
        lines.append("  " + escape(guide.robot_hint))
    if guide.good_times:
        lines.append("  " + escape(guide.good_times))
    lines += [f"  • {escape(item.text)}" for item in guide.include]
    if guide.note:
        lines.append("  " + escape(guide.note))
    if guide.caveat:
        lines.append("  <i>" + escape(guide.caveat) + "</i>")
    return lines


def _moment(value: datetime, tz: str) -> str:
    local = to_local(value, tz)
    if (local.hour, local.minute) == (0, 0):  # the end of the day before, as the law counts
        return (local.date() - timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def advice_text(case: Case, advice: Advice, t: Texts, tz: str, *, draft_button: bool) -> str:
    lang = t.language
    if advice.summary is not None:
        return summary_text(case, advice, t, tz)
    lines = [f"⚠️ <b>{escape(w.text(lang))}</b>" for w in advice.warnings]
    if lines:
        lines.append("")
    lines.append(f"<b>{t('advice.title', number=case.number)}</b>")
    action = "wait" if advice.action is Action.WAIT else "act"
    lines.append(t(f"advice.{action}", step=step_name(advice.step, t)))
    if advice.parallel:
        names = "、".join(step_name(s, t) for s in advice.parallel)
        lines.append(t("advice.parallel", steps=names))
    if advice.alternative is not None:
        lines.append(t("advice.alternative", step=step_name(advice.alternative, t)))
    lines += ["", f"<b>{t('advice.why')}</b>"]
    lines += [f"• {escape(r.text(lang))}" for r in advice.reasons]
    if advice.act_by:
        lines += ["", f"<b>{t('advice.act_by')}</b>"]
        title = "title_zh" if lang.value == "zh" else "title_en"
        lines += [f"• {escape(getattr(a, title))}：{_moment(a.due_at, tz)}" for a in advice.act_by]
    if advice.missing_evidence:
        lines += ["", f"<b>{t('advice.missing')}</b>"]
        for item in advice.missing_evidence:
            level = t("advice.required" if item.required else "advice.recommended")
            lines.append(f"• {t('evidence.kind.' + item.kind)}（{level}）")
    if advice.prepare:
        lines += ["", f"<b>{t('advice.prepare')}</b>"]
        lines += [f"• {escape(p.text(lang))}" for p in advice.prepare]
    if advice.drafts:
        names = "、".join(t(f"advice.draft.{d.value}") for d in advice.drafts)
        hint = "advice.draft_button" if draft_button else "advice.draft_text"
        lines += ["", t(hint, drafts=names)]
    guides = advice.guides_in(lang)
    if guides:
        lines += ["", f"<b>{t('advice.where')}</b>"]
        for guide in guides:
            lines += _guide(guide, t)
    if advice.next_step_at is not None and advice.then is not None:
        at = _moment(advice.next_step_at, tz)
        lines += ["", t("advice.next", step=step_name(advice.then, t), at=at)]
    return "\n".join(lines)


def summary_text(case: Case, advice: Advice, t: Texts, tz: str) -> str:
    summary = advice.summary
    assert summary is not None
    lines = [f"✅ <b>{t('advice.resolved_title', number=case.number)}</b>"]
    lines.append(t("advice.outcome", outcome=t(f"timeline.outcome.{summary.outcome.value}")))
    recovered = format_fen(summary.amount_recovered_fen)
    if summary.amount_fen is not None:
        paid = format_fen(summary.amount_fen)
        lines.append(t("advice.recovered_of", amount=recovered, paid=paid))
    else:
        lines.append(t("advice.recovered", amount=recovered))
    lines.append(
        t(
            "advice.took",
            days=summary.days_taken,
            start=when(summary.started_at, tz),
            end=when(summary.resolved_at, tz),
        )
    )
    return "\n".join(lines)


def stats_text(opened: int, resolved: int, recovered_fen: int, t: Texts) -> str:
    return t("stats.text", opened=opened, resolved=resolved, recovered=format_fen(recovered_fen))


def follow_up_text(advice: Advice, case: Case, t: Texts) -> str:
    """The reminder set by "remind me then": the step that opens, on which case."""
    assert advice.then is not None
    return t("advice.reminder_text", number=case.number, step=step_name(advice.then, t))
