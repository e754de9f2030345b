"""Deadlines and reminder settings as the shopper reads them (HTML), in their language and zone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from bot.i18n import Texts
from bot.reminder_notifier import duration
from bot.render import deadline_moment
from shopguard.case_deadlines import case_deadlines
from shopguard.db.models import Case
from shopguard.deadlines import AWAITING_EVENTS, FACT_LABELS, Deadline, DeadlineReport
from shopguard.deadlines.calendar_export import CalendarEvent, calendar_text, deadline_uid
from shopguard.reminders.schedule import DEFAULT_OFFSETS, DEFAULT_QUIET, ReminderPrefs

LIST_LIMIT = 20
CARD_FULL = 4  # deadlines shown in full on a case card (a card must stay under 4096 chars)
CALENDAR_ALARM_DEFAULT = (24 * 60,)  # minutes; when the shopper turned reminders off


@dataclass(frozen=True)
class CaseDeadline:
    case: Case
    deadline: Deadline


def title(deadline: Deadline, t: Texts) -> str:
    return deadline.title_zh if t.language == "zh" else deadline.title_en


def case_label(case: Case, t: Texts) -> str:
    what = case.item or t.label("problem_type", case.problem_type)
    return t("reminder.case", number=case.number, platform=t.label("platform", case.platform)) + (
        f" · {what}"
    )


def _due_line(deadline: Deadline, t: Texts, tz: str, now: datetime | None) -> str:
    due = deadline_moment(deadline.due_at, tz)
    if now is None:
        return t(f"deadlines.{deadline.kind}", due=due)
    left = duration(deadline.due_at - now, t)
    return t(f"deadlines.{deadline.kind}_left", due=due, left=left)


def _rule_line(deadline: Deadline, t: Texts) -> str:
    if deadline.typical:
        return t("deadlines.typical", source=escape(deadline.source))
    confidence = t(f"deadlines.confidence.{deadline.confidence}")
    return t("deadlines.rule", source=escape(deadline.source), confidence=confidence)


def card_section(case: Case, t: Texts, tz: str, now: datetime | None) -> str:
    """The deadlines block of a case card: upcoming ones in full (conservative moment, time
    left, rule and source), passed ones in one line, exclusions with their reason, and which
    missing fact would add which deadline."""
    report = case_deadlines(case, tz)
    ahead = [d for d in report.deadlines if now is None or d.due_at > now]
    passed = [d for d in report.deadlines if now is not None and d.due_at <= now]
    lines = [t("deadlines.card_header", tz=tz)]
    for deadline in ahead[:CARD_FULL]:
        lines.append(f"• <b>{escape(title(deadline, t))}</b>")
        lines.append("  " + _due_line(deadline, t, tz, now))
        lines.append("  " + _rule_line(deadline, t))
        note = deadline.note_zh if t.language == "zh" else deadline.note_en
        if deadline.typical and note:  # what to check on the order page, and why
            lines.append("  " + escape(note))
    for deadline in ahead[CARD_FULL:]:  # far off: one line each keeps the card short
        due = deadline_moment(deadline.due_at, tz)
        lines.append(t("deadlines.later", title=escape(title(deadline, t)), due=due))
    for deadline in reversed(passed):
        key = f"deadlines.passed_{deadline.kind}"
        lines.append(
            t(key, title=escape(title(deadline, t)), due=deadline_moment(deadline.due_at, tz))
        )
    for exclusion in report.exclusions:
        excluded = exclusion.title_zh if t.language == "zh" else exclusion.title_en
        reason = exclusion.reason_zh if t.language == "zh" else exclusion.reason_en
        lines.append(t("deadlines.excluded", title=escape(excluded), reason=escape(reason)))
    lines += _missing_lines(report, t)
    if len(lines) == 1:
        lines.append(t("deadlines.card_none"))
    return "\n".join(lines)


def _missing_lines(report: DeadlineReport, t: Texts) -> list[str]:
    """ "Add the 签收 time to see: …" — only for facts a case normally has, not for dispute
    steps that may simply not have happened yet."""
    by_fact: dict[str, list[str]] = defaultdict(list)  # the fact's words → the deadlines
    for missing in report.missing:
        if missing.fact not in AWAITING_EVENTS:
            zh, en = FACT_LABELS[missing.fact]
            name = missing.title_zh if t.language == "zh" else missing.title_en
            by_fact[zh if t.language == "zh" else en].append(name)
    separator = "、" if t.language == "zh" else "; "
    return [
        t("deadlines.missing", fact=escape(fact), titles=escape(separator.join(titles)))
        for fact, titles in by_fact.items()
    ]


def upcoming(cases: list[Case], tz: str, now: datetime) -> list[CaseDeadline]:
    """Every deadline still ahead across the cases, soonest first."""
    found = [
        CaseDeadline(case, deadline)
        for case in cases
        for deadline in case_deadlines(case, tz).deadlines
        if deadline.due_at > now
    ]
    found.sort(key=lambda item: (item.deadline.due_at, item.case.number, item.deadline.rule_id))
    return found


def deadline_list(items: list[CaseDeadline], t: Texts, tz: str, now: datetime) -> str:
    if not items:
        return t("deadlines.none")
    lines = [t("deadlines.header", count=len(items), tz=tz)]
    for number, item in enumerate(items[:LIST_LIMIT], start=1):
        deadline = item.deadline
        lines.append(
            f"{number}. <b>{escape(title(deadline, t))}</b>\n"
            f"   {escape(case_label(item.case, t))}\n"
            f"   {_due_line(deadline, t, tz, now)}"
        )
        if deadline.typical:
            lines.append("   " + t("deadlines.typical_short"))
    if len(items) > LIST_LIMIT:
        lines.append(t("deadlines.more", count=len(items) - LIST_LIMIT))
    return "\n".join(lines)


def calendar_file(
    items: list[CaseDeadline], t: Texts, tz: str, now: datetime, prefs: ReminderPrefs
) -> bytes:
    alarms = tuple(
        timedelta(minutes=minutes) for minutes in (prefs.offsets or CALENDAR_ALARM_DEFAULT)
    )
    events = []
    for item in items:
        deadline, case = item.deadline, item.case
        assert case.id is not None
        note = deadline.note_zh if t.language == "zh" else deadline.note_en
        parts = [
            t("deadlines.ics_due", due=deadline_moment(deadline.due_at, tz), tz=tz),
            case_label(case, t),
            t("deadlines.ics_source", source=deadline.source),
        ]
        if deadline.typical:
            parts.append(t("deadlines.typical_short"))
        if note:
            parts.append(note)
        events.append(
            CalendarEvent(
                uid=deadline_uid(case.id, deadline.rule_id),
                deadline=deadline.due_at,
                summary=t("deadlines.ics_summary", title=title(deadline, t), number=case.number),
                description="\n".join(parts),
                alarms=alarms,
            )
        )
    return calendar_text(events, now=now, name=t("deadlines.ics_name")).encode("utf-8")


def offsets_words(offsets: tuple[int, ...], t: Texts) -> str:
    """ "3天、1天、3小时（默认）"."""
    separator = "、" if t.language == "zh" else ", "
    return separator.join(duration(timedelta(minutes=m), t) for m in offsets)


def default_mark(is_default: bool, t: Texts) -> str:
    return t("prefs.default") if is_default else ""


def prefs_text(prefs: ReminderPrefs, t: Texts, tz: str) -> str:
    offsets = t("prefs.offsets_none")
    if prefs.offsets:
        words = offsets_words(prefs.offsets, t)
        mark = default_mark(prefs.offsets == DEFAULT_OFFSETS, t)
        offsets = t("prefs.offsets", offsets=words, default=mark)
    lines = [t("prefs.header"), offsets]
    quiet = prefs.quiet
    if quiet is None:
        lines.append(t("prefs.quiet_none"))
    else:
        mark = default_mark(quiet == DEFAULT_QUIET, t)
        start, end = f"{quiet.start:%H:%M}", f"{quiet.end:%H:%M}"
        lines.append(t("prefs.quiet", start=start, end=end, tz=tz, default=mark))
        lines.append(t("prefs.quiet_rule", start=start))
    return "\n".join(lines)
