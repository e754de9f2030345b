"""manifest.txt of an evidence bundle: plain text in the shopper's language, one block per
piece of evidence — number, file in the ZIP (or why not), kind, description, original and
received time, size, SHA-256, Telegram file id, original name, and any flags."""

from __future__ import annotations

from datetime import datetime

from bot.evidence_render import evidence_name, flags, format_size, kind_label, when
from bot.i18n import Texts
from shopguard.db.models import Case
from shopguard.evidence.bundle import BundleEntry, BundlePlan


def manifest(case: Case, plan: BundlePlan, part: int, t: Texts, tz: str, now: datetime) -> str:
    """manifest.txt: plain text (no HTML), one block per piece of evidence."""
    lines = [
        t(
            "evidence.manifest.title",
            number=case.number,
            platform=t.label("platform", case.platform),
            problem=t.label("problem_type", case.problem_type),
        ),
        t("evidence.manifest.order", order_no=case.order_no or "—"),
        t("evidence.manifest.exported", at=when(now, tz), tz=tz),
        t("evidence.manifest.part", part=part, parts=plan.parts),
        t("evidence.manifest.note"),
        "",
    ]
    for entry in plan.entries:
        lines.extend(_manifest_entry(entry, part, t, tz))
        lines.append("")
    return "\n".join(lines)


def _manifest_entry(entry: BundleEntry, part: int, t: Texts, tz: str) -> list[str]:
    item = entry.item
    if entry.part == part:
        where = t("evidence.manifest.here", name=entry.arcname)
    elif entry.part is not None:
        where = t("evidence.manifest.other_part", name=entry.arcname, part=entry.part)
    else:
        where = t(f"evidence.manifest.excluded.{entry.excluded}")
    original = (
        t(
            "evidence.manifest.original",
            at=when(item.original_at, tz),
            source=t(f"evidence.original_source.{item.original_source or 'exif'}"),
        )
        if item.original_at
        else t("evidence.original_unknown")
    )
    rows = [
        ("file", where),
        ("kind", kind_label(t, item.kind)),
        ("description", (item.description or t("evidence.no_description")).replace("\n", "\n    ")),
        ("original", original + (f" · {item.camera}" if item.camera else "")),
        ("received", when(item.received_at, tz)),
        ("size", _exact_size(item.size)),
        ("sha256", item.sha256 or t("evidence.manifest.no_hash")),
        ("file_id", item.file_id),
        ("name", item.file_name or "—"),
    ]
    block = [evidence_name(t, entry.number)]
    block.extend(f"  {t(f'evidence.manifest.field.{key}')}: {value}" for key, value in rows)
    block.extend(f"  ! {_plain(flag)}" for flag in flags(item, t))
    return block


def _exact_size(size: int | None) -> str:
    shown = format_size(size)
    return f"{shown} ({size} B)" if size is not None and size >= 1024 else shown


def _plain(text: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        text = text.replace(tag, "")
    return text
