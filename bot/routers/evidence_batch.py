"""A batch: the files of one album, or the files sent before the shopper picked a case.

Updates of one shopper are handled one at a time (event isolation), so the dialog state can
follow a batch while its files arrive; the question about it is one message, edited as it grows.
Finished batches are dropped from the dialog state, so an idle shopper keeps no dialog row.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import evidence_keyboards as kb
from bot import evidence_render as er
from bot.i18n import Texts
from shopguard.cases import get_case
from shopguard.db.models import EvidenceItem
from shopguard.errors import NotFound
from shopguard.evidence import services
from shopguard.evidence.checklist import tally_report

PENDING = "ev_pending"  # files waiting for the shopper to pick a case
BATCH = "ev_batch"  # the batch files are being added to


async def forget(state: FSMContext, *keys: str, batch: str | None = None) -> None:
    """Drop finished dialog data (so an idle shopper keeps no dialog row); with ``batch``, the
    batch is dropped only if it is still the current one."""
    data = await state.get_data()
    if batch is not None and (data.get(BATCH) or {}).get("id") != batch:
        keys = tuple(k for k in keys if k != BATCH)
    if any(key in data for key in keys):
        await state.set_data({k: v for k, v in data.items() if k not in keys})


def new_batch(case_id: int, group: str | None) -> dict[str, Any]:
    return {"id": secrets.token_hex(5), "case_id": case_id, "group": group, "notes": []}


async def require_batch(db: AsyncSession, user_id: int, batch: str) -> list[EvidenceItem]:
    items = await services.batch_items(db, user_id, batch)
    if not items:
        raise NotFound("batch")
    return items


async def batch_view(
    db: AsyncSession,
    user_id: int,
    batch_id: str,
    t: Texts,
    notes: list[Any] | None = None,
    items: list[EvidenceItem] | None = None,
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The batch's question; ``items`` are read unless the caller knows them all."""
    if items is None:
        items = await services.batch_items(db, user_id, batch_id)
    if not items:
        return None
    case = await get_case(db, user_id, items[0].case_id)
    report = tally_report(case.problem_type, case.evidence_tally)
    lines = [
        t(
            "evidence.batch.saved",
            case=er.case_heading(case, t),
            count=len(items),
        )
    ]
    lines.extend(item_line(index, item, t) for index, item in enumerate(items, 1))
    if notes:
        lines.append(notes_text(notes, t))
    lines.append("")
    lines.append(t("evidence.batch.ask_one" if len(items) == 1 else "evidence.batch.ask_many"))
    markup = kb.batch_question(t, batch_id, report.missing_kinds(), len(items))
    return "\n".join(lines), markup


def item_line(index: int, item: EvidenceItem, t: Texts) -> str:
    parts = [er.media_label(t, item.media)]
    if item.file_name:
        parts.append(escape(item.file_name))
    parts.append(er.format_size(item.size))
    if item.duration_s:
        parts.append(er.format_duration(item.duration_s))
    if item.kind:
        parts.append(escape(er.kind_label(t, item.kind)))
    line = f"{index}. " + " · ".join(parts)
    if item.not_stored_reason:
        line += "\n   " + t(f"evidence.not_stored.{item.not_stored_reason}")
    return line


def notes_text(notes: list[Any], t: Texts) -> str:
    return "\n".join(t(f"evidence.batch.note.{key}", **params) for key, params in notes)
