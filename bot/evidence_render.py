"""Evidence as the shopper reads it (HTML): lists, details, checklists, the bundle manifest."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.i18n import Texts
from shopguard.db.models import Case, EvidenceItem
from shopguard.evidence import unboxing
from shopguard.evidence.checklist import ChecklistReport, Completeness, tally_completeness
from shopguard.evidence.kinds import PHOTO_KINDS, SCREENSHOT_KINDS, EvidenceKind, Media
from shopguard.evidence.rules import checklist_for, evidence_rules
from shopguard.timezones import to_local

DESCRIPTION_IN_LIST = 60


def format_size(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def format_duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def when(instant: datetime | None, tz: str) -> str:
    """Local date and time to the minute (evidence times are always real instants)."""
    if instant is None:
        return "—"
    return to_local(instant, tz).strftime("%Y-%m-%d %H:%M")


def kind_label(t: Texts, kind: str | None) -> str:
    return t(f"evidence.kind.{kind}") if kind else t("evidence.kind_unset")


def media_label(t: Texts, media: str) -> str:
    return t.label("evidence.media", media)


def evidence_name(t: Texts, number: int) -> str:
    return t("evidence.name", number=number)


# ---------------------------------------------------------------------- items


def flags(item: EvidenceItem, t: Texts) -> list[str]:
    """What weakens this file as evidence, or what the shopper should know about it."""
    lines = []
    if item.not_stored_reason:
        lines.append(t(f"evidence.not_stored.{item.not_stored_reason}"))
    if item.media == Media.PHOTO:
        lines.append(t("evidence.flag.compressed"))
    elif item.original_at is None:
        lines.append(t("evidence.flag.no_time"))
    elif item.original_at > item.received_at:
        lines.append(t("evidence.flag.time_after_receipt"))
    if item.kind == EvidenceKind.UNBOXING_VIDEO:
        answers = unboxing.parse_answers(item.unboxing_answers)
        if unboxing.next_question(answers) is not None:
            lines.append(t("evidence.flag.unboxing_unchecked"))
        lines.extend(
            t("evidence.flag.weak", text=t(f"evidence.unboxing.weak.{q}"))
            for q in unboxing.weaknesses(answers)
        )
    return lines


def original_time(item: EvidenceItem, t: Texts, tz: str) -> str:
    if item.original_at is None:
        return t("evidence.original_unknown")
    source = t(f"evidence.original_source.{item.original_source or 'exif'}")
    if item.camera:
        source = f"{source} · {escape(item.camera)}"
    return t("evidence.original_at", at=when(item.original_at, tz), source=source)


def item_summary(number: int, item: EvidenceItem, t: Texts, tz: str) -> str:
    """Two or three lines for the case's evidence list."""
    marker = " ⚠️" if flags(item, t) else ""
    head = f"<b>{evidence_name(t, number)}</b> · {escape(kind_label(t, item.kind))}{marker}"
    lines = [head]
    if item.description:
        text = item.description
        if len(text) > DESCRIPTION_IN_LIST:
            text = text[: DESCRIPTION_IN_LIST - 1] + "…"
        lines.append(f"  “{escape(text)}”")
    lines.append(
        "  "
        + t(
            "evidence.list_facts",
            original=original_time(item, t, tz),
            received=when(item.received_at, tz),
            size=format_size(item.size),
        )
    )
    return "\n".join(lines)


def item_detail(case: Case, number: int, item: EvidenceItem, t: Texts, tz: str) -> str:
    name = escape(item.file_name) if item.file_name else t("evidence.no_name")
    media = media_label(t, item.media)
    duration = format_duration(item.duration_s)
    lines = [
        t(
            "evidence.detail.title",
            name=evidence_name(t, number),
            kind=escape(kind_label(t, item.kind)),
            case=case.number,
        ),
        t(
            "evidence.detail.description",
            text=escape(item.description) or t("evidence.no_description"),
        ),
        t(
            "evidence.detail.file",
            media=media,
            name=name,
            size=format_size(item.size),
            duration=f" · {duration}" if duration else "",
        ),
        t("evidence.detail.original", text=original_time(item, t, tz)),
        t("evidence.detail.received", at=when(item.received_at, tz)),
    ]
    if item.sha256:
        lines.append(t("evidence.detail.sha256", sha=item.sha256))
    lines.extend(flags(item, t))
    return "\n".join(lines)


def case_heading(case: Case, t: Texts) -> str:
    return t(
        "evidence.case_heading",
        number=case.number,
        platform=escape(t.label("platform", case.platform)),
        problem=escape(t.label("problem_type", case.problem_type)),
    )


def evidence_list(
    case: Case, items: list[tuple[int, EvidenceItem]], page: int, size: int, t: Texts, tz: str
) -> str:
    head = [f"<b>{case_heading(case, t)}</b>", t("evidence.list.count", count=len(items))]
    completeness = tally_completeness(case.problem_type, case.evidence_tally)
    head.append(completeness_text(completeness, t))
    shown = items[page * size : (page + 1) * size]
    body = [item_summary(number, item, t, tz) for number, item in shown]
    if not items:
        body.append(t("evidence.list.empty"))
    return "\n".join(head) + "\n\n" + "\n\n".join(body)


