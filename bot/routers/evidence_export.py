"""Export a case's evidence bundle: ZIP part(s) with every stored file and manifest.txt, sent
as documents, each part under the Bot API upload limit."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from datetime import datetime
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, FSInputFile
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.evidence_callbacks import EvCaseCb
from bot.evidence_context import EvidenceLocker
from bot.evidence_manifest import manifest as render_manifest
from bot.i18n import Texts
from bot.reply import alert
from shopguard.errors import NotFound
from shopguard.evidence import services
from shopguard.evidence.bundle import BundlePlan, plan_bundle, write_part


def register(r: Router) -> None:
    r.callback_query.register(on_export, EvCaseCb.filter(F.action == "export"))


async def on_export(
    query: CallbackQuery,
    callback_data: EvCaseCb,
    db: AsyncSession,
    locker: EvidenceLocker,
    bot: Bot,
    t: Texts,
    tz: str,
    now: datetime,
) -> None:
    user_id = query.from_user.id
    try:
        case, items = await services.case_items(db, user_id, callback_data.case_id)
    except NotFound:
        await alert(query, t("case.not_found"))
        return
    if not items:
        await alert(query, t("evidence.export.empty"))
        return
    await query.answer(t("evidence.export.working"))
    plan = plan_bundle(items, locker.store, user_id, locker.limits.upload_limit_bytes)
    left_out = sum(1 for entry in plan.entries if entry.part is None)
    for part in range(1, plan.parts + 1):
        manifest = render_manifest(case, plan, part, t, tz, now)
        suffix = f"-part{part}" if plan.parts > 1 else ""
        filename = f"shopguard-case{case.number}-evidence-{now:%Y%m%d}{suffix}.zip"
        caption = t(
            "evidence.export.caption",
            number=case.number,
            part=part,
            parts=plan.parts,
            files=len(plan.in_part(part)),
        )
        if left_out and part == plan.parts:
            caption += "\n" + t("evidence.export.left_out", count=left_out)
        await _send_part(bot, user_id, locker, plan, part, manifest, filename, caption, tz)


async def _send_part(
    bot: Bot,
    user_id: int,
    locker: EvidenceLocker,
    plan: BundlePlan,
    part: int,
    manifest: str,
    filename: str,
    caption: str,
    tz: str,
) -> None:
    """Write the part to a temporary file, send it, and remove it whatever happens."""
    await asyncio.to_thread(locker.work_dir.mkdir, parents=True, exist_ok=True)
    path = locker.work_dir / f"bundle-{secrets.token_hex(8)}.zip"
    try:
        await asyncio.to_thread(write_part, plan, part, locker.store, user_id, manifest, path, tz)
        await bot.send_document(user_id, FSInputFile(path, filename=filename), caption=caption)
    finally:
        await asyncio.to_thread(_remove, path)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