# ---------------------------------------------------------------------- checklist


def completeness_text(completeness: Completeness, t: Texts, key: str = "completeness") -> str:
    text = t(
        f"evidence.{key}",
        count=completeness.evidence_count,
        covered=completeness.required_covered,
        total=completeness.required_total,
        percent=completeness.percent,
    )
    if completeness.recommended_total:
        text += t(
            "evidence.completeness_recommended",
            covered=completeness.recommended_covered,
            total=completeness.recommended_total,
        )
    return text


def card_line(case: Case, t: Texts) -> str:
    """The evidence line of a case card: how many files, how complete."""
    completeness = tally_completeness(case.problem_type, case.evidence_tally)
    return completeness_text(completeness, t, key="card")


def missing_text(report: ChecklistReport, t: Texts) -> str:
    missing = [s for s in report.missing() if s.item.required] or report.missing()
    if not missing:
        return t("evidence.nothing_missing")
    names = "、".join(t(f"evidence.need.{s.item.id}") for s in missing)
    return t("evidence.still_missing", items=names)


def checklist_text(
    case: Case, report: ChecklistReport, items: list[tuple[int, EvidenceItem]], t: Texts
) -> str:
    lines = [
        f"<b>{t('evidence.checklist.title', number=case.number)}</b>",
        t("evidence.checklist.problem", problem=escape(t.label("problem_type", case.problem_type))),
    ]
    for level in ("required", "recommended"):
        statuses = [s for s in report.statuses if s.item.level == level]
        if not statuses:
            continue
        lines.append(f"\n<b>{t(f'evidence.checklist.{level}')}</b>")
        for status in statuses:
            label = t(f"evidence.need.{status.item.id}")
            if status.covered_by is not None:
                lines.append(
                    t(
                        "evidence.checklist.covered",
                        item=label,
                        by=evidence_name(t, status.covered_by),
                    )
                )
            elif status.ticked:
                lines.append(t("evidence.checklist.ticked", item=label))
            else:
                lines.append(t("evidence.checklist.open", item=label))
    lines.append("\n" + completeness_text(report.completeness, t))
    lines.extend(unboxing_review(items, t))
    checklist = checklist_for(case.problem_type)
    lines.append(
        t(
            "evidence.checklist.source",
            source=escape(checklist.source),
            confidence=t(f"evidence.confidence.{checklist.confidence}"),
        )
    )
    return "\n".join(lines)


def unboxing_review(items: list[tuple[int, EvidenceItem]], t: Texts) -> list[str]:
    """Weaknesses of the case's unboxing videos, from the check stored with each."""
    lines = []
    for number, item in items:
        if item.kind != EvidenceKind.UNBOXING_VIDEO:
            continue
        answers = unboxing.parse_answers(item.unboxing_answers)
        weak = unboxing.weaknesses(answers)
        if weak:
            lines.append(t("evidence.unboxing.weak_title", name=evidence_name(t, number)))
            lines.extend(f"• {t(f'evidence.unboxing.weak.{q}')}" for q in weak)
        elif unboxing.next_question(answers) is not None:
            lines.append(t("evidence.unboxing.unchecked", name=evidence_name(t, number)))
    return ["\n" + "\n".join(lines)] if lines else []


# ---------------------------------------------------------------------- guidance


def tips(kind: str | None, t: Texts) -> str | None:
    if kind in SCREENSHOT_KINDS:
        return t("evidence.tips.screenshot")
    if kind in PHOTO_KINDS:
        return t("evidence.tips.photo")
    if kind == EvidenceKind.UNBOXING_VIDEO:
        return t("evidence.tips.video")
    return None


def unboxing_guide(t: Texts) -> str:
    lines = [f"<b>{t('evidence.unboxing.title')}</b>", t("evidence.unboxing.intro")]
    for phase, steps in unboxing.guide_phases():
        lines.append(f"\n<b>{t(f'evidence.unboxing.phase.{phase}')}</b>")
        lines.extend(f"☐ {t(f'evidence.unboxing.step.{step}')}" for step in steps)
    rules = evidence_rules().unboxing
    lines.append(
        "\n"
        + t("evidence.unboxing.advice", confidence=t(f"evidence.confidence.{rules.confidence}"))
    )
    return "\n".join(lines)


def unboxing_question(number: int, question: str, t: Texts) -> str:
    position = unboxing.questions().index(question) + 1
    return t(
        "evidence.unboxing.ask",
        name=evidence_name(t, number),
        position=position,
        total=len(unboxing.questions()),
        question=t(f"evidence.unboxing.q.{question}"),
    )


def unboxing_result(number: int, answers: dict[str, str], t: Texts) -> str:
    weak = unboxing.weaknesses(answers)
    if not weak:
        return t("evidence.unboxing.all_good", name=evidence_name(t, number))
    lines = [t("evidence.unboxing.weak_title", name=evidence_name(t, number))]
    lines.extend(f"• {t(f'evidence.unboxing.weak.{q}')}" for q in weak)
    lines.append(t("evidence.unboxing.weak_hint"))
    return "\n".join(lines)
